"""On a 390 x 844 phone: a menu button, results before filters, and "Book" on the first screen."""

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from directory import search
from directory.models import Specialty
from tests.bookings.conftest import open_hours
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD, SpecialistFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}

# Elements shown wider than the viewport, or reaching past its right edge, as
# "tag.class (width)" (a closed <details> keeps its content laid out, but not shown).
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll("body *"))
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && (box.width > width + 0.5 || box.right > width + 0.5);
    })
    .filter((el) => el.checkVisibility() && !el.closest(".visually-hidden, .skip-link"))
    .map((el) => {
      const box = el.getBoundingClientRect();
      return `${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.width)})`;
    });
}"""


@pytest.fixture
def phone(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url,
        timezone_id="America/Toronto",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def fits(page, name: str) -> None:
    page.screenshot(path=f"var/screenshots/test-phone-{name}.png")
    wide = page.evaluate(TOO_WIDE)
    assert not wide, f"{name}: wider than the viewport: {wide}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def listed(db):
    anxiety = Specialty.objects.get_or_create(slug="anxiety", defaults={"name": "Anxiety"})[0]
    specialists = [
        SpecialistFactory(name=f"Mira Okafor {n}", time_zone="America/Toronto") for n in range(4)
    ]
    for specialist in specialists:
        open_hours(specialist, starts=time(9), ends=time(17))
        specialist.specialties.add(anxiety)
    search.reindex(specialist_ids=[s.pk for s in specialists])  # PostgreSQL's search vector
    return specialists


def test_the_header_is_one_line_with_a_menu_button_that_opens_the_links(phone, listed):
    phone.goto("/")
    header = phone.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 90
    fits(phone, "home")

    phone.get_by_text("Menu", exact=True).click()
    expect(phone.get_by_role("link", name="Find a specialist")).to_be_visible()
    expect(phone.get_by_role("link", name="Log in")).to_be_visible()
    fits(phone, "menu-open")
    violations = axe_violations(phone)
    assert not violations, describe_violations(violations)
    phone.keyboard.press("Escape")
    expect(phone.get_by_role("link", name="Log in")).to_be_hidden()


def test_search_shows_results_first_and_filters_in_a_drawer_with_their_count(phone, listed):
    phone.goto("/specialists/?specialty=anxiety&free_consultation=1")

    first_card = phone.locator(".directory-results .specialist-card").first.bounding_box()
    assert first_card is not None and first_card["y"] < PHONE["height"]
    toggle = phone.get_by_role("button", name=re.compile("Search and filters"))
    expect(toggle).to_contain_text("2 active")
    expect(phone.locator("#filters")).to_be_hidden()
    fits(phone, "search")

    toggle.click()
    expect(phone.get_by_label("Specialty")).to_be_visible()
    fits(phone, "search-filters")
    violations = axe_violations(phone)
    assert not violations, describe_violations(violations)
    phone.get_by_label("Specialty").select_option("")
    phone.get_by_role("button", name="Search", exact=True).click()
    expect(toggle).to_contain_text("1 active")


def test_without_javascript_the_filters_link_jumps_to_the_form_below_the_results(
    browser, live_server, listed
):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/specialists/?specialty=anxiety")
    cards = page.locator(".specialist-card").first.bounding_box()
    form = page.locator("#filters").bounding_box()
    assert cards is not None and form is not None and cards["y"] < form["y"]
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Articles")).to_be_visible()
    context.close()


def test_a_profile_shows_the_next_free_time_and_book_on_the_first_screen(phone, listed):
    phone.goto(listed[0].get_absolute_url())

    bar = phone.locator(".book-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(re.compile(r"Next: \w{3} \d+ \w{3}, \d\d:\d\d"))
    box = bar.get_by_role("link", name="Book", exact=True).bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    fits(phone, "profile")
    violations = axe_violations(phone)
    assert not violations, describe_violations(violations)
    bar.get_by_role("link", name="Book", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/book/confirm/\?slot="))


def test_the_pages_a_specialist_uses_fit_the_phone(phone, listed):
    log_in(phone, email=listed[0].owner.email, password=PASSWORD)
    for name, url in (
        ("availability", "/practice/availability/"),
        ("practice", "/practice/consultations/"),
        ("pick", f"/specialists/{listed[1].slug}/book/"),
        ("articles", "/articles/"),
        ("crisis", "/crisis-support/"),
    ):
        phone.goto(url)
        fits(phone, name)
