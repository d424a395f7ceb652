from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import availability
from bookings.models import AvailabilityException, BookingSettings, Consultation
from tests.bookings.conftest import open_hours
from tests.factories import SpecialistFactory, UserFactory


@pytest.mark.django_db
def test_fourteen_days_of_slots_take_three_queries_whatever_the_calendar_holds():
    specialist = SpecialistFactory()
    open_hours(specialist)
    BookingSettings.objects.create(specialist=specialist, buffer_minutes=10)
    today = datetime.now(UTC).date()
    AvailabilityException.objects.create(
        specialist=specialist, date=today + timedelta(days=3), kind="off"
    )
    AvailabilityException.objects.create(
        specialist=specialist,
        date=today + timedelta(days=4),
        kind="extra",
        starts=time(18),
        ends=time(20),
    )
    now = datetime.now(UTC)
    for day in (2, 5, 6):
        starts_at = datetime.combine(
            today + timedelta(days=day), time(10), tzinfo=ZoneInfo(specialist.time_zone)
        )
        Consultation.objects.create(
            specialist=specialist,
            client=UserFactory(),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
        )

    with CaptureQueriesContext(connection) as queries:
        found = availability.slots_for(
            specialist=specialist, now=now, starts=now, ends=now + timedelta(days=14)
        )

    assert len(queries) <= 3
    assert found
    taken = {c.starts_at for c in Consultation.objects.all()}
    assert not taken & {s.starts_at for s in found}
    zone = ZoneInfo(specialist.time_zone)
    by_date = {s.starts_at.astimezone(zone).date() for s in found}
    assert today + timedelta(days=3) not in by_date
    extra = [s for s in found if s.starts_at.astimezone(zone).date() == today + timedelta(days=4)]
    assert extra[-1].starts_at.astimezone(zone).strftime("%H:%M") == "19:30"
