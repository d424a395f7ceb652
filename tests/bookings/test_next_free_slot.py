"""A booking keeps the specialist's stored next free slot right, and leaves it alone when
the booking cannot have changed it."""

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import availability, booking, hours, next_free, slots
from bookings.booking import BookingError
from bookings.models import BookingSettings
from directory import local_time, moderation
from directory.models import Specialist
from tests.bookings.conftest import open_hours
from tests.factories import BookingSettingsFactory, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def _now():
    """Midnight UTC the day after tomorrow: with 12 hours' notice and 09:00 to 17:00 in UTC,
    the first free slot is at noon, whatever time the tests run."""
    today = timezone.now().astimezone(UTC).date()
    return datetime.combine(today + timedelta(days=2), time(0), tzinfo=UTC)


def _specialist(*, buffer=0, cap=None, starts=time(9), ends=time(17), zone="UTC"):
    specialist = SpecialistFactory(time_zone=zone)
    BookingSettingsFactory(specialist=specialist, buffer_minutes=buffer, daily_cap=cap)
    open_hours(specialist, starts=starts, ends=ends)
    return specialist


def _from_scratch(specialist, now):
    """The earliest bookable slot, computed over the whole horizon with nothing skipped."""
    calendar = availability.load_calendar(specialist=specialist, starts=now)
    slot = slots.first_slot(calendar, now=now)
    return slot.starts_at if slot else None


def _stored(specialist):
    specialist.refresh_from_db(fields=["next_free_slot_at"])
    return specialist.next_free_slot_at


def _slots(specialist, now, days=3):
    starts = now + timedelta(hours=12)
    return availability.slots_for(
        specialist=specialist, now=now, starts=starts, ends=starts + timedelta(days=days)
    )


def _book(specialist, starts_at, now):
    with CaptureQueriesContext(connection) as captured:
        booking.book(
            client=UserFactory(), specialist=specialist, starts_at=starts_at, mode="video", now=now
        )
    return [
        q["sql"] for q in captured.captured_queries if 'UPDATE "directory_specialist"' in q["sql"]
    ]


def test_booking_a_later_slot_leaves_the_next_free_slot_without_writing_it():
    now = _now()
    specialist = _specialist()
    first = next_free.refresh_next_free_slot(specialist=specialist, now=now)
    later = _slots(specialist, now)[5]

    updates = _book(specialist, later.starts_at, now)

    assert updates == []
    assert _stored(specialist) == first == _from_scratch(specialist, now)


def test_booking_the_next_free_slot_moves_it_to_the_one_after():
    now = _now()
    specialist = _specialist()
    first = next_free.refresh_next_free_slot(specialist=specialist, now=now)
    assert first is not None

    assert first.time() == time(12)

    _book(specialist, first, now)

    assert _stored(specialist) == first + timedelta(minutes=30)
    assert _stored(specialist) == _from_scratch(specialist, now)


def test_the_buffer_moves_the_next_free_slot_past_a_booking_right_after_it():
    now = _now()
    with_buffer = _specialist(buffer=10)
    without = _specialist(buffer=0)
    first_with = next_free.refresh_next_free_slot(specialist=with_buffer, now=now)
    first_without = next_free.refresh_next_free_slot(specialist=without, now=now)
    assert first_with is not None and first_without is not None

    _book(with_buffer, first_with + timedelta(minutes=30), now)
    _book(without, first_without + timedelta(minutes=30), now)

    # 10 minutes of buffer: the slot before the booking, the booking and the one after are
    # out, so the next free slot is 90 minutes on. Without a buffer it stays.
    assert _stored(with_buffer) == first_with + timedelta(minutes=90)
    assert _stored(with_buffer) == _from_scratch(with_buffer, now)
    assert _stored(without) == first_without == _from_scratch(without, now)


def test_a_booking_that_reaches_the_daily_cap_moves_the_next_free_slot_to_another_day():
    now = _now()
    specialist = _specialist(cap=1)
    first = next_free.refresh_next_free_slot(specialist=specialist, now=now)
    assert first is not None
    zone = local_time.zone_named(specialist.time_zone)
    same_day_later = first + timedelta(hours=2)
    assert same_day_later.astimezone(zone).date() == first.astimezone(zone).date()

    _book(specialist, same_day_later, now)

    moved = _stored(specialist)
    assert moved is not None
    assert moved.astimezone(zone).date() > first.astimezone(zone).date()
    assert moved == _from_scratch(specialist, now)


def test_a_booking_on_another_day_leaves_a_capped_next_free_slot():
    now = _now()
    specialist = _specialist(cap=1)
    first = next_free.refresh_next_free_slot(specialist=specialist, now=now)
    assert first is not None

    updates = _book(specialist, first + timedelta(days=2), now)

    assert updates == []
    assert _stored(specialist) == first == _from_scratch(specialist, now)


