"""Before filling anything in, a client learns what they already have and what they chose."""

import re
from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings import booking
from tests.bookings.conftest import free_slot, open_hours
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_gate_names_the_choice_and_the_profile_shows_the_booking_already_made(page):
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Toronto")
    open_hours(specialist, starts=time(9), ends=time(17))
    client = UserFactory()

    page.goto(specialist.get_absolute_url())
    page.locator("a.slot").first.click()
    expect(
        page.get_by_text(re.compile(r"Mira Okafor · \w+day \d+ \w+ \d{4}, \d\d:\d\d"))
    ).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    consultation = booking.book(
        client=client,
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        client_time_zone="America/Toronto",
        now=timezone.now(),
    )
    log_in(page, email=client.email, password=PASSWORD)
    page.goto(specialist.get_absolute_url())

    expect(page.get_by_text("You have a free consultation with this specialist on")).to_be_visible()
    expect(page.locator("a.slot")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_role("link", name="See your consultation").click()
    expect(page).to_have_url(re.compile(rf"/consultations/{consultation.pk}/$"))
