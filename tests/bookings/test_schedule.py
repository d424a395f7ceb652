from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bookings import schedule
from bookings.models import Consultation
from tests.factories import ConsultationFactory, SpecialistFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_the_week_lists_seven_local_days_with_the_consultations_not_cancelled():
    specialist = SpecialistFactory()
    # 02:00 UTC on the 3rd is still the 2nd in Toronto.
    evening = ConsultationFactory(specialist=specialist, starts_at=at(3, 2))
    morning = ConsultationFactory(specialist=specialist, starts_at=at(4, 14))
    ConsultationFactory(
        specialist=specialist, starts_at=at(4, 16), status=Consultation.Status.CANCELLED
    )
    ConsultationFactory(starts_at=at(4, 15))  # someone else's
    ConsultationFactory(specialist=specialist, starts_at=at(9, 15))  # the week after

    days = schedule.week(specialist=specialist, zone=TORONTO, first=date(2026, 3, 2))

    assert [day for day, _found in days] == [date(2026, 3, d) for d in range(2, 9)]
    assert dict(days)[date(2026, 3, 2)] == [evening]
    assert dict(days)[date(2026, 3, 4)] == [morning]
    assert sum(len(found) for _day, found in days) == 2


def test_the_ones_to_close_have_started_and_are_still_confirmed_latest_first():
    specialist = SpecialistFactory()
    now = at(10, 12)
    earlier = ConsultationFactory(specialist=specialist, starts_at=at(8, 12))
    later = ConsultationFactory(specialist=specialist, starts_at=at(10, 11))
    ConsultationFactory(
        specialist=specialist, starts_at=at(9, 12), status=Consultation.Status.COMPLETED
    )
    not_started = ConsultationFactory(specialist=specialist, starts_at=at(10, 13))

    assert schedule.to_close(specialist=specialist, now=now) == [later, earlier]
    assert list(schedule.upcoming(specialist=specialist, now=now)) == [not_started]