def test_a_stale_stored_value_is_recomputed_by_the_next_booking():
    now = _now()
    specialist = _specialist()
    later = _slots(specialist, now)[6]
    for stale in (None, now - timedelta(hours=1), now + timedelta(hours=1)):
        specialist.next_free_slot_at = stale
        specialist.save(update_fields=["next_free_slot_at"])
        specialist.next_free_slot_at = _from_scratch(specialist, now)  # what a caller held

        _book(specialist, later.starts_at, now)

        assert _stored(specialist) == _from_scratch(specialist, now)
        later = _slots(specialist, now)[6]


def test_the_last_free_slot_of_the_horizon_being_booked_leaves_none():
    now = _now()
    specialist = _specialist(starts=time(9), ends=time(9, 30))
    BookingSettings.objects.filter(specialist=specialist).update(notice_hours=0, horizon_days=1)
    specialist.refresh_from_db()
    hours.hours_changed(specialist=specialist)
    first = next_free.refresh_next_free_slot(specialist=specialist, now=now)
    assert first is not None

    _book(specialist, first, now)

    assert _stored(specialist) is None


@pytest.mark.parametrize(
    ("buffer", "cap", "zone"),
    [(0, None, "America/Toronto"), (10, None, "Asia/Kolkata"), (15, 3, "Australia/Sydney")],
)
def test_after_any_sequence_of_bookings_the_stored_value_is_the_earliest_free_slot(
    buffer, cap, zone
):
    now = _now()
    specialist = _specialist(buffer=buffer, cap=cap, zone=zone)
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    chooser = random.Random(f"{buffer}-{cap}-{zone}")

    for _turn in range(14):
        free = _slots(specialist, now, days=4)
        if not free:
            break
        # Mostly the first few slots, where the stored value is affected, sometimes later.
        pick = free[min(len(free) - 1, chooser.choice([0, 0, 1, 2, 3, len(free) // 2]))]
        _book(specialist, pick.starts_at, now)
        assert _stored(specialist) == _from_scratch(specialist, now)


def test_a_slot_within_the_buffer_of_a_booking_is_refused_and_one_past_it_is_not():
    now = _now()
    specialist = _specialist(buffer=10)
    first = next_free.refresh_next_free_slot(specialist=specialist, now=now)
    assert first is not None
    _book(specialist, first, now)

    for too_close in (first + timedelta(minutes=30), first - timedelta(minutes=30)):
        with pytest.raises(BookingError, match="no longer available"):
            _book(specialist, too_close, now)
    _book(specialist, first + timedelta(minutes=60), now)


def test_a_local_day_that_reached_its_daily_cap_refuses_more_bookings():
    now = _now()
    specialist = _specialist(cap=1, zone="Asia/Kolkata")  # a local day is not a UTC day
    zone = local_time.zone_named(specialist.time_zone)
    free = _slots(specialist, now, days=4)
    day = free[0].starts_at.astimezone(zone).date()
    same_day = [s.starts_at for s in free if s.starts_at.astimezone(zone).date() == day]
    next_day = [s.starts_at for s in free if s.starts_at.astimezone(zone).date() > day]
    _book(specialist, same_day[0], now)

    with pytest.raises(BookingError, match="no longer available"):
        _book(specialist, same_day[-1], now)
    _book(specialist, next_day[0], now)


def test_a_newly_approved_profile_shows_its_next_free_time_at_once(db):
    specialist = SpecialistFactory(status=Specialist.Status.PENDING)
    open_hours(specialist)
    assert specialist.next_free_slot_at is None

    moderation.approve(specialist=specialist, moderator=UserFactory(is_staff=True))

    specialist.refresh_from_db()
    assert specialist.next_free_slot_at is not None
    assert specialist.next_free_slot_at > timezone.now()


@pytest.mark.django_db
def test_the_periodic_refresh_sets_every_specialists_next_free_slot_in_few_queries():
    now = datetime.now(UTC)
    specialists = [SpecialistFactory() for _ in range(5)]
    for specialist in specialists[:4]:
        open_hours(specialist)
    hidden = SpecialistFactory(status="draft")
    hidden.next_free_slot_at = now
    hidden.save()

    with CaptureQueriesContext(connection) as queries:
        next_free.refresh_all_next_free_slots(now=now)

    assert len(queries) <= 12
    values = {s.pk: s.next_free_slot_at for s in type(hidden).objects.all()}
    assert all(values[s.pk] is not None for s in specialists[:4])
    assert values[specialists[4].pk] is None
    assert values[hidden.pk] is None
