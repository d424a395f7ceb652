"""Admins keep the directory trustworthy: approve or reject profiles, verify licenses.

Each decision claims the profile with a conditional UPDATE, so two admins acting at once
cannot both decide, and the specialist is told by e-mail once the decision is committed.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import emails
from directory.models import Specialist, User
from outbox import sending

MAX_REASON_LENGTH = 2000


class ModerationError(Exception):
    """A moderation rule was broken; the message is safe to show to the admin."""


# What other apps do, in the same transaction, when a profile is published: bookings
# stores its next free time, so that search shows it at once (directory imports nobody).
PublishHook = Callable[..., Any]
_on_publish: list[PublishHook] = []


def on_publish(hook: PublishHook) -> PublishHook:
    """Call `hook(specialist=..., now=...)` whenever a profile is approved (once per hook)."""
    if hook not in _on_publish:
        _on_publish.append(hook)
    return hook


@transaction.atomic
def approve(*, specialist: Specialist, moderator: User) -> Specialist:
    """Publish a profile that is pending review and e-mail its owner.

    Raises ModerationError when the profile is not pending (already decided, or withdrawn).
    """
    now = timezone.now()
    claimed = Specialist.objects.filter(pk=specialist.pk, status=Specialist.Status.PENDING).update(
        status=Specialist.Status.PUBLISHED,
        published_at=now,
        rejection_reason="",
        reviewed_at=now,
        reviewed_by=moderator,
        updated_at=now,
    )
    if not claimed:
        raise ModerationError(_("Only profiles waiting for review can be approved."))
    sending.queue(emails.send_profile_decision, specialist_id=specialist.pk)
    specialist.refresh_from_db()
    for hook in _on_publish:
        hook(specialist=specialist, now=now)
    return specialist


@transaction.atomic
def reject(*, specialist: Specialist, moderator: User, reason: str) -> Specialist:
    """Send a pending profile back to its owner with a reason, by e-mail.

    Raises ModerationError without a reason, or when the profile is not pending.
    """
    reason = reason.strip()
    if not reason:
        raise ModerationError(_("Please say what the specialist needs to change."))
    if len(reason) > MAX_REASON_LENGTH:
        raise ModerationError(_("Please keep the reason under 2,000 characters."))
    now = timezone.now()
    claimed = Specialist.objects.filter(pk=specialist.pk, status=Specialist.Status.PENDING).update(
        status=Specialist.Status.REJECTED,
        rejection_reason=reason,
        reviewed_at=now,
        reviewed_by=moderator,
        updated_at=now,
    )
    if not claimed:
        raise ModerationError(_("Only profiles waiting for review can be rejected."))
    sending.queue(emails.send_profile_decision, specialist_id=specialist.pk)
    specialist.refresh_from_db()
    return specialist


def verify_license(*, specialist: Specialist, moderator: User) -> Specialist:
    """Record that an admin checked the license with its licensing body today.

    Raises ModerationError when there is no license number to verify.
    """
    if not specialist.license_number.strip():
        raise ModerationError(_("There is no license number to verify."))
    Specialist.objects.filter(pk=specialist.pk).update(license_verified_at=timezone.now())
    specialist.refresh_from_db()
    return specialist
