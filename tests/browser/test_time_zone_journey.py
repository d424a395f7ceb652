"""One time zone per visitor: detected by the browser, shown in the header, changed in one
place, and the time clicked on a profile is the time booked, at desktop and phone sizes."""

import re
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Consultation
from directory import local_time
from directory.models import User
from tests.bookings.conftest import deliver_notices, open_hours
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TORONTO = ZoneInfo("America/Toronto")
KOLKATA = ZoneInfo("Asia/Kolkata")
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("size", SIZES)
def test_the_time_clicked_on_a_profile_is_the_time_booked_in_the_visitors_own_zone(page, size):
    page.set_viewport_size(SIZES[size])
    specialist = SpecialistFactory(name="Asha Rao", time_zone="Asia/Kolkata")
    open_hours(specialist, starts=time(9), ends=time(12))
    robin = UserFactory(email="robin@example.com", first_name="Robin", time_zone="")

    # The first visit: the browser's zone (Toronto) is detected and the page shown in it.
    page.goto(specialist.get_absolute_url())
    expect(page.locator(".zone-note")).to_contain_text("your time, Toronto")
    expect(page.locator(".zone-link").first).to_contain_text("Times in Toronto")
    expect(page.locator("a.slot small.elsewhere").first).to_contain_text("in Kolkata")
    assert_accessible(page)

    log_in(page, email=robin.email, password=PASSWORD)
    page.goto(specialist.get_absolute_url())
    slot = page.locator("a.slot").first
    clicked = slot.evaluate("link => link.firstChild.textContent.trim()")
    slot.click()
    expect(page.get_by_role("heading", name="Confirm your free consultation")).to_be_visible()
    summary = page.locator(".slot-summary").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Book my free consultation").click()
    expect(page.get_by_text("Booked. We have e-mailed you the details.")).to_be_visible()

    consultation = Consultation.objects.get()
    local = consultation.starts_at.astimezone(TORONTO)
    assert clicked == f"{local:%a} {local.day} {local:%b, %H:%M}"
    line = local_time.both(consultation.starts_at, reader=TORONTO, other=KOLKATA)
    assert line in summary
    assert User.objects.get(pk=robin.pk).time_zone == "America/Toronto"
    deliver_notices()
    to_robin = next(m for m in mail.outbox if m.to == [robin.email])
    assert f"When: {line}" in to_robin.body
    expect(page.locator("[data-times]").first).to_contain_text(line)


@pytest.mark.parametrize("size", SIZES)
def test_the_zone_is_changed_from_the_header_and_every_time_follows(page, size):
    page.set_viewport_size(SIZES[size])
    specialist = SpecialistFactory(name="Asha Rao", time_zone="Asia/Kolkata")
    open_hours(specialist, starts=time(9), ends=time(12))

    page.goto(specialist.get_absolute_url())
    expect(page.locator(".zone-note")).to_contain_text("your time, Toronto")
    menu = page.locator("[data-nav-menu] > summary")
    if menu.is_visible():  # on a phone the header's links are behind the menu button
        menu.click()
    page.locator(".zone-link a:visible").first.click()
    expect(page.get_by_role("heading", name="Your time zone")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your time zone").select_option("Asia/Kolkata")
    page.get_by_role("button", name="Show times in this zone").click()

    expect(page).to_have_url(re.compile(re.escape(specialist.get_absolute_url()) + "$"))
    expect(page.get_by_text("Times are now shown in Kolkata time.")).to_be_visible()
    expect(page.locator(".zone-note")).to_contain_text("your time, Kolkata")
    expect(page.locator("a.slot").first).to_contain_text(re.compile(r"(09|10|11):[03]0"))
    assert page.locator("a.slot small.elsewhere").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


def test_a_visitor_whose_browser_reports_an_old_zone_name_gets_its_name_today(
    browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Kolkata")
    page = context.new_page()
    # Chromium names this zone Asia/Calcutta; the lists offer Asia/Kolkata.
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Asia/Calcutta"
    UserFactory(email="asha@example.com", time_zone="")

    page.goto("/time-zone/")
    expect(page.get_by_label("Your time zone")).to_have_value("Asia/Kolkata")
    page.goto("/")
    expect(page.locator(".zone-link").first).to_contain_text("Times in Kolkata")
    log_in(page, email="asha@example.com", password=PASSWORD)
    page.goto("/profile/")
    expect(page.locator("select[name=time_zone]")).to_have_value("Asia/Kolkata")
    context.close()
