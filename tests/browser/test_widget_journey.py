import re
import threading
from datetime import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from bookings.models import Consultation
from insights import widget
from insights.models import WidgetSettings
from tests.bookings.conftest import open_hours
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def their_website(tmp_path):
    """The specialist's own website: another server, on another port, serving one page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_visitor_books_through_the_widget_on_the_specialists_own_website(
    page, their_website, settings
):
    folder, origin = their_website
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Vancouver")
    open_hours(specialist, starts=time(9), ends=time(17))
    snippet = widget.snippets(specialist=specialist).script
    (folder / "index.html").write_text(
        f"<!DOCTYPE html><html lang='en'><head><title>Mira's practice</title></head>"
        f"<body><h1>Mira's practice</h1>{snippet}</body></html>",
        encoding="utf-8",
    )
    client = UserFactory(email="visitor@example.com")
    log_in(page, email=client.email, password=PASSWORD)

    page.goto(origin + "/index.html")
    frame = page.frame_locator("iframe[title^='Book a free consultation']")
    expect(frame.get_by_role("heading", name="Mira Okafor")).to_be_visible()
    # The browser's zone (the page fixture's Toronto), not the specialist's Vancouver.
    expect(frame.get_by_text("(America/Toronto)")).to_be_visible()
    with page.expect_popup() as opened:
        frame.get_by_role("link", name=re.compile(r"\d{2}:\d{2}")).first.click()
    booking_tab = opened.value
    expect(
        booking_tab.get_by_role("heading", name="Confirm your free consultation")
    ).to_be_visible()
    booking_tab.get_by_role("button", name="Book my free consultation").click()

    expect(booking_tab.get_by_text("Booked. We have e-mailed you the details.")).to_be_visible()
    consultation = Consultation.objects.get()
    assert consultation.specialist == specialist and consultation.client == client
    assert consultation.client_time_zone == "America/Toronto"


def test_after_booking_through_the_widget_the_client_goes_back_to_the_specialists_site(
    page, their_website
):
    """Logged out on the way: the time chosen and the way back survive logging in."""
    folder, origin = their_website
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Vancouver")
    open_hours(specialist, starts=time(9), ends=time(17))
    WidgetSettings.objects.create(specialist=specialist, website=origin + "/index.html")
    (folder / "index.html").write_text(
        f"<!DOCTYPE html><html lang='en'><head><title>Mira's practice</title></head>"
        f"<body><h1>Mira's practice</h1>{widget.snippets(specialist=specialist).script}"
        "</body></html>",
        encoding="utf-8",
    )
    client = UserFactory(email="visitor@example.com")

    page.goto(origin + "/index.html")
    frame = page.frame_locator("iframe[title^='Book a free consultation']")
    chosen = frame.get_by_role("link", name=re.compile(r"\d{2}:\d{2}")).first
    expect(chosen).to_be_visible()
    with page.expect_popup() as opened:
        chosen.click()
    tab = opened.value
    tab.get_by_role("link", name="Log in", exact=True).last.click()
    tab.get_by_label("Email").fill(client.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in", exact=True).click()
    expect(tab.get_by_role("heading", name="Confirm your free consultation")).to_be_visible()
    tab.get_by_role("button", name="Book my free consultation").click()

    expect(tab.get_by_text("Booked. We have e-mailed you the details.")).to_be_visible()
    back = tab.get_by_role("link", name=f"Back to {origin.removeprefix('http://')}")
    expect(back).to_have_attribute("href", origin + "/index.html")
    back.click()
    expect(tab.get_by_role("heading", name="Mira's practice")).to_be_visible()
    assert Consultation.objects.get().client == client


def test_without_scripts_the_snippet_is_a_plain_link_to_the_profile(
    browser, their_website, live_server, settings
):
    settings.SITE_URL = live_server.url
    folder, origin = their_website
    specialist = SpecialistFactory(name="Mira Okafor")
    (folder / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><title>Mira</title></head><body>"
        + widget.snippets(specialist=specialist).script
        + "</body></html>",
        encoding="utf-8",
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(origin + "/index.html")

    link = page.get_by_role("link", name="Book a free consultation with Mira Okafor")
    expect(link).to_have_attribute(
        "href", f"{live_server.url}/specialists/{specialist.slug}/?src=widget"
    )
    assert page.locator("iframe").count() == 0
    context.close()
