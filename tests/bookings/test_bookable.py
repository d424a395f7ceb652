from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from bookings.bookable import FIELDS, SETTINGS_FIELDS, bookable
from bookings.models import BookingSettings, Consultation, WaitlistEntry
from bookings.sections import existing_consultation
from directory.models import Specialist
from tests.factories import (
    BookingSettingsFactory,
    ConsultationFactory,
    SpecialistFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", Specialist.Status.values)
@pytest.mark.parametrize("offers", [True, False])
def test_finds_exactly_the_specialists_offering_free_consultations(status, offers):
    reason = "Please add your licence." if status == Specialist.Status.REJECTED else ""
    specialist = SpecialistFactory(
        status=status, offers_free_consultation=offers, rejection_reason=reason
    )
    offering = Specialist.objects.offering_free_consultations().filter(pk=specialist.pk).exists()

    assert (bookable(slug=specialist.slug) is not None) == offering


def test_reads_the_profile_and_its_booking_settings_as_stored(django_assert_num_queries):
    specialist = SpecialistFactory(next_free_slot_at=timezone.now() + timedelta(hours=3))
    BookingSettingsFactory(
        specialist=specialist, buffer_minutes=15, daily_cap=4, link_by_email=True
    )
    stored = Specialist.objects.select_related("booking_settings").get(pk=specialist.pk)

    with django_assert_num_queries(1):
        found = bookable(slug=specialist.slug)
        assert found is not None
        for name in FIELDS:
            assert getattr(found.specialist, name) == getattr(stored, name), name
        for name in SETTINGS_FIELDS:
            assert getattr(found.specialist.booking_settings, name) == getattr(
                stored.booking_settings, name
            ), name
    assert found.specialist.offers_free_consultation is True
    assert found.specialist.booking_settings.link_by_email is True
    assert found.specialist.next_free_slot_at.tzinfo is not None
    assert found.specialist.bio == stored.bio  # any other field is loaded when used


def test_a_specialist_without_booking_settings_reads_as_having_none(django_assert_num_queries):
    specialist = SpecialistFactory()

    with django_assert_num_queries(1):
        found = bookable(slug=specialist.slug)
        assert found is not None
        assert getattr(found.specialist, "booking_settings", None) is None
        with pytest.raises(BookingSettings.DoesNotExist):
            found.specialist.booking_settings  # noqa: B018


def test_tells_whether_the_client_has_a_consultation_or_waits():
    specialist = SpecialistFactory()
    client, other = UserFactory(), UserFactory()

    found = bookable(slug=specialist.slug, client=client)
    assert found is not None
    assert (found.has_consultation, found.waiting) == (False, False)

    consultation = ConsultationFactory(specialist=specialist, client=client)
    WaitlistEntry.objects.create(
        client=client, specialist=specialist, created_at=timezone.now(), due_at=timezone.now()
    )
    found = bookable(slug=specialist.slug, client=client)
    assert found is not None
    assert (found.has_consultation, found.waiting) == (True, True)
    for nobody in (other, AnonymousUser(), None):
        found = bookable(slug=specialist.slug, client=nobody)
        assert found is not None
        assert (found.has_consultation, found.waiting) == (False, False)

    consultation.status = Consultation.Status.CANCELLED
    consultation.save()
    found = bookable(slug=specialist.slug, client=client)
    assert found is not None
    assert found.has_consultation is False


@pytest.mark.parametrize("status", Consultation.Status.values)
def test_has_a_consultation_as_the_profile_finds_one(status):
    consultation = ConsultationFactory(status=status)
    found = bookable(slug=consultation.specialist.slug, client=consultation.client)

    assert found is not None
    expected = existing_consultation(client=consultation.client, specialist=found.specialist)
    assert found.has_consultation == (expected is not None)
