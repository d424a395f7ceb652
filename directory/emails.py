"""E-mails from the directory. Subjects carry neutral words only."""

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from directory.models import Specialist, User


def subject_line(template: str, context: Mapping[str, object]) -> str:
    """Every e-mail's subject, on one line, after the site's prefix ("[First Step] ...")."""
    subject = " ".join(render_to_string(f"emails/{template}/subject.txt", context).split())
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject


def _send(*, template: str, to: str, context: dict[str, object]) -> None:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = subject_line(template, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}/body.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string(f"emails/{template}/body.html", context), "text/html"
    )
    message.send()


def send_profile_decision(*, specialist_id: int) -> bool:
    """Tell the owner the profile's current review outcome. False when there is none to tell.

    Reads the state now, not when the decision was queued: a profile approved and then
    rejected again gets the e-mail that is true.
    """
    specialist = (
        Specialist.objects.select_related("owner")
        .filter(
            pk=specialist_id,
            status__in=[Specialist.Status.PUBLISHED, Specialist.Status.REJECTED],
        )
        .first()
    )
    if specialist is None:
        return False
    template = (
        "profile_approved"
        if specialist.status == Specialist.Status.PUBLISHED
        else "profile_rejected"
    )
    _send(
        template=template,
        to=specialist.owner.email,
        context={
            "specialist": specialist,
            "profile_url": settings.SITE_URL + specialist.get_absolute_url(),
            "edit_url": settings.SITE_URL + "/profile/",
        },
    )
    return True


def send_login_failures(*, user_id: int, failures: int) -> bool:
    """Tell an account's owner that someone keeps failing to log in to it. False when the
    account is gone or closed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    _send(
        template="login_failures",
        to=user.email,
        context={
            "failures": failures,
            "login_url": settings.SITE_URL + reverse("account_request_login_code"),
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
        },
    )
    return True
