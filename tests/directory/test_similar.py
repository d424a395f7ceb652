from datetime import timedelta

import pytest
from django.utils import timezone

from directory import similar
from directory.models import Specialist, Specialty
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db


def free_in(hours: int, **fields) -> Specialist:
    return SpecialistFactory(next_free_slot_at=timezone.now() + timedelta(hours=hours), **fields)


def test_those_sharing_a_specialty_come_first_then_anyone_free_this_week_soonest_first():
    couples, anxiety = Specialty.objects.all()[:2]
    met = free_in(1)
    met.specialties.add(couples)
    sharing = free_in(30)
    sharing.specialties.add(couples)
    soonest_other = free_in(2)
    soonest_other.specialties.add(anxiety)
    free_in(3)  # fourth: not shown

    found = similar.free_this_week(specialist=met, now=timezone.now())

    assert found[:2] == [sharing, soonest_other]
    assert len(found) == similar.SHOWN


def test_only_others_offering_free_consultations_with_a_free_time_this_week():
    met = free_in(1)
    free_in(8 * 24)  # not this week
    free_in(2, offers_free_consultation=False)
    free_in(2, status=Specialist.Status.DRAFT)
    SpecialistFactory(next_free_slot_at=None)
    shown = free_in(5)

    assert similar.free_this_week(specialist=met, now=timezone.now()) == [shown]


def test_each_is_read_as_a_card_with_the_specialties_it_shows():
    couples = Specialty.objects.get(slug="couples")
    met = free_in(1)
    met.specialties.add(couples)
    free_in(2).specialties.add(couples)

    found = similar.free_this_week(specialist=met, now=timezone.now())

    assert [tag.name for tag in found[0].card_specialties] == [couples.name]
