"""A client with a booked free consultation waits for an earlier time: only earlier times are
held for them, and taking one moves their consultation (one consultation, never two)."""

import itertools
from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings import availability, booking, holds, hours, waitlist
from bookings.models import Consultation, Hold, WaitlistEntry
from tests.bookings.conftest import deliver_notices, open_hours
from tests.factories import ConsultationFactory, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def _book(client, specialist, starts_at):
    return booking.book(
        client=client, specialist=specialist, starts_at=starts_at, mode="video", now=timezone.now()
    )


def _full_specialist(**rules):
    """A specialist with one hour a day and a four-day horizon, every time booked."""
    specialist = SpecialistFactory()
    open_hours(specialist, starts=time(9), ends=time(10))
    settings = hours.settings_for(specialist=specialist)
    settings.horizon_days = 4
    for name, value in rules.items():
        setattr(settings, name, value)
    settings.save()
    now = timezone.now()
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + timedelta(days=5)
    )
    booked = [_book(UserFactory(), specialist, slot.starts_at) for slot in found]
    return specialist, booked


def _join(client, specialist):
    return waitlist.join(client=client, specialist=specialist, now=timezone.now())


def _sweep(*, after=timedelta(0)) -> int:
    return waitlist.sweep(now=timezone.now() + after)


def test_a_client_with_an_upcoming_consultation_waits_for_a_time_before_it():
    specialist, booked = _full_specialist()
    mine = booked[3]

    entry = _join(mine.client, specialist)

    assert entry.before == mine.starts_at


def test_a_client_whose_free_consultation_has_begun_cannot_wait_for_another():
    specialist = SpecialistFactory()
    client = UserFactory()
    ConsultationFactory(
        client=client,
        specialist=specialist,
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(minutes=20),
    )

    with pytest.raises(waitlist.WaitlistError, match="already have a free consultation"):
        _join(client, specialist)


def test_only_a_time_before_their_consultation_is_held_for_it():
    specialist, booked = _full_specialist()
    mine, later, earlier = booked[3], booked[5], booked[1]
    _join(mine.client, specialist)

    booking.cancel(consultation=later, by=later.client, now=timezone.now())
    assert _sweep() == 0
    booking.cancel(consultation=earlier, by=earlier.client, now=timezone.now())
    assert _sweep() == 1

    assert Hold.objects.get().starts_at == earlier.starts_at
    with pytest.raises(booking.BookingError, match="not earlier than your consultation"):
        holds.hold(
            client=mine.client,
            specialist=specialist,
            starts_at=later.starts_at,
            now=timezone.now(),
        )


def test_taking_the_held_time_moves_the_consultation_and_its_old_time_goes_to_the_next():
    specialist, booked = _full_specialist()
    mine, freed = booked[3], booked[0]
    mover, next_client = mine.client, UserFactory()
    _join(mover, specialist)
    _join(next_client, specialist)
    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    _sweep()
    held = Hold.objects.get()
    assert held.client == mover

    moved = waitlist.move_to_hold(hold=held, client=mover, now=timezone.now())
    _sweep()

    assert moved.pk == mine.pk
    assert moved.starts_at == freed.starts_at
    assert Consultation.objects.active().filter(client=mover, specialist=specialist).count() == 1
    held.refresh_from_db()
    assert held.status == Hold.Status.BOOKED
    assert not WaitlistEntry.objects.filter(client=mover).exists()
    handed_on = Hold.objects.get(status=Hold.Status.HELD)
    assert (handed_on.client, handed_on.starts_at) == (next_client, mine.starts_at)


def test_both_sides_are_told_the_consultation_moved_and_the_offer_says_it_would_move():
    specialist, booked = _full_specialist()
    mine, freed = booked[3], booked[0]
    _join(mine.client, specialist)
    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    _sweep()
    mail.outbox.clear()
    deliver_notices()
    (offer,) = [m for m in mail.outbox if "held for you" in m.subject]
    assert offer.to == [mine.client.email]
    assert "Move your consultation to it, or let it go" in offer.body
    mail.outbox.clear()

    waitlist.move_to_hold(hold=Hold.objects.get(), client=mine.client, now=timezone.now())
    deliver_notices()

    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {mine.client.email, specialist.owner.email}
    assert "You moved this free consultation to a new time." in told[mine.client.email].body
    assert "moved their free consultation with you" in told[specialist.owner.email].body
    assert all("new time" in m.subject for m in told.values())


def test_the_free_consultation_rule_stands_the_held_time_can_be_moved_to_not_booked():
    specialist, booked = _full_specialist()
    mine, freed = booked[3], booked[0]
    _join(mine.client, specialist)
    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    _sweep()

    with pytest.raises(booking.BookingError, match="already have a free consultation"):
        _book(mine.client, specialist, freed.starts_at)
    stranger = UserFactory()
    with pytest.raises(booking.BookingError, match="no upcoming consultation"):
        waitlist.move_to_hold(hold=Hold.objects.get(), client=stranger, now=timezone.now())
    assert Consultation.objects.get(pk=mine.pk).starts_at == mine.starts_at


def test_a_time_their_own_buffer_keeps_from_others_is_held_for_them():
    specialist, booked = _full_specialist()
    early, mine = next(
        pair for pair in itertools.pairwise(booked) if pair[1].starts_at == pair[0].ends_at
    )
    booking.cancel(consultation=early, by=early.client, now=timezone.now())
    specialist.booking_settings.buffer_minutes = 30
    specialist.booking_settings.save()
    now = timezone.now()
    assert (
        availability.slots_for(
            specialist=specialist, now=now, starts=now, ends=now + timedelta(days=5)
        )
        == []
    )

    _join(mine.client, specialist)
    _sweep(after=waitlist.RECHECK)

    held = Hold.objects.get()
    assert held.starts_at == early.starts_at
    moved = waitlist.move_to_hold(hold=held, client=mine.client, now=timezone.now())
    assert moved.starts_at == early.starts_at


