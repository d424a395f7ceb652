import threading
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings import availability, booking, notices
from bookings.models import WeeklyHours
from tests.factories import SpecialistFactory, UserFactory

ALL_DAY = (time(0, 0), time(0, 0))  # 00:00 to the end of the day


def open_hours(specialist, *, starts=time(9), ends=time(17), weekdays=range(7)):
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=day, starts=starts, ends=ends)
        for day in weekdays
    )


def deliver_notices() -> int:
    """What the notice sweep sends now (beat runs it every few seconds)."""
    return notices.send_pending(now=timezone.now())


def free_slot(specialist, *, after=timedelta(days=2), index=0):
    now = timezone.now()
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now + after, ends=now + after + timedelta(days=7)
    )
    return found[index]


def race(*, specialist, starts_at, clients) -> list[str]:
    """Every client books `starts_at` at the same moment, each on its own connection.

    How each attempt ended: "booked", "refused: <message>" or "error: <exception>".
    """
    barrier = threading.Barrier(len(clients))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(client) -> None:
        barrier.wait()
        try:
            booking.book(
                client=client,
                specialist=specialist,
                starts_at=starts_at,
                mode="video",
                now=timezone.now(),
            )
            outcome = "booked"
        except booking.BookingError as error:
            outcome = f"refused: {error}"
        except Exception as error:
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


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
