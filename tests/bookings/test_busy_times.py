"""Busy times from a specialist's own calendars block slots and bookings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import availability, booking, busy, hours, next_free
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def slot_starts(specialist, now):
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + timedelta(days=14)
    )
    return {slot.starts_at for slot in found}


def test_a_busy_time_removes_the_slots_it_overlaps_and_no_others():
    specialist = SpecialistFactory()
    open_hours(specialist)
    now = timezone.now()
    slot = free_slot(specialist, after=timedelta(days=2))
    before = slot_starts(specialist, now)

    busy.replace_busy_times(
        specialist=specialist,
        source="calendar:1",
        intervals=[
            (slot.starts_at + timedelta(minutes=10), slot.starts_at + timedelta(minutes=20))
        ],
        now=now,
    )

    assert before - slot_starts(specialist, now) == {slot.starts_at}


def test_a_booking_inside_a_busy_time_is_refused():
    specialist = SpecialistFactory()
    open_hours(specialist)
    now = timezone.now()
    slot = free_slot(specialist, after=timedelta(days=2))
    busy.replace_busy_times(
        specialist=specialist, source="calendar:1", intervals=[tuple(slot)], now=now
    )

    with pytest.raises(booking.BookingError, match="no longer available"):
        booking.book(
            client=UserFactory(),
            specialist=specialist,
            starts_at=slot.starts_at,
            mode="video",
            now=now,
        )


def test_busy_times_do_not_count_towards_the_daily_cap():
    specialist = SpecialistFactory()
    open_hours(specialist)
    settings = hours.settings_for(specialist=specialist)
    settings.daily_cap = 1
    settings.save()
    now = timezone.now()
    first, later = free_slot(specialist, index=0), free_slot(specialist, index=4)
    busy.replace_busy_times(
        specialist=specialist, source="calendar:1", intervals=[tuple(first)], now=now
    )

    booking.book(
        client=UserFactory(),
        specialist=specialist,
        starts_at=later.starts_at,
        mode="video",
        now=now,
    )


def test_each_source_replaces_only_its_own_and_the_next_free_slot_follows():
    specialist = SpecialistFactory()
    open_hours(specialist)
    now = timezone.now()
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    first = specialist.next_free_slot_at
    assert first is not None

    busy.replace_busy_times(
        specialist=specialist,
        source="calendar:1",
        intervals=[(first, first + timedelta(minutes=30))],
        now=now,
    )
    busy.replace_busy_times(specialist=specialist, source="calendar:2", intervals=[], now=now)
    specialist.refresh_from_db()
    assert specialist.next_free_slot_at > first

    busy.forget_source(specialist=specialist, source="calendar:1", now=now)
    specialist.refresh_from_db()
    assert specialist.next_free_slot_at == first


def test_overlapping_and_empty_intervals_are_merged_or_dropped():
    specialist = SpecialistFactory()
    now = timezone.now()
    start = now + timedelta(days=1)
    kept = busy.replace_busy_times(
        specialist=specialist,
        source="calendar:1",
        intervals=[
            (start, start + timedelta(hours=1)),
            (start + timedelta(minutes=30), start + timedelta(hours=2)),
            (start + timedelta(hours=5), start + timedelta(hours=5)),
            (now - timedelta(days=2), now - timedelta(days=1)),
        ],
        now=now,
    )

    assert kept == 1
    assert list(specialist.busy_times.values_list("starts_at", "ends_at")) == [
        (start, start + timedelta(hours=2))
    ]
