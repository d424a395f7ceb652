"""E-mails sent by messaging. A message notice never contains the message."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from directory.emails import subject_line
from messaging.models import ContactMessage


def _send(
    name: str, context: dict[str, object], *, to: list[str], reply_to: list[str] | None = None
) -> None:
    context = {**context, "SITE_NAME": settings.SITE_NAME}
    message = EmailMultiAlternatives(
        subject=subject_line(name, context),
        body=render_to_string(f"emails/{name}/body.txt", context),
        to=to,
        reply_to=reply_to,
    )
    message.attach_alternative(render_to_string(f"emails/{name}/body.html", context), "text/html")
    message.send()


def send_message_notice(*, to: str, name: str, thread_id: int) -> None:
    url = settings.SITE_URL + reverse("messaging:thread", kwargs={"pk": thread_id})
    _send("message_received", {"url": url, "name": name}, to=[to])


def send_contact_to_staff(contact: ContactMessage) -> None:
    _send(
        "contact_received",
        {"contact": contact},
        to=[settings.STAFF_EMAIL],
        reply_to=[contact.reply_to],
    )


def send_contact_acknowledgement(contact: ContactMessage) -> None:
    """The fixed note to the address typed in "Can't log in?": none of what they wrote."""
    _send(
        "contact_acknowledged",
        {
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
            "code_url": settings.SITE_URL + reverse("account_request_login_code"),
            "crisis_url": settings.SITE_URL + reverse("crisis"),
        },
        to=[contact.reply_to],
    )
