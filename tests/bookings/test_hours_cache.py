"""The hours cache: filled outside transactions only, and dropped by every change."""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import availability, hours, time_off, weekly_hours
from tests.bookings.conftest import open_hours
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db(transaction=True)


def load(specialist):
    now = timezone.now()
    return availability.load_calendar(specialist=specialist, starts=now, ends=now + timedelta(14))


def test_a_second_read_takes_one_query_for_the_bookings_only():
    specialist = SpecialistFactory()
    open_hours(specialist)
    load(specialist)

    with CaptureQueriesContext(connection) as queries:
        calendar = load(specialist)

    assert len(queries) == 1
    assert calendar.weekly[0] == [(9 * 60, 17 * 60)]


def test_changing_the_weekly_hours_shows_at_once():
    specialist = SpecialistFactory()
    open_hours(specialist)
    load(specialist)

    weekly_hours.set_weekly_hours(
        specialist=specialist, ranges=[(0, time(10), time(11))], now=timezone.now()
    )

    assert load(specialist).weekly == {0: [(10 * 60, 11 * 60)]}


def test_time_off_shows_at_once_and_so_does_removing_it():
    specialist = SpecialistFactory()
    open_hours(specialist)
    load(specialist)
    day = (timezone.now() + timedelta(days=3)).date()

    exception = time_off.add_exception(
        specialist=specialist, day=day, kind="off", starts=None, ends=None, now=timezone.now()
    )
    assert [e.date for e in load(specialist).exceptions] == [day]

    time_off.remove_exception(exception=exception, now=timezone.now())
    assert load(specialist).exceptions == ()


def test_nothing_read_inside_a_transaction_is_kept():
    specialist = SpecialistFactory()
    open_hours(specialist)

    with transaction.atomic():
        load(specialist)
        with CaptureQueriesContext(connection) as queries:
            load(specialist)

    assert len(queries) == 3


class SlowCache:
    """The cache as a slow network would make it: a reader's write of the hours it has
    just read waits until the test lets it go."""

    def __init__(self, real):
        self.real = real
        self.writing, self.go_on = threading.Event(), threading.Event()

    def __getattr__(self, name):
        return getattr(self.real, name)

    def set(self, key, value, timeout=None):
        if key.startswith("bookings:hours:"):
            self.writing.set()
            self.go_on.wait(timeout=30)
        return self.real.set(key, value, timeout)


def test_a_reader_that_read_the_hours_before_an_edit_cannot_put_them_back(monkeypatch):
    specialist = SpecialistFactory()
    open_hours(specialist)
    slow = SlowCache(hours.cache)
    monkeypatch.setattr(hours, "cache", slow)

    reader = threading.Thread(target=lambda: (load(specialist), connection.close()))
    reader.start()
    assert slow.writing.wait(timeout=30)  # it has read the old hours and is about to cache them
    weekly_hours.set_weekly_hours(specialist=specialist, ranges=[], now=timezone.now())
    slow.go_on.set()
    reader.join(timeout=30)

    assert load(specialist).weekly == {}
    assert (
        availability.slots_for(
            specialist=specialist,
            now=timezone.now(),
            starts=timezone.now(),
            ends=timezone.now() + timedelta(days=14),
        )
        == []
    )
