"""The waitlist: a freed slot is held for the first waiting client, and only for them."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from bookings import (
    availability,
    booking,
    booking_rules,
    emails,
    holds,
    hours,
    time_off,
    waitlist,
    weekly_hours,
)
from bookings.models import Consultation, Hold, Notice, WaitlistEntry
from directory import local_time
from privacy import erasure
from privacy.export import export_for
from tests.bookings.conftest import deliver_notices, free_slot, open_hours, race
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def _book(client, specialist, starts_at):
    return booking.book(
        client=client, specialist=specialist, starts_at=starts_at, mode="video", now=timezone.now()
    )


def _full_specialist():
    """A specialist with one hour a day and a four-day horizon: a few bookings fill it."""
    specialist = SpecialistFactory()
    open_hours(specialist, starts=time(9), ends=time(10))
    rules = hours.settings_for(specialist=specialist)
    rules.horizon_days = 4
    rules.save()
    return specialist


def _fill(specialist) -> list[Consultation]:
    now = timezone.now()
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + timedelta(days=5)
    )
    return [_book(UserFactory(), specialist, slot.starts_at) for slot in found]


def _sweep(*, after=timedelta(0)) -> int:
    return waitlist.sweep(now=timezone.now() + after)


def test_a_cancelled_time_is_held_for_the_first_waiting_client_and_nobody_else_sees_it():
    specialist = _full_specialist()
    booked = _fill(specialist)
    first, second = UserFactory(), UserFactory()
    waitlist.join(client=first, specialist=specialist, now=timezone.now())
    waitlist.join(client=second, specialist=specialist, now=timezone.now())
    freed = booked[3]

    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    assert _sweep() == 1

    held = Hold.objects.get()
    assert (held.client, held.starts_at) == (first, freed.starts_at)
    assert (
        availability.slots_for(
            specialist=specialist,
            now=timezone.now(),
            starts=timezone.now(),
            ends=timezone.now() + timedelta(days=30),
        )
        == []
    )
    specialist.refresh_from_db()
    assert specialist.next_free_slot_at is None
    with pytest.raises(booking.BookingError, match="no longer available"):
        _book(second, specialist, freed.starts_at)


def test_the_holder_gets_one_email_and_books_the_held_time():
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    client = UserFactory()
    waitlist.join(client=client, specialist=specialist, now=timezone.now())
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()
    mail.outbox.clear()

    deliver_notices()

    offers = [m for m in mail.outbox if m.to == [client.email]]
    assert len(offers) == 1
    assert "held for you" in offers[0].subject
    held = Hold.objects.get()
    assert held.get_absolute_url() in offers[0].body
    assert specialist.name not in offers[0].subject
    consultation = _book(client, specialist, held.starts_at)
    held.refresh_from_db()
    assert held.status == Hold.Status.BOOKED
    assert consultation.starts_at == freed.starts_at
    assert not WaitlistEntry.objects.filter(client=client).exists()


# Late evening in Toronto (the factories' zone), far from the 9:00 hours: the sweeps half an
# hour later bring no new day into the four-day horizon, which would be offered as well.
@time_machine.travel(datetime(2026, 12, 7, 3, 0, tzinfo=UTC), tick=True)
def test_an_expired_hold_goes_to_the_next_client_then_back_to_everyone():
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    first, second, other = UserFactory(), UserFactory(), UserFactory()
    waitlist.join(client=first, specialist=specialist, now=timezone.now())
    waitlist.join(client=second, specialist=specialist, now=timezone.now())
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()

    _sweep(after=holds.HOLD_FOR + timedelta(seconds=1))

    made = list(Hold.objects.order_by("pk"))
    assert [(h.client, h.status) for h in made] == [
        (first, Hold.Status.EXPIRED),
        (second, Hold.Status.HELD),
    ]
    with pytest.raises(booking.BookingError, match="no longer available"):
        _book(first, specialist, freed.starts_at)

    _sweep(after=2 * holds.HOLD_FOR + timedelta(seconds=2))

    assert Hold.objects.filter(status=Hold.Status.HELD).count() == 0
    assert _book(other, specialist, freed.starts_at).starts_at == freed.starts_at


def test_new_hours_are_offered_only_when_earlier_than_what_was_offered_at_joining():
    specialist = SpecialistFactory()
    open_hours(specialist, starts=time(9), ends=time(10), weekdays=[5])
    client = UserFactory()
    entry = waitlist.join(client=client, specialist=specialist, now=timezone.now())
    assert entry.before is not None
    later = entry.before + timedelta(days=1)
    time_off.add_exception(
        specialist=specialist,
        day=later.astimezone(local_time.zone_named(specialist.time_zone)).date(),
        kind="extra",
        starts=time(9),
        ends=time(10),
        now=timezone.now(),
    )
    _sweep()
    assert not Hold.objects.exists()

    weekly_hours.set_weekly_hours(
        specialist=specialist,
        ranges=[(day, time(9), time(10)) for day in range(7)],
        now=timezone.now(),
    )
    _sweep()

    held = Hold.objects.get()
    assert held.starts_at < entry.before


def test_a_hold_follows_the_booking_rules_of_its_client():
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    busy_client = UserFactory()
    for _ in range(booking_rules.MAX_UPCOMING_PER_CLIENT):
        other = SpecialistFactory()
        open_hours(other)
        _book(busy_client, other, free_slot(other).starts_at)
    patient = UserFactory()
    waitlist.join(client=busy_client, specialist=specialist, now=timezone.now())
    waitlist.join(client=patient, specialist=specialist, now=timezone.now())

    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()

    assert Hold.objects.get().client == patient


def test_a_client_waits_for_at_most_three_specialists_and_leaves_with_one_call():
    client = UserFactory()
    specialists = [_full_specialist() for _ in range(4)]
    for specialist in specialists[:3]:
        waitlist.join(client=client, specialist=specialist, now=timezone.now())

    with pytest.raises(waitlist.WaitlistError, match="at most three"):
        waitlist.join(client=client, specialist=specialists[3], now=timezone.now())
    with pytest.raises(waitlist.WaitlistError, match="already on this waitlist"):
        waitlist.join(client=client, specialist=specialists[0], now=timezone.now())

    assert waitlist.leave(client=client, specialist=specialists[0], now=timezone.now())
    waitlist.join(client=client, specialist=specialists[3], now=timezone.now())
    assert WaitlistEntry.objects.filter(client=client).count() == 3


def test_leaving_lets_go_of_the_held_time_for_the_next_client():
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    first, second = UserFactory(), UserFactory()
    waitlist.join(client=first, specialist=specialist, now=timezone.now())
    waitlist.join(client=second, specialist=specialist, now=timezone.now())
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()

    waitlist.leave(client=first, specialist=specialist, now=timezone.now())
    _sweep()

    assert Hold.objects.get(status=Hold.Status.HELD).client == second


def test_an_offer_whose_hold_ended_before_it_went_out_is_not_sent():
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    client = UserFactory()
    waitlist.join(client=client, specialist=specialist, now=timezone.now())
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()
    held = Hold.objects.get()
    waitlist.let_go(hold=held, client=client, now=timezone.now())
    mail.outbox.clear()

    deliver_notices()

    assert not [m for m in mail.outbox if m.to == [client.email]]
    assert not Notice.objects.filter(kind=Notice.Kind.HELD).exists()


def test_the_database_refuses_a_hold_over_a_booking_and_a_booking_over_a_hold():
    specialist = _full_specialist()
    slot_one, slot_two = free_slot(specialist, index=0), free_slot(specialist, index=1)
    consultation = _book(UserFactory(), specialist, slot_one.starts_at)
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.create(
            specialist=specialist,
            client=UserFactory(),
            starts_at=consultation.starts_at + timedelta(minutes=10),
            ends_at=consultation.ends_at + timedelta(minutes=10),
            created_at=now,
            expires_at=now + holds.HOLD_FOR,
        )
    Hold.objects.create(
        specialist=specialist,
        client=UserFactory(),
        starts_at=slot_two.starts_at,
        ends_at=slot_two.ends_at,
        created_at=now,
        expires_at=now + holds.HOLD_FOR,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(
            specialist=specialist,
            client=UserFactory(),
            starts_at=slot_two.starts_at,
            ends_at=slot_two.ends_at,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.create(
            specialist=specialist,
            client=UserFactory(),
            starts_at=slot_two.starts_at + timedelta(minutes=15),
            ends_at=slot_two.ends_at + timedelta(minutes=15),
            created_at=now,
            expires_at=now + holds.HOLD_FOR,
        )


# --- Pages -----------------------------------------------------------------------------


def test_join_leave_and_the_held_page_answer_only_their_owner(client):
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    person, stranger = UserFactory(), UserFactory()
    client.force_login(person)

    response = client.post(reverse("bookings:waitlist_join", kwargs={"slug": specialist.slug}))
    assert response.status_code == 302
    again = client.post(reverse("bookings:waitlist_join", kwargs={"slug": specialist.slug}))
    assert again.status_code == 400
    assert "already on this waitlist" in again.content.decode()
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()
    held = Hold.objects.get()

    page = client.get(held.get_absolute_url())
    assert page.status_code == 200
    assert "Book this time" in page.content.decode()
    entry = WaitlistEntry.objects.get()
    client.force_login(stranger)
    assert client.get(held.get_absolute_url()).status_code == 404
    assert client.post(reverse("bookings:hold_let_go", kwargs={"pk": held.pk})).status_code == 404
    leave = reverse("bookings:waitlist_leave", kwargs={"pk": entry.pk})
    assert client.post(leave).status_code == 404
    client.logout()
    assert client.post(leave).status_code == 403
    assert client.get(reverse("bookings:waitlists")).status_code == 200  # the log-in prompt
    assert WaitlistEntry.objects.exists()


def test_the_emails_signed_link_leaves_the_waitlist_only_on_the_button(client):
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    person = UserFactory()
    waitlist.join(client=person, specialist=specialist, now=timezone.now())
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()
    link = reverse(
        "bookings:waitlist_leave_link", kwargs={"token": emails.leave_token(Hold.objects.get())}
    )

    assert client.get(link).status_code == 200
    assert WaitlistEntry.objects.exists()
    assert client.post(link).status_code == 200

    assert not WaitlistEntry.objects.exists()
    assert Hold.objects.get().status == Hold.Status.RELEASED
    forged = reverse("bookings:waitlist_leave_link", kwargs={"token": "1:2:forged"})
    assert client.get(forged).status_code == 404


def test_erasing_an_account_ends_its_waitlists_and_hands_its_held_time_on():
    specialist = _full_specialist()
    freed = _fill(specialist)[0]
    first, second = UserFactory(), UserFactory()
    waitlist.join(client=first, specialist=specialist, now=timezone.now())
    waitlist.join(client=second, specialist=specialist, now=timezone.now())
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    _sweep()

    erasure.erase_account(user=first, now=timezone.now())
    _sweep()

    assert not WaitlistEntry.objects.filter(client=first).exists()
    assert Hold.objects.get(client=first).status == Hold.Status.RELEASED
    assert Hold.objects.get(status=Hold.Status.HELD).client == second
    assert export_for(user=second, now=timezone.now())["waitlists"][0]["specialist"] == (
        specialist.name
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_twenty_simultaneous_bookings_of_a_held_time_leave_it_to_its_holder():
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (this run uses {connection.vendor})")
    specialist = _full_specialist()
    slot = free_slot(specialist)
    holder = UserFactory()
    holds.hold(client=holder, specialist=specialist, starts_at=slot.starts_at, now=timezone.now())

    outcomes = race(
        specialist=specialist,
        starts_at=slot.starts_at,
        clients=[UserFactory() for _ in range(20)],
    )

    assert [o for o in outcomes if not o.startswith("refused")] == []
    assert not Consultation.objects.filter(specialist=specialist).exists()
    assert _book(holder, specialist, slot.starts_at).client == holder
