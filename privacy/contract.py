"""What each app offers privacy/: its part of a person's export and erasure, in one order.

An app's `privacy` module exports and erases only its own models. Every model with a foreign
key to the user is either in some app's ERASES or in KEPT with the reason it stays
(tests/privacy/test_contract.py holds it so).
"""

from datetime import datetime
from typing import Protocol

from django.contrib.admin.models import LogEntry
from django.db.models import Model

from bookings import privacy as bookings_privacy
from calendars import privacy as calendars_privacy
from content import privacy as content_privacy
from directory import privacy as directory_privacy
from directory.models import Promotion, PromotionChange, User
from matching import privacy as matching_privacy
from messaging import privacy as messaging_privacy
from messaging.models import Block


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
