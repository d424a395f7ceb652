"""In person near a place, and online with someone licensed where the client lives: on a
desktop and on a 390 x 844 phone, with axe on each page."""

import re

import pytest
from playwright.sync_api import expect

from directory import places
from directory.models import Licensure
from tests.browser.conftest import axe_violations, describe_violations
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def people():
    for name, city, region, areas in (
        ("Near Toronto", "Mississauga", "Ontario", ["CA-ON"]),
        ("In Toronto", "Toronto", "Ontario", ["CA-ON", "CA-BC"]),
        ("In Montreal", "Montréal", "Quebec", ["CA-QC"]),
    ):
        latitude, longitude = places.coordinates(city=city, region=region, country="Canada")
        specialist = SpecialistFactory(
            name=name,
            city=city,
            region=region,
            country="Canada",
            latitude=latitude,
            longitude=longitude,
            offers_in_person=True,
        )
        Licensure.objects.bulk_create(Licensure(specialist=specialist, area=a) for a in areas)


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url,
        timezone_id="America/Toronto",
        viewport=SCREENS[request.param],
        is_mobile=request.param == "phone",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield request.param, page
    context.close()


def open_filters(name, page):
    if name == "phone":
        page.get_by_role("button", name=re.compile("Search and filters")).click()


def no_serious_violations(page):
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_a_visitor_finds_someone_near_a_city_nearest_first(screen, people):
    name, page = screen
    page.goto("/specialists/")
    open_filters(name, page)
    page.get_by_label("In person near (a city or US ZIP code)").fill("Torontoo")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_text("We could not find “Torontoo”.", exact=False)).to_be_visible()
    page.get_by_role("link", name="Toronto, Ontario, Canada").click()
    expect(page.get_by_role("heading", name="1 specialist", exact=True)).to_be_visible()

    open_filters(name, page)
    page.get_by_label("Distance").select_option(label="within 50 km")
    page.get_by_label("Sort by").select_option(label="Nearest first (in person)")
    page.get_by_role("button", name="Search", exact=True).click()

    cards = page.locator(".directory-results .card-grid h3")
    expect(cards).to_have_text(["In Toronto", "Near Toronto"])
    expect(page.locator(".distance")).to_have_text(
        ["0.0 km away", re.compile(r"^2\d\.\d km away$")]
    )
    no_serious_violations(page)
    page.screenshot(path=f"var/screenshots/test-distance-{name}.png", full_page=True)

    page.get_by_role("link", name="Remove Within 50 km of Toronto, Ontario, Canada").click()
    expect(page.get_by_role("heading", name="3 specialists")).to_be_visible()


def test_an_online_client_sees_only_those_licensed_where_they_live(screen, people):
    name, page = screen
    page.goto("/specialists/?format=online")
    open_filters(name, page)
    # Where they live is the visitor's to say, never guessed.
    expect(page.get_by_label("Where do you live?")).to_have_value("")
    page.get_by_label("Where do you live?").select_option("CA-QC")
    page.get_by_label("Only those licensed where I live").check()
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_role("heading", name="1 specialist", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="In Montreal")).to_be_visible()
    no_serious_violations(page)
    page.screenshot(path=f"var/screenshots/test-licensed-{name}.png", full_page=True)

    page.get_by_role("link", name="In Montreal").click()
    licensed_in = page.locator("dt:has-text('Licensed to practise in') + dd")
    expect(licensed_in).to_contain_text("Quebec, Canada")
    no_serious_violations(page)
