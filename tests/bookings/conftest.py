from datetime import time, timedelta

import pytest
from django.utils import timezone

from bookings import availability
from bookings.models import WeeklyHours
from tests.factories import SpecialistFactory, UserFactory

ALL_DAY = (time(0, 0), time(0, 0))  # 00:00 to the end of the day


def open_hours(specialist, *, starts=time(9), ends=time(17), weekdays=range(7)):
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=day, starts=starts, ends=ends)
        for day in weekdays
    )


def free_slot(specialist, *, after=timedelta(days=2), index=0):
    now = timezone.now()
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now + after, ends=now + after + timedelta(days=7)
    )
    return found[index]


@pytest.fixture
def specialist(db):
    specialist = SpecialistFactory(time_zone="America/Toronto")
    open_hours(specialist, starts=time(0), ends=time(0))
    return specialist


@pytest.fixture
def client_user(db):
    return UserFactory(email="client-person@example.com", first_name="Robin")


def pytest_terminal_summary(terminalreporter):
    """Say which database-specific bookings tests did not run, and why, in every run."""
    for report in terminalreporter.stats.get("skipped", []):
        if "tests/bookings/" in report.nodeid and isinstance(report.longrepr, tuple):
            terminalreporter.write_line(f"bookings: skipped {report.nodeid}: {report.longrepr[2]}")
