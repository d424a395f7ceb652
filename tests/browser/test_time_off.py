"""A specialist takes a holiday over booked consultations and decides about them in one step."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings import booking
from bookings.models import Consultation
from tests.bookings.conftest import open_hours
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
TORONTO = ZoneInfo("America/Toronto")


def test_a_holiday_over_two_consultations_cancels_them_with_a_message(page):
    specialist = SpecialistFactory(time_zone="America/Toronto")
    open_hours(specialist, starts=time(9), ends=time(17))
    first = (timezone.now().astimezone(TORONTO) + timedelta(days=5)).date()
    for offset, hour in ((0, 10), (2, 14)):
        booking.book(
            client=UserFactory(),
            specialist=specialist,
            starts_at=datetime.combine(first + timedelta(days=offset), time(hour), tzinfo=TORONTO),
            mode="video",
            now=timezone.now(),
        )
    log_in(page, email=specialist.owner.email, password=PASSWORD)

    page.goto("/practice/availability/")
    page.get_by_label("Date").fill(first.isoformat())
    page.get_by_label("Until (for several days)").fill((first + timedelta(days=6)).isoformat())
    page.get_by_label("What").select_option(label="Time off")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_role("heading", name="Consultations in your time off")).to_be_visible()
    expect(page.get_by_text("These 2 consultations are booked in that time")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.screenshot(path="var/screenshots/test-time-off-confirm.png", full_page=True)
    page.get_by_label("Cancel them and send each client my message").check()
    page.get_by_label("Message to each client").fill("I am away that week; please book again.")
    page.get_by_role("button", name="Add the time off").click()

    expect(page.get_by_text("2 consultations are cancelled")).to_be_visible()
    expect(page.locator("li", has_text="Time off").first).to_contain_text(
        f"{first:%a} {first.day} {first:%b %Y}"
    )
    assert set(Consultation.objects.values_list("status", flat=True)) == {"cancelled"}
    assert specialist.availability_exceptions.count() == 7
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.screenshot(path="var/screenshots/test-time-off-added.png", full_page=True)
