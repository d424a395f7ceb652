from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bookings import free_times
from bookings.models import WeeklyHours
from bookings.slots import Calendar, Rules
from directory.filters import time_bit
from directory.models import Specialist
from tests.factories import SpecialistFactory

# A Monday, 06:00 in Toronto.
NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
TORONTO = ZoneInfo("America/Toronto")


def test_the_mask_has_a_bit_for_each_local_weekday_and_part_of_the_day_with_a_free_slot():
    # Tuesdays 18:00-19:00 and Saturdays 09:00-10:00, Toronto time.
    calendar = Calendar(zone=TORONTO, rules=Rules(), weekly={1: [(1080, 1140)], 5: [(540, 600)]})

    mask = free_times.mask(calendar, now=NOW)

    assert mask == time_bit(weekday=1, hour=18) | time_bit(weekday=5, hour=9)


def test_no_hours_no_bits():
    assert free_times.mask(Calendar(zone=TORONTO, rules=Rules(), weekly={}), now=NOW) == 0


@pytest.mark.django_db
def test_refresh_stores_the_mask_and_clears_it_for_those_who_stopped_offering():
    open_ = SpecialistFactory(time_zone="America/Toronto")
    WeeklyHours.objects.create(specialist=open_, weekday=3, starts=time(13), ends=time(15))
    stopped = SpecialistFactory(offers_free_consultation=False, free_times=123)

    changed = free_times.refresh(now=NOW)

    assert changed == 1
    assert Specialist.objects.get(pk=open_.pk).free_times == time_bit(weekday=3, hour=13)
    assert Specialist.objects.get(pk=stopped.pk).free_times == 0
