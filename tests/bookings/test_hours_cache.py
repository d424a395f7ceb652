"""The hours cache: filled outside transactions only, and dropped by every change."""

from datetime import time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import availability
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

    availability.set_weekly_hours(
        specialist=specialist, ranges=[(0, time(10), time(11))], now=timezone.now()
    )

    assert load(specialist).weekly == {0: [(10 * 60, 11 * 60)]}


def test_time_off_shows_at_once_and_so_does_removing_it():
    specialist = SpecialistFactory()
    open_hours(specialist)
    load(specialist)
    day = (timezone.now() + timedelta(days=3)).date()

    exception = availability.add_exception(
        specialist=specialist, day=day, kind="off", starts=None, ends=None, now=timezone.now()
    )
    assert [e.date for e in load(specialist).exceptions] == [day]

    availability.remove_exception(exception=exception, now=timezone.now())
    assert load(specialist).exceptions == ()


def test_nothing_read_inside_a_transaction_is_kept():
    specialist = SpecialistFactory()
    open_hours(specialist)

    with transaction.atomic():
        load(specialist)
        with CaptureQueriesContext(connection) as queries:
            load(specialist)

    assert len(queries) == 3
