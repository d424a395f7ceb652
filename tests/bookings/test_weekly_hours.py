from datetime import UTC, datetime, time, timedelta

import pytest

from bookings import weekly_hours
from bookings.hours import AvailabilityError
from tests.factories import SpecialistFactory

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # a Monday


@pytest.mark.django_db
def test_saving_weekly_hours_refuses_overlapping_ranges():
    specialist = SpecialistFactory()

    with pytest.raises(AvailabilityError):
        weekly_hours.set_weekly_hours(
            specialist=specialist,
            ranges=[(0, time(9), time(12)), (0, time(11), time(13))],
            now=NOW,
        )


@pytest.mark.django_db
def test_saving_weekly_hours_refreshes_the_next_free_slot():
    specialist = SpecialistFactory()
    now = datetime.now(UTC)

    weekly_hours.set_weekly_hours(
        specialist=specialist, ranges=[(d, time(9), time(17)) for d in range(7)], now=now
    )

    specialist.refresh_from_db()
    assert specialist.next_free_slot_at is not None
    assert specialist.next_free_slot_at >= now + timedelta(hours=12)

    weekly_hours.set_weekly_hours(specialist=specialist, ranges=[], now=now)
    specialist.refresh_from_db()
    assert specialist.next_free_slot_at is None
