"""Which weekdays and times of day a specialist has free consultation slots, for search.

Search filters by `Specialist.free_times` (one bit per local weekday and part of the day, see
directory.filters.time_bit) instead of reading calendars. It covers the coming two weeks and
is recomputed every 15 minutes with the next free slots (bookings.refresh_free_times), so a
change of hours or a booking reaches the filter within that time.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction

from bookings import availability, slots
from bookings.slots import Calendar
from directory.filters import time_bit
from directory.models import Specialist

WINDOW = timedelta(days=14)


def mask(calendar: Calendar, *, now: datetime) -> int:
    """The bits of every free slot in the coming two weeks, by local weekday and hour. Pure."""
    bits = 0
    for slot in slots.slots(calendar, now=now, starts=now, ends=now + WINDOW):
        local = slot.starts_at.astimezone(calendar.zone)
        bits |= time_bit(weekday=local.weekday(), hour=local.hour)
    return bits


def refresh(
    *, now: datetime, specialist_ids: Sequence[int] | None = None, chunk: int = 1000
) -> int:
    """Recompute `free_times` for these specialists (all when None); returns how many changed.

    Those who do not offer free consultations (or are not published) have none. Four queries
    and one bulk update per chunk, like the next free slot refresh.
    """
    offering = Specialist.objects.offering_free_consultations()
    others = Specialist.objects.exclude(pk__in=offering.values("pk")).exclude(free_times=0)
    if specialist_ids is not None:
        offering = offering.filter(pk__in=specialist_ids)
        others = others.filter(pk__in=specialist_ids)
    others.update(free_times=0)
    ids = list(offering.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for index in range(0, len(ids), chunk):
        part = ids[index : index + chunk]
        calendars = availability.load_calendars(specialist_ids=part, now=now)
        current = dict(Specialist.objects.filter(pk__in=part).values_list("pk", "free_times"))
        updates = []
        for specialist_id, calendar in calendars.items():
            value = mask(calendar, now=now)
            if current.get(specialist_id) != value:
                updates.append(Specialist(pk=specialist_id, free_times=value))
        with transaction.atomic():
            Specialist.objects.bulk_update(updates, ["free_times"], batch_size=500)
        changed += len(updates)
    return changed
