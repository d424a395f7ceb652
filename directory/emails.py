"""E-mails from the directory. Subjects carry neutral words only."""

from django.conf import settings
from django.urls import reverse

from config import emails
from directory.models import Specialist, User


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
    emails.send(
        template,
        to=[specialist.owner.email],
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
    emails.send(
        "login_failures",
        to=[user.email],
        context={
            "failures": failures,
            "login_url": settings.SITE_URL + reverse("account_request_login_code"),
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
        },
    )
    return True
