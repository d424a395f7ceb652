import io

import pytest
from django.core.management import call_command

from bookings.models import Consultation, Reminder, WeeklyHours
from directory.models import Specialist


@pytest.mark.django_db
def test_the_demo_gives_every_specialist_hours_and_a_next_free_slot_and_is_idempotent():
    call_command("seed_demo", specialists=6, stdout=io.StringIO())
    hours = WeeklyHours.objects.count()
    consultations = Consultation.objects.count()

    call_command("seed_demo", specialists=6, stdout=io.StringIO())

    assert WeeklyHours.objects.count() == hours
    assert Consultation.objects.count() == consultations >= 3
    assert Reminder.objects.exists()
    assert not Specialist.objects.filter(weekly_hours=None).exists()
    offering = Specialist.objects.offering_free_consultations()
    assert not offering.filter(next_free_slot_at=None).exists()
    leanne = Specialist.objects.get(owner__email="leanne@example.com")
    assert leanne.consultations.filter(status="confirmed").count() >= 3
