"""Time off over a range of dates, and the consultations already booked in it."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings import availability, booking, time_off
from bookings.hours import AvailabilityError
from bookings.models import AvailabilityException, Consultation
from bookings.time_off import Dates
from tests.bookings.conftest import deliver_notices
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TORONTO = ZoneInfo("America/Toronto")


def local_day(days: int):
    return (timezone.now().astimezone(TORONTO) + timedelta(days=days)).date()


def at(day, hour: int, minute: int = 0):
    return datetime.combine(day, time(hour, minute), tzinfo=TORONTO)


def booked(specialist, starts_at, *, client=None):
    return booking.book(
        client=client or UserFactory(),
        specialist=specialist,
        starts_at=starts_at,
        mode="video",
        now=timezone.now(),
    )


def off(first, last=None, starts=None, ends=None):
    return Dates(first=first, last=last or first, kind="off", starts=starts, ends=ends)


def test_a_range_of_days_off_removes_every_slot_in_it(specialist):
    first, last = local_day(3), local_day(9)

    added = time_off.add(specialist=specialist, dates=off(first, last), now=timezone.now())

    assert added.days == 7
    dates = list(specialist.availability_exceptions.values_list("date", flat=True))
    assert dates == [first + timedelta(days=n) for n in range(7)]
    inside = availability.slots_for(
        specialist=specialist,
        now=timezone.now(),
        starts=at(first, 0),
        ends=at(last + timedelta(days=1), 0),
    )
    after = availability.slots_for(
        specialist=specialist,
        now=timezone.now(),
        starts=at(last + timedelta(days=1), 0),
        ends=at(last + timedelta(days=2), 0),
    )
    assert inside == []
    assert after


def test_time_off_over_consultations_saves_nothing_until_the_specialist_decides(specialist):
    day = local_day(4)
    first = booked(specialist, at(day, 10))
    second = booked(specialist, at(day, 15))
    outside = booked(specialist, at(day + timedelta(days=1), 10))

    with pytest.raises(time_off.DecisionNeeded) as asked:
        time_off.add(specialist=specialist, dates=off(day), now=timezone.now())

    assert [c.pk for c in asked.value.consultations] == [first.pk, second.pk]
    assert outside.pk not in [c.pk for c in asked.value.consultations]
    assert not specialist.availability_exceptions.exists()


def test_cancelling_them_tells_each_client_with_the_specialists_message(specialist):
    day = local_day(4)
    consultations = [booked(specialist, at(day, 10)), booked(specialist, at(day, 15))]
    deliver_notices()
    mail.outbox.clear()

    added = time_off.add(
        specialist=specialist,
        dates=off(day),
        seen=[c.pk for c in consultations],
        decision=time_off.CANCEL,
        message="I am unwell that day, sorry.",
        now=timezone.now(),
    )
    sent = deliver_notices()

    assert len(added.cancelled) == 2
    statuses = Consultation.objects.filter(pk__in=[c.pk for c in consultations])
    assert set(statuses.values_list("status", flat=True)) == {"cancelled"}
    assert set(statuses.values_list("change_reason", flat=True)) == {"I am unwell that day, sorry."}
    assert sent == 2
    to_clients = [m for m in mail.outbox if m.to[0] in {c.client.email for c in consultations}]
    assert len(to_clients) == 2
    assert all("I am unwell that day, sorry." in m.body for m in to_clients)
    assert specialist.availability_exceptions.count() == 1


def test_keeping_them_adds_the_time_off_and_shows_them_in_it(specialist):
    day = local_day(4)
    kept = booked(specialist, at(day, 10))

    added = time_off.add(
        specialist=specialist,
        dates=off(day, day + timedelta(days=2)),
        seen=[kept.pk],
        decision=time_off.KEEP,
        now=timezone.now(),
    )
    periods = time_off.upcoming_periods(specialist=specialist, now=timezone.now())

    assert added.cancelled == [] and [c.pk for c in added.kept] == [kept.pk]
    kept.refresh_from_db()
    assert kept.status == "confirmed"
    assert len(periods) == 1
    assert (periods[0].first.date, periods[0].last, periods[0].days) == (
        day,
        day + timedelta(days=2),
        3,
    )
    assert [c.pk for c in periods[0].kept] == [kept.pk]


def test_a_consultation_booked_after_the_specialist_looked_is_asked_about_again(specialist):
    """The list is read, the specialist decides, a client books in between: the decision
    covered only what they saw, so nothing is cancelled and they are asked again."""
    day = local_day(4)
    seen = booked(specialist, at(day, 10))
    with pytest.raises(time_off.DecisionNeeded):
        time_off.add(specialist=specialist, dates=off(day), now=timezone.now())
    newcomer = booked(specialist, at(day, 13))

    with pytest.raises(time_off.DecisionNeeded) as asked:
        time_off.add(
            specialist=specialist,
            dates=off(day),
            seen=[seen.pk],
            decision=time_off.CANCEL,
            now=timezone.now(),
        )

    assert [c.pk for c in asked.value.consultations] == [seen.pk, newcomer.pk]
    assert set(Consultation.objects.values_list("status", flat=True)) == {"confirmed"}
    assert not specialist.availability_exceptions.exists()


def test_time_off_for_part_of_each_day_only_asks_about_consultations_in_those_hours(specialist):
    day = local_day(4)
    morning = booked(specialist, at(day + timedelta(days=1), 9))
    booked(specialist, at(day + timedelta(days=1), 14))

    with pytest.raises(time_off.DecisionNeeded) as asked:
        time_off.add(
            specialist=specialist,
            dates=off(day, day + timedelta(days=2), starts=time(8), ends=time(12)),
            now=timezone.now(),
        )

    assert [c.pk for c in asked.value.consultations] == [morning.pk]


def test_extra_hours_over_a_range_never_ask_about_consultations(specialist):
    day = local_day(4)
    booked(specialist, at(day, 10))
    dates = Dates(
        first=day, last=day + timedelta(days=1), kind="extra", starts=time(8), ends=time(9)
    )

    added = time_off.add(specialist=specialist, dates=dates, now=timezone.now())

    assert added.days == 2


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (off(local_day(-2)), "already passed"),
        (off(local_day(5), local_day(4)), "on or after the first"),
        (off(local_day(1), local_day(1 + time_off.MAX_DAYS)), "at most 92 days"),
        (off(local_day(1), starts=time(9)), "both a start and an end"),
        (off(local_day(1), starts=time(12), ends=time(9)), "end must be after the start"),
    ],
)
def test_refuses_dates_that_cannot_be_saved(specialist, dates, message):
    with pytest.raises(AvailabilityError, match=message):
        time_off.add(specialist=specialist, dates=dates, now=timezone.now())
    assert not specialist.availability_exceptions.exists()


def test_removing_an_entry_removes_its_whole_run_of_days_and_nothing_else(specialist):
    day = local_day(3)
    time_off.add(specialist=specialist, dates=off(day, day + timedelta(days=4)), now=timezone.now())
    later = off(day + timedelta(days=10))
    time_off.add(specialist=specialist, dates=later, now=timezone.now())
    first = specialist.availability_exceptions.order_by("date").first()

    removed = time_off.remove(exception=first, through=day + timedelta(days=4), now=timezone.now())

    assert removed == 5
    assert list(specialist.availability_exceptions.values_list("date", flat=True)) == [
        day + timedelta(days=10)
    ]


def test_periods_group_consecutive_days_with_the_same_change_only(specialist):
    day = local_day(3)
    rows = [
        AvailabilityException(specialist=specialist, date=day, kind="off"),
        AvailabilityException(specialist=specialist, date=day + timedelta(days=1), kind="off"),
        AvailabilityException(
            specialist=specialist,
            date=day + timedelta(days=1),
            kind="extra",
            starts=time(7),
            ends=time(8),
        ),
        AvailabilityException(specialist=specialist, date=day + timedelta(days=3), kind="off"),
    ]

    found = time_off.periods(rows, booked=[], zone=TORONTO)

    assert [(p.first.date, p.last, p.first.kind) for p in found] == [
        (day, day + timedelta(days=1), "off"),
        (day + timedelta(days=1), day + timedelta(days=1), "extra"),
        (day + timedelta(days=3), day + timedelta(days=3), "off"),
    ]


# --- The pages ------------------------------------------------------------------------


def test_the_form_over_consultations_lists_them_then_cancels_them_in_one_step(client, specialist):
    day = local_day(4)
    one = booked(specialist, at(day, 10))
    two = booked(specialist, at(day + timedelta(days=1), 11))
    client.force_login(specialist.owner)
    url = reverse("bookings:add_exception")
    fields = {"date": day.isoformat(), "last": (day + timedelta(days=1)).isoformat(), "kind": "off"}

    asked = client.post(url, fields)
    nothing_yet = specialist.availability_exceptions.exists()
    done = client.post(
        url,
        {**fields, "seen": f"{one.pk},{two.pk}", "decision": "cancel", "message": "Holiday."},
    )

    assert asked.status_code == 200
    assert reverse("bookings:detail", kwargs={"pk": one.pk}).encode() in asked.content
    assert reverse("bookings:detail", kwargs={"pk": two.pk}).encode() in asked.content
    assert f'value="{one.pk},{two.pk}"'.encode() in asked.content
    assert not nothing_yet
    assert done.status_code == 302
    assert specialist.availability_exceptions.count() == 2
    assert set(Consultation.objects.values_list("status", flat=True)) == {"cancelled"}
    page = client.get(reverse("bookings:availability"))
    assert b"2 consultations are cancelled" in page.content


def test_posting_without_a_choice_asks_again_with_a_clear_message(client, specialist):
    day = local_day(4)
    one = booked(specialist, at(day, 10))
    client.force_login(specialist.owner)

    response = client.post(
        reverse("bookings:add_exception"),
        {"date": day.isoformat(), "kind": "off", "seen": str(one.pk)},
    )

    assert response.status_code == 409
    assert b"Please choose what should happen to them." in response.content


def test_the_availability_page_shows_a_range_as_one_entry_with_what_is_kept(client, specialist):
    day = local_day(4)
    kept = booked(specialist, at(day, 10))
    time_off.add(
        specialist=specialist,
        dates=off(day, day + timedelta(days=6)),
        seen=[kept.pk],
        decision=time_off.KEEP,
        now=timezone.now(),
    )
    client.force_login(specialist.owner)

    page = client.get(reverse("bookings:availability")).content.decode()

    assert page.count("Remove</button>") == 1
    assert f'name="through" value="{(day + timedelta(days=6)).isoformat()}"' in page
    assert "Still booked in this time off" in page
    assert reverse("bookings:detail", kwargs={"pk": kept.pk}) in page


def test_bad_seen_ids_are_a_clear_400(client, specialist):
    client.force_login(specialist.owner)

    response = client.post(
        reverse("bookings:add_exception"),
        {"date": local_day(3).isoformat(), "kind": "off", "seen": "1,x"},
    )

    assert response.status_code == 400
