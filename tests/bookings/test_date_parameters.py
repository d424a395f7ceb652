"""Every date and slot parameter reads into a bounded range; anything else is a clear 4xx
or is ignored, never a 500 (years 1 and 9999 used to overflow)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone as django_timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bookings import booking
from bookings.forms import parse_day, parse_slot
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

NASTY = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:30:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:30:00-12:00",
    "0001-01-01",
    "9999-12-31",
    "0001-W01-1",
    "99991231",
    "-1",
    "99999999999999999999999999",
    "",
    "2026-02-30",
    "2026-13-01T00:00:00Z",
    "\x00",
    "%00",
    "x" * 5000,
]
ANY_DATE_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.integers().map(str),
    st.text(max_size=60),
    st.dates().map(date.isoformat),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=14))])).map(
        datetime.isoformat
    ),
)
FUZZ = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def world():
    specialist = SpecialistFactory()
    open_hours(specialist)
    client_user = UserFactory()
    consultation = booking.book(
        client=client_user,
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        now=django_timezone.now(),
    )
    as_client, as_specialist = Client(), Client()
    as_client.force_login(client_user)
    as_specialist.force_login(specialist.owner)
    return specialist, consultation, as_client, as_specialist


def with_nasty_examples(test):
    for value in NASTY:
        test = example(value=value)(test)
    return test


@FUZZ
@with_nasty_examples
@given(value=ANY_DATE_TEXT)
def test_no_date_or_slot_parameter_gives_a_server_error(world, value):
    specialist, consultation, as_client, as_specialist = world
    slug, pk = specialist.slug, consultation.pk
    requests = [
        (as_client.get, reverse("bookings:pick", args=[slug]), {"week": value}),
        (as_client.get, reverse("bookings:book", args=[slug]), {"slot": value}),
        (as_client.post, reverse("bookings:book", args=[slug]), {"slot": value, "mode": "video"}),
        (as_client.get, reverse("bookings:reschedule", args=[pk]), {"week": value}),
        (as_client.post, reverse("bookings:reschedule", args=[pk]), {"slot": value}),
        (as_specialist.get, reverse("bookings:practice"), {"week": value}),
        (
            as_specialist.post,
            reverse("bookings:add_exception"),
            {"date": value, "kind": "off", "starts": "", "ends": ""},
        ),
    ]
    for send, url, data in requests:
        status = send(url, data).status_code
        assert status < 500, (url, data)


def test_slots_and_days_out_of_reach_are_not_read():
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)

    assert parse_slot("2027-01-04T09:00:00Z", now=now) == datetime(2027, 1, 4, 9, tzinfo=UTC)
    assert parse_slot("0001-01-01T00:00:00Z", now=now) is None
    assert parse_slot("9999-12-31T23:30:00-12:00", now=now) is None
    assert parse_slot("2029-01-04T09:00:00Z", now=now) is None
    assert parse_day("2027-01-04", today=now.date()) == date(2027, 1, 4)
    assert parse_day("0001-W01-1", today=now.date()) is None
    assert parse_day("99991231", today=now.date()) is None


def test_a_far_future_slot_asks_for_a_time_again_with_a_clear_message(world):
    specialist, _consultation, as_client, _as_specialist = world

    response = as_client.post(
        reverse("bookings:book", args=[specialist.slug]),
        {"slot": "9999-12-31T23:30:00Z", "mode": "video"},
    )

    assert response.status_code == 400
    assert "That time is not valid" in response.content.decode()


def test_time_off_in_the_year_9999_is_refused_with_a_clear_message(world):
    _specialist, _consultation, _as_client, as_specialist = world

    response = as_specialist.post(
        reverse("bookings:add_exception"),
        {"date": "9999-12-31", "kind": "off", "starts": "", "ends": ""},
    )

    assert response.status_code == 400
    assert "within the next two years" in response.content.decode()
