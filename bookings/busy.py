"""Busy times from outside the product (a specialist's own calendars) that block slots."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from bookings import hours, next_free
from bookings.models import BusyTime
from directory.models import Specialist

MAX_BUSY_TIMES_PER_SOURCE = 5000


@transaction.atomic
def replace_busy_times(
    *,
    specialist: Specialist,
    source: str,
    intervals: Iterable[tuple[datetime, datetime]],
    now: datetime,
) -> int:
    """Replace what `source` says the specialist is busy with, from `now` on; the count kept.

    Empty or inverted intervals are dropped, overlapping ones merged, and at most
    MAX_BUSY_TIMES_PER_SOURCE of the earliest are kept. Past rows of the source go too.
    Takes the specialist's lock first, like a booking, so a booking in flight either saw
    the old busy times and is kept, or sees the new ones; slots show them at once.
    """
    hours.lock_specialist(specialist=specialist)
    merged: list[tuple[datetime, datetime]] = []
    for starts_at, ends_at in sorted(i for i in intervals if i[1] > i[0] and i[1] > now):
        if merged and starts_at <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends_at))
        else:
            merged.append((starts_at, ends_at))
    merged = merged[:MAX_BUSY_TIMES_PER_SOURCE]
    BusyTime.objects.filter(specialist=specialist, source=source).delete()
    BusyTime.objects.bulk_create(
        BusyTime(specialist=specialist, source=source, starts_at=start, ends_at=end)
        for start, end in merged
    )
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return len(merged)


@transaction.atomic
def forget_source(*, specialist: Specialist, source: str, now: datetime) -> None:
    """Drop every busy time a source wrote (a calendar connection was removed)."""
    hours.lock_specialist(specialist=specialist)
    BusyTime.objects.filter(specialist=specialist, source=source).delete()
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
