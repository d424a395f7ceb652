import re
from datetime import time

import pytest
from playwright.sync_api import expect

from bookings.models import Consultation
from tests.bookings.conftest import open_hours
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_client_books_reschedules_and_cancels_and_the_specialist_sees_each_change(
    page, browser, live_server
):
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Toronto")
    open_hours(specialist, starts=time(9), ends=time(17))
    specialist_email = specialist.owner.email
    client = UserFactory(email="journey@example.com", first_name="Robin")

    # The specialist's own browser, open alongside the client's.
    context = browser.new_context(base_url=live_server.url, timezone_id="America/Toronto")
    context.set_default_timeout(10_000)
    their_page = context.new_page()
    log_in(their_page, email=specialist_email, password=PASSWORD)

    log_in(page, email=client.email, password=PASSWORD)
    page.goto("/specialists/")
    page.get_by_role("link", name="Mira Okafor").first.click()
    expect(page.get_by_role("heading", name="Free 30-minute consultation")).to_be_visible()
    page.get_by_role("link", name="See all free times").click()
    expect(page.locator("#tz-select")).to_have_value("America/Toronto")
    page.locator("a.slot").nth(2).click()
    expect(page.get_by_role("heading", name="Confirm your free consultation")).to_be_visible()
    page.get_by_label("In a few words").fill("Feeling stuck lately")
    page.get_by_role("button", name="Book my free consultation").click()

    expect(page.get_by_text("Booked. We have e-mailed you the details.")).to_be_visible()
    consultation = Consultation.objects.get()
    first_time = consultation.starts_at
    page.get_by_role("link", name="My consultations").first.click()
    expect(page.get_by_role("link", name=re.compile(r"\d{2}:\d{2}"))).to_have_count(1)

    their_page.goto("/practice/consultations/")
    expect(their_page.locator(".consultation-list").get_by_text("Robin")).to_be_visible()

    page.get_by_role("link", name="Reschedule").click()
    page.locator("label.slot").nth(5).click()
    page.get_by_role("button", name="Move to this time").click()
    expect(page.get_by_text("Moved to the new time.")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.starts_at != first_time

    their_page.goto(f"/consultations/{consultation.pk}/")
    new_time = consultation.starts_at.astimezone(
        __import__("zoneinfo").ZoneInfo("America/Toronto")
    ).strftime("%H:%M")
    expect(their_page.get_by_text(re.compile(new_time))).to_be_visible()

    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Cancel this consultation?")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.status == "confirmed"  # the page only asks
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("The consultation is cancelled.")).to_be_visible()

    their_page.reload()
    expect(their_page.get_by_text("Cancelled")).to_be_visible()
    their_page.goto("/practice/consultations/")
    expect(their_page.get_by_text("No upcoming consultations.")).to_be_visible()
    context.close()
