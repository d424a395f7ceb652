from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings import booking, week
from bookings.slots import Slot
from tests.bookings.conftest import free_slot

pytestmark = pytest.mark.django_db

KOLKATA = ZoneInfo("Asia/Kolkata")


def test_a_week_asked_in_the_past_starts_today_with_no_earlier_week(specialist):
    now = timezone.now()
    today = now.astimezone(KOLKATA).date()

    shown = week.free_week(
        specialist=specialist, zone=KOLKATA, asked=today - timedelta(days=30), now=now
    )

    assert (shown.first, shown.last) == (today, today + timedelta(days=6))
    assert shown.previous is None
    assert shown.next == today + timedelta(days=7)
    assert shown.days, "open all day, so this week has free times"
    for day, slots in shown.days:
        assert shown.first <= day <= shown.last
        assert {slot.starts_at.astimezone(KOLKATA).date() for slot in slots} == {day}
        assert all(slot.starts_at > now for slot in slots)


def test_a_week_far_ahead_starts_a_year_from_today_beyond_the_horizon(specialist):
    now = timezone.now()
    today = now.astimezone(KOLKATA).date()

    shown = week.free_week(
        specialist=specialist, zone=KOLKATA, asked=today + timedelta(days=500), now=now
    )

    assert shown.first == today + week.FURTHEST
    assert shown.previous == shown.first - timedelta(days=7)
    assert shown.next is None
    assert shown.days == []


def test_the_week_being_moved_from_never_offers_the_consultations_own_time(specialist, client_user):
    slot = free_slot(specialist)
    consultation = booking.book(
        client=client_user,
        specialist=specialist,
        starts_at=slot.starts_at,
        mode="video",
        now=timezone.now(),
    )
    asked = slot.starts_at.astimezone(KOLKATA).date()

    shown = week.free_week(
        specialist=specialist,
        zone=KOLKATA,
        asked=asked,
        now=timezone.now(),
        ignore=(consultation.starts_at, consultation.ends_at),
    )
    offered = {slot.starts_at for _day, slots in shown.days for slot in slots}

    assert shown.first == asked
    assert consultation.starts_at not in offered
    assert consultation.ends_at in offered  # the time right after it is free


def test_slots_are_grouped_by_their_date_in_the_readers_zone():
    late = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)  # 23:30 in Kolkata
    later = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)  # 00:00 the next day there
    first = Slot(late, late + timedelta(minutes=30))
    second = Slot(later, later + timedelta(minutes=30))

    assert week.by_day([first, second], KOLKATA) == [
        (date(2026, 3, 2), [first]),
        (date(2026, 3, 3), [second]),
    ]
    assert week.by_day([first, second], ZoneInfo("UTC")) == [(date(2026, 3, 2), [first, second])]
