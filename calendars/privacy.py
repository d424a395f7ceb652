"""Calendars' part of a person's export and erasure (privacy/ calls these in a fixed order)."""

from datetime import datetime
from typing import Any

from django.db.models import Model

from calendars import connections
from directory.models import Specialist, User

# Calendar connections belong to a specialist's profile, not to the user directly.
ERASES: tuple[type[Model], ...] = ()


def erase_user_data(*, user: User, now: datetime) -> None:
    """A specialist's calendar connections and the busy times read from them go."""
    specialist = Specialist.objects.filter(owner=user).first()
    if specialist is not None:
        connections.forget_specialist(specialist=specialist, now=now)


def export_user_data(*, user: User) -> dict[str, Any]:
    """Nothing: a connection's address and credentials are secrets, like the password."""
    return {}
