"""A client learns what is possible before filling anything in, not after."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import booking
from bookings.forms import slot_value
from bookings.models import Consultation
from tests.bookings.conftest import free_slot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(specialist, client_user):
    return booking.book(
        client=client_user,
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        client_time_zone="Europe/Berlin",
        now=timezone.now(),
    )


def test_a_client_with_a_consultation_sees_it_on_the_profile_instead_of_times(
    client, specialist, consultation
):
    client.force_login(consultation.client)

    page = client.get(specialist.get_absolute_url()).content.decode()

    assert "You have a free consultation with this specialist on" in page
    assert reverse("bookings:detail", kwargs={"pk": consultation.pk}) in page
    assert reverse("bookings:reschedule", kwargs={"pk": consultation.pk}) in page
    assert 'class="slot"' not in page


def test_another_client_still_sees_the_free_times(client, specialist, consultation):
    client.force_login(UserFactory())

    page = client.get(specialist.get_absolute_url()).content.decode()

    assert 'class="slot"' in page
    assert "You have a free consultation" not in page


def test_a_client_whose_consultation_is_over_is_told_it_was_once_per_specialist(
    client, specialist, consultation
):
    Consultation.objects.filter(pk=consultation.pk).update(
        status=Consultation.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(minutes=30),
    )
    client.force_login(consultation.client)

    page = client.get(specialist.get_absolute_url()).content.decode()

    assert "You had your free consultation with this specialist" in page
    assert 'class="slot"' not in page


def test_a_cancelled_consultation_does_not_stop_the_client_booking_again(
    client, specialist, consultation
):
    booking.cancel(consultation=consultation, by=consultation.client, now=timezone.now())
    client.force_login(consultation.client)

    page = client.get(specialist.get_absolute_url()).content.decode()

    assert 'class="slot"' in page


def test_the_picker_and_the_confirm_page_send_that_client_back_to_the_profile(
    client, specialist, consultation
):
    client.force_login(consultation.client)
    other = free_slot(specialist, index=4)

    picker = client.get(reverse("bookings:pick", kwargs={"slug": specialist.slug}))
    confirm = client.get(
        reverse("bookings:book", kwargs={"slug": specialist.slug}),
        {"slot": slot_value(other.starts_at)},
    )

    profile = specialist.get_absolute_url() + "#free-consultation"
    assert (picker.status_code, picker["Location"]) == (302, profile)
    assert (confirm.status_code, confirm["Location"]) == (302, profile)


def test_reschedule_never_offers_the_time_already_booked(client, specialist, consultation):
    client.force_login(consultation.client)
    week = consultation.starts_at.astimezone(timezone.get_current_timezone()).date()

    page = client.get(
        reverse("bookings:reschedule", kwargs={"pk": consultation.pk}),
        {"week": (week - timedelta(days=1)).isoformat()},
    ).content.decode()

    assert slot_value(consultation.starts_at + timedelta(minutes=30)) in page
    assert slot_value(consultation.starts_at) not in page


def test_the_log_in_gate_names_the_specialist_and_the_time_being_booked(client, specialist):
    slot = free_slot(specialist)

    page = client.get(
        reverse("bookings:book", kwargs={"slug": specialist.slug}),
        {"slot": slot_value(slot.starts_at), "tz": "Asia/Kolkata"},
    ).content.decode()

    when = slot.starts_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert specialist.name in page
    assert f"{when:%A} {when.day} {when:%B %Y, %H:%M} (Asia/Kolkata)" in page


def test_the_log_in_gate_without_a_time_names_the_specialist(client, specialist):
    page = client.get(reverse("bookings:book", kwargs={"slug": specialist.slug})).content.decode()

    assert f'<p class="lead login-prompt-details">{specialist.name}</p>' in page
