"""Matching's part of a person's export and erasure (privacy/ calls these in a fixed order)."""

from datetime import datetime
from typing import Any

from django.db.models import Model

from directory.models import User
from matching.models import ShortlistEntry

# The models with a foreign key to the user that erase_user_data handles.
ERASES: tuple[type[Model], ...] = (ShortlistEntry,)


def erase_user_data(*, user: User, now: datetime) -> None:
    """Their shortlist goes."""
    ShortlistEntry.objects.filter(user=user).delete()


def export_user_data(*, user: User) -> dict[str, Any]:
    return {
        "shortlist": [
            {
                "specialist": entry.specialist.name,
                "address": entry.specialist.slug,
                "saved_at": entry.added_at,
            }
            for entry in ShortlistEntry.objects.filter(user=user)
            .select_related("specialist")
            .order_by("added_at", "pk")
        ]
    }
