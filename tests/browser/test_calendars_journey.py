"""A specialist connects a subscribed calendar and a CalDAV account; the busy times leave
the client's slots, and the client's booking appears in the CalDAV calendar, moves and goes.

The Celery work (sync and write-back) is run in the test's own process, where beat would
hand it to a worker.
"""

import re
from datetime import time, timedelta
from urllib.parse import quote

import icalendar
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from bookings.forms import slot_value
from bookings.models import Consultation
from calendars import caldav_sync, sync, writeback
from tests.bookings.conftest import free_slot, open_hours
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.calendars.servers import IcsServer, Radicale, Route
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.VAR_DIR / "screenshots"


def run_workers() -> None:
    now = timezone.now()
    for batch in sync.due_batches(now=now):
        for pk in batch:
            sync.sync_connection(connection_id=pk, now=now)
    for batch in writeback.due_batches(now=now):
        for pk in batch:
            writeback.write_event(event_id=pk, now=now)


def busy_ics(start) -> bytes:
    end = start + timedelta(minutes=30)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:dentist@test\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{end:%Y%m%dT%H%M%SZ}\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.fixture
def servers(tmp_path, settings):
    settings.CALENDARS_ALLOWED_HOSTS = ["127.0.0.1"]
    ics = IcsServer()
    ics.start()
    radicale = Radicale(tmp_path, {"mira": "app-password"})
    client = caldav_sync.open_client(url=radicale.url, username="mira", password="app-password")
    radicale.work = client.principal().make_calendar(name="Practice")
    yield ics, radicale
    radicale.stop()
    ics.stop()


def test_a_specialists_calendars_block_slots_and_receive_the_booking(page, browser, servers):
    ics, radicale = servers
    specialist = SpecialistFactory(name="Mira Okafor", slug="mira", time_zone="America/Toronto")
    open_hours(specialist, starts=time(9), ends=time(17))
    blocked = free_slot(specialist, index=1).starts_at
    ics.routes["/private-abc123/basic.ics"] = Route(body=busy_ics(blocked))
    client = UserFactory(email="robin@example.com")

    log_in(page, email=specialist.owner.email, password=PASSWORD)
    page.goto("/practice/availability/")
    page.get_by_role("link", name=re.compile("Connect your own calendars")).click()
    expect(page.get_by_role("heading", name="Your calendars")).to_be_visible()
    page.get_by_label("Calendar address (iCalendar)").fill(ics.url("/private-abc123/basic.ics"))
    page.get_by_role("button", name="Add calendar").click()
    expect(page.get_by_text("Calendar added.")).to_be_visible()
    expect(page.get_by_text("Not yet")).to_be_visible()
    assert "private-abc123" not in page.content()

    page.get_by_label("CalDAV server address").fill(radicale.url)
    page.get_by_label("User name").fill("mira")
    page.get_by_label("App password").fill("wrong")
    page.get_by_role("button", name="Connect account").click()
    expect(page.get_by_role("alert").get_by_text("Wrong user name or password.")).to_be_visible()
    page.get_by_label("App password").fill("app-password")
    page.get_by_role("button", name="Connect account").click()
    expect(page.get_by_text("Account connected.")).to_be_visible()
    expect(page.get_by_role("radio", name="Practice")).to_be_checked()

    run_workers()
    page.reload()
    subscription = page.locator(".card").filter(has_text="Subscribed calendar")
    expect(subscription.locator("dd").nth(1)).to_have_text("1")
    expect(subscription.get_by_text(re.compile(r"\d+\s+minutes?\s+ago"))).to_be_visible()
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "calendars.png"), full_page=True)

    # The client no longer sees the time the subscribed calendar blocks.
    client_page = browser.new_context(base_url=page.url.split("/practice")[0]).new_page()
    log_in(client_page, email=client.email, password=PASSWORD)
    client_page.goto("/specialists/mira/book/?tz=America/Toronto")
    slots = client_page.locator("a.slot")
    expect(slots.first).to_be_visible()
    hrefs = [slots.nth(i).get_attribute("href") for i in range(slots.count())]
    assert not any(quote(slot_value(blocked)) in (href or "") for href in hrefs)
    assert any(quote(slot_value(blocked - timedelta(minutes=30))) in h for h in hrefs)

    # The booking is written into the chosen CalDAV calendar, moved, then removed.
    slots.first.click()
    client_page.get_by_role("button", name="Book my free consultation").click()
    expect(client_page.get_by_text("Booked.")).to_be_visible()
    run_workers()
    consultation = Consultation.objects.get()
    [event] = radicale.work.events()
    written = icalendar.Calendar.from_ical(event.data).events[0]
    assert written.start == consultation.starts_at
    assert str(written["SUMMARY"]) == "Free consultation — First Step"

    client_page.get_by_role("link", name="Reschedule").click()
    client_page.locator("label.slot").nth(5).click()
    client_page.get_by_role("button", name="Move to this time").click()
    expect(client_page.get_by_text("Moved to the new time.")).to_be_visible()
    run_workers()
    consultation.refresh_from_db()
    [event] = radicale.work.events()
    assert icalendar.Calendar.from_ical(event.data).events[0].start == consultation.starts_at

    client_page.get_by_role("link", name="Cancel").click()
    client_page.get_by_role("button", name="Yes, cancel it").click()
    expect(client_page.get_by_text("The consultation is cancelled.")).to_be_visible()
    run_workers()
    assert radicale.work.events() == []

    page.get_by_role("link", name="Remove").first.click()
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("Calendar removed.")).to_be_visible()
    client_page.context.close()