def test_moving_elsewhere_lets_the_held_time_go_and_waits_for_a_time_before_the_new_one():
    specialist, booked = _full_specialist()
    mine, first_freed, second_freed = booked[5], booked[0], booked[2]
    _join(mine.client, specialist)
    booking.cancel(consultation=first_freed, by=first_freed.client, now=timezone.now())
    _sweep()
    booking.cancel(consultation=second_freed, by=second_freed.client, now=timezone.now())

    booking.reschedule(
        consultation=mine, by=mine.client, starts_at=second_freed.starts_at, now=timezone.now()
    )

    assert Hold.objects.get().status == Hold.Status.RELEASED
    assert WaitlistEntry.objects.get(client=mine.client).before == second_freed.starts_at
    _sweep()
    assert not Hold.objects.filter(status=Hold.Status.HELD).exists()  # they had that one
    assert _book(UserFactory(), specialist, first_freed.starts_at).starts_at == (
        first_freed.starts_at
    )


def test_a_wait_for_a_time_before_a_moment_that_has_passed_ends():
    specialist, booked = _full_specialist()
    mine, other = booked[0], booked[4]
    _join(mine.client, specialist)
    _join(other.client, specialist)

    _sweep(after=mine.starts_at - timezone.now() + timedelta(minutes=1))

    assert list(WaitlistEntry.objects.values_list("client", flat=True)) == [other.client_id]


# --- Pages -----------------------------------------------------------------------------


def test_the_held_page_moves_the_consultation_for_its_holder_only(client):
    specialist, booked = _full_specialist()
    mine, freed = booked[3], booked[0]
    _join(mine.client, specialist)
    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    _sweep()
    held = Hold.objects.get()
    move = reverse("bookings:hold_move", kwargs={"pk": held.pk})

    client.force_login(UserFactory())
    assert client.post(move).status_code == 404
    client.logout()
    assert client.post(move).status_code == 403
    client.force_login(mine.client)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Move my consultation to this time" in page
    assert "Book this time" not in page
    response = client.post(move)

    assert response.status_code == 302
    assert response.url == mine.get_absolute_url()
    assert Consultation.objects.get(pk=mine.pk).starts_at == freed.starts_at
    again = client.post(move)
    assert again.status_code == 400
    assert "That is the time already booked" in again.content.decode()


def test_the_consultation_page_offers_the_waitlist_and_then_shows_the_wait(client):
    specialist, booked = _full_specialist()
    mine = booked[3]
    client.force_login(mine.client)

    page = client.get(mine.get_absolute_url()).content.decode()
    assert "Tell me if an earlier time opens" in page
    joined = client.post(reverse("bookings:waitlist_join", kwargs={"slug": specialist.slug}))
    assert joined.status_code == 302
    page = client.get(mine.get_absolute_url()).content.decode()

    assert "Tell me if an earlier time opens" not in page
    assert "You have been on the waitlist since" in page
    assert "Leave this waitlist" in page
    client.force_login(specialist.owner)
    assert "earlier time" not in client.get(mine.get_absolute_url()).content.decode()


def test_the_consultation_page_and_the_profile_show_the_time_held_for_the_client(client):
    specialist, booked = _full_specialist()
    mine, freed = booked[3], booked[0]
    _join(mine.client, specialist)
    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    _sweep()
    held = Hold.objects.get()
    client.force_login(mine.client)

    for page in (mine.get_absolute_url(), specialist.get_absolute_url()):
        content = client.get(page).content.decode()
        assert "A time is held for you" in content
        assert held.get_absolute_url() in content
        assert "If a time before" not in content


def test_a_held_time_that_ran_out_is_no_longer_offered_before_the_sweep_settles_it(client):
    specialist, booked = _full_specialist()
    mine, freed = booked[3], booked[0]
    _join(mine.client, specialist)
    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    _sweep()
    held = Hold.objects.get()
    client.force_login(mine.client)

    with time_machine.travel(held.expires_at + timedelta(seconds=1), tick=False):
        pages = [mine.get_absolute_url(), reverse("bookings:waitlists")]
        contents = [client.get(page).content.decode() for page in pages]

    assert Hold.objects.get().status == Hold.Status.HELD  # not settled yet
    for content in contents:
        assert "A time is held for you" not in content
        assert held.get_absolute_url() not in content


def test_the_profile_offers_a_booked_client_an_earlier_time(client):
    specialist, booked = _full_specialist()
    mine = booked[3]
    client.force_login(mine.client)

    profile = client.get(specialist.get_absolute_url()).content.decode()

    assert "Tell me if an earlier time opens" in profile
    _join(mine.client, specialist)
    profile = client.get(specialist.get_absolute_url()).content.decode()
    assert "Leave this waitlist" in profile


def test_someone_waiting_sees_their_wait_and_a_leave_button_instead_of_join(client):
    specialist, _booked = _full_specialist()
    person = UserFactory()
    client.force_login(person)
    picker = reverse("bookings:pick", kwargs={"slug": specialist.slug})
    assert "Tell me when an earlier time opens" in client.get(picker).content.decode()
    entry = _join(person, specialist)

    page = client.get(picker).content.decode()

    assert "Tell me when an earlier time opens" not in page
    assert "You have been on the waitlist since" in page
    assert reverse("bookings:waitlist_leave", kwargs={"pk": entry.pk}) in page
    left = client.post(reverse("bookings:waitlist_leave", kwargs={"pk": entry.pk}))
    assert left.status_code == 302
    assert "Tell me when an earlier time opens" in client.get(picker).content.decode()
