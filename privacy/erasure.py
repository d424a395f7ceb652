"""Erasing an account: the person's data goes, the other side's records stay whole.

The user row is kept, anonymised, because the other side's consultations and
conversations point at it: their pages still render and the cancellation notices written
here are sent after the commit (to the other side: an inactive account gets none). What
only the person wrote or owned is deleted; free text they left on shared rows
is blanked. The README's "Privacy" section lists each choice.
"""

import logging
from datetime import datetime
from functools import partial
from typing import Protocol

from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Model

from bookings import privacy as bookings_privacy
from calendars import privacy as calendars_privacy
from content import privacy as content_privacy
from directory import privacy as directory_privacy
from directory.models import Promotion, PromotionChange, User
from matching import privacy as matching_privacy
from messaging import privacy as messaging_privacy
from messaging.models import Block

logger = logging.getLogger(__name__)

ERASED_EMAIL_DOMAIN = directory_privacy.ERASED_EMAIL_DOMAIN


class AppPrivacy(Protocol):
    """What each app's `privacy` module offers: its part of the export and of the erasure,
    and the models with a foreign key to the user that its erasure handles."""

    ERASES: tuple[type[Model], ...]

    def erase_user_data(self, *, user: User, now: datetime) -> None: ...

    def export_user_data(self, *, user: User) -> dict[str, object]: ...


# The order of the erasure: bookings first (it cancels consultations while the profile is
# still whole, and sends the notices), the account last (the others look it up).
APPS: tuple[AppPrivacy, ...] = (
    bookings_privacy,
    messaging_privacy,
    content_privacy,
    matching_privacy,
    calendars_privacy,
    directory_privacy,
)

# Models with a foreign key to the user that no app erases, and why.
KEPT: dict[type[Model], str] = {
    Block: "a specialist's decision to block a client stays theirs; the client is anonymised",
    Promotion: "staff's record of who created a promotion",
    PromotionChange: "staff's audit trail of promotions",
    LogEntry: "the admin's log of what staff did; the profile's entries lose its name",
}


@transaction.atomic
def erase_account(*, user: User, now: datetime) -> None:
    """Erase the person's personal data and close the account, all or nothing.

    Every app erases its own part, in the order of APPS, under the locks every booking
    change takes (the specialists, then the person, then the consultations), so that a
    booking in flight finishes first and nothing deadlocks. Upcoming consultations on
    either side are cancelled, so the other side gets the usual notice.
    """
    person = bookings_privacy.lock_for_erasure(user=user, now=now)
    for app in APPS:
        app.erase_user_data(user=person, now=now)
    transaction.on_commit(partial(logger.info, "account erased", extra={"user_id": person.pk}))
