"""E-mails sent by messaging. A message notice never contains the message."""

from django.conf import settings
from django.urls import reverse

from config import emails
from messaging.models import ContactMessage


def send_message_notice(*, to: str, name: str, thread_id: int) -> None:
    url = settings.SITE_URL + reverse("messaging:thread", kwargs={"pk": thread_id})
    emails.send("message_received", to=[to], context={"url": url, "name": name})


def send_contact_to_staff(contact: ContactMessage) -> None:
    emails.send(
        "contact_received",
        to=[settings.STAFF_EMAIL],
        context={"contact": contact},
        reply_to=[contact.reply_to],
    )


def send_contact_acknowledgement(contact: ContactMessage) -> None:
    """The fixed note to the address typed in "Can't log in?": none of what they wrote."""
    emails.send(
        "contact_acknowledged",
        to=[contact.reply_to],
        context={
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
            "code_url": settings.SITE_URL + reverse("account_request_login_code"),
            "crisis_url": settings.SITE_URL + reverse("crisis"),
        },
    )
