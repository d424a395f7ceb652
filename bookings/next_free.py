"""The next free slot stored on each specialist for search: refreshed by the changes that
move it (a booking, an edit of hours) and by a periodic sweep, as the notice window moves;
whatever may free a slot wakes the waitlist."""

from datetime import datetime, timedelta

from django.db import connection, transaction

from bookings.availability import load_calendar, load_calendars, with_window
from bookings.models import WaitlistEntry
from bookings.slots import SLOT, Calendar, Slot, first_slot, slots
from directory.models import Specialist

SEARCH_WEEK = timedelta(days=7)
DAY = timedelta(days=1)


def next_free_slot(
    *, specialist: Specialist, now: datetime, since: datetime, calendar: Calendar | None = None
) -> Slot | None:
    """The earliest bookable slot starting at or after `since`, or None.

    Reads a week of bookings at a time, and none for the part `calendar` already covers
    (it must be current). The hours are read once.
    """
    if calendar is None:
        calendar = load_calendar(specialist=specialist, starts=since, ends=since + SEARCH_WEEK)
    horizon_end = now + calendar.rules.horizon
    window_start = since
    while window_start < horizon_end:
        covers = calendar.covers
        if covers is not None and covers[0] <= window_start < covers[1]:
            window_end = covers[1]
        else:
            window_end = window_start + SEARCH_WEEK
            calendar = with_window(
                calendar, specialist=specialist, starts=window_start, ends=window_end
            )
        # A day at a time within the bookings read: the first day with a slot ends the search.
        day_start = window_start
        while day_start < min(window_end, horizon_end):
            day_end = min(day_start + DAY, window_end, horizon_end)
            found = slots(calendar, now=now, starts=day_start, ends=day_end)
            if found:
                return found[0]
            day_start = day_end
        window_start = window_end
    return None


# Written out because most bookings move the next free slot: the ORM took ten times as long
# to build the statement.
_STORE_SQL = f"UPDATE {Specialist._meta.db_table} SET next_free_slot_at = %s WHERE id = %s"  # noqa: S608


def _store_next_free_slot(specialist: Specialist, value: datetime | None) -> datetime | None:
    if value != specialist.next_free_slot_at:
        with connection.cursor() as cursor:
            cursor.execute(
                _STORE_SQL, [connection.ops.adapt_datetimefield_value(value), specialist.pk]
            )
        specialist.next_free_slot_at = value
    return value


def refresh_next_free_slot(
    *, specialist: Specialist, now: datetime, calendar: Calendar | None = None
) -> datetime | None:
    """Store the specialist's earliest bookable slot (None when they have none) for search.

    `calendar`, when given, must be current (the caller has just loaded it and applied its
    own change); the bookings it covers are not read again. Whatever freed a slot, the
    waitlist hears of it.
    """
    wake_waitlist(specialist=specialist, now=now)
    if not _offers(specialist):
        return _store_next_free_slot(specialist, None)
    slot = next_free_slot(specialist=specialist, now=now, since=now, calendar=calendar)
    return _store_next_free_slot(specialist, slot.starts_at if slot else None)


def wake_waitlist(*, specialist: Specialist, now: datetime) -> None:
    """Slots may have opened: the clients waiting for this specialist are looked at in the
    next waitlist sweep (bookings.waitlist), not minutes later."""
    WaitlistEntry.objects.filter(specialist=specialist, due_at__gt=now).update(due_at=now)


def refresh_after_booking(
    *, specialist: Specialist, now: datetime, booked: datetime, calendar: Calendar
) -> datetime | None:
    """Keep next_free_slot_at right after the slot at `booked` was taken.

    A booking only removes slots: those its range (plus the buffer) overlaps and, when the
    daily cap is reached, the rest of its local day. So a stored next free slot that is
    still outside the notice window and none of those stays as it is. Otherwise the new
    one is no earlier than the stored one, and the search starts there.
    `specialist.next_free_slot_at` must be the stored value, read in this transaction;
    `calendar` must be current, with the booking in it, or cover no bookings (the search
    then reads them a week at a time).
    """
    rules, zone = calendar.rules, calendar.zone
    current = specialist.next_free_slot_at
    valid = current is not None and now + rules.notice <= current <= booked
    if valid and current is not None:
        clear = booked >= current + SLOT + rules.buffer
        same_day = current.astimezone(zone).date() == booked.astimezone(zone).date()
        if clear and (rules.daily_cap is None or not same_day):
            return current
    if not _offers(specialist):
        return _store_next_free_slot(specialist, None)
    since = current if valid and current is not None else now
    slot = next_free_slot(specialist=specialist, now=now, since=since, calendar=calendar)
    return _store_next_free_slot(specialist, slot.starts_at if slot else None)


def _offers(specialist: Specialist) -> bool:
    return specialist.is_listed and specialist.offers_free_consultation


def refresh_all_next_free_slots(*, now: datetime, chunk: int = 1000) -> int:
    """Recompute next_free_slot_at for every specialist, a chunk at a time.

    The notice window moves with the clock, so yesterday's answer goes stale by itself.
    Four queries and one bulk update per chunk, whatever the calendars hold.
    """
    offering = Specialist.objects.offering_free_consultations()
    # Those who stopped offering, or were unpublished, show no slot.
    Specialist.objects.exclude(pk__in=offering.values("pk")).exclude(next_free_slot_at=None).update(
        next_free_slot_at=None
    )
    ids = list(offering.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for index in range(0, len(ids), chunk):
        part = ids[index : index + chunk]
        calendars = load_calendars(specialist_ids=part, now=now)
        current = dict(
            Specialist.objects.filter(pk__in=part).values_list("pk", "next_free_slot_at")
        )
        updates = []
        for specialist_id, calendar in calendars.items():
            slot = first_slot(calendar, now=now)
            value = slot.starts_at if slot else None
            if current.get(specialist_id) != value:
                updates.append(Specialist(pk=specialist_id, next_free_slot_at=value))
        with transaction.atomic():
            Specialist.objects.bulk_update(updates, ["next_free_slot_at"], batch_size=500)
        changed += len(updates)
    return changed
