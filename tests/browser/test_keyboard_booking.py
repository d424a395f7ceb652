"""The booking journey with the keyboard alone: no clicks, no filling fields from the outside.

Focus moves only with Tab and Shift+Tab, links open with Enter, buttons press with Space,
radio buttons change with the arrow keys, and text is typed into whatever has focus. Every
element that takes focus on the way must show it.
"""

import re
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings import booking
from bookings.models import Consultation
from directory import profiles
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# What has focus, and whether it shows: an outline or a shadow on the element, or on the label
# drawn in place of a visually hidden radio button, inside the window.
FOCUSED = """() => {
    const element = document.activeElement;
    const labels = Array.from(element.labels || []);
    const own = element.getBoundingClientRect();
    const hidden = getComputedStyle(element).opacity === "0" || own.width <= 1 || own.height <= 1;
    // A visually hidden control is drawn by its label, which must show the focus instead.
    const drawn = hidden && labels.length ? labels[0] : element;
    const style = getComputedStyle(drawn);
    const box = drawn.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        name: (element.getAttribute("aria-label") || element.innerText || "").trim(),
        label: labels.map((label) => label.innerText.trim()).join(" "),
        href: element.getAttribute("href") || "",
        checked: Boolean(element.checked),
        shown: element.matches(":focus-visible") && (
            (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== "none"
        ),
        onScreen: box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0
            && box.left < window.innerWidth && box.top < window.innerHeight,
    };
}"""
TAB_LIMIT = 80
TORONTO = ZoneInfo("America/Toronto")


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def press_tab(page: Page, *, backwards: bool = False) -> dict:
    """Move focus one step and check that the element now focused shows it."""
    page.keyboard.press("Shift+Tab" if backwards else "Tab")
    element = focused(page)
    assert element["tag"] != "body", "focus left the page"
    assert element["shown"], f"no visible focus on {element}"
    assert element["onScreen"], f"focus is on something off screen: {element}"
    return element


SLOT_NAME = re.compile(
    r"(?P<weekday>\w+day) (?P<day>\d{1,2}) (?P<month>\w+), (?P<time>\d{2}:\d{2}), your time"
)


def slot_name(page: Page) -> dict[str, str]:
    """The accessible name of the focused slot, which must stand alone: "Monday 7 December,
    17:00, your time" (the visitor's zone is detected in the browser)."""
    focused_slot = page.locator(":focus")
    expect(focused_slot).to_have_accessible_name(
        re.compile(r"^\w+day \d{1,2} \w+, \d{2}:\d{2}, your time$")
    )
    name = focused_slot.get_attribute("aria-label") or ""
    match = SLOT_NAME.fullmatch(name)
    assert match, name
    return match.groupdict()


def tab_to(page: Page, *, name: str = "", label: str = "", href: str = "") -> dict:
    """Press Tab until the focused element's text matches `name`, its label starts with a
    match for `label`, or its link target contains a match for `href` (regular expressions)."""
    for _ in range(TAB_LIMIT):
        element = press_tab(page)
        if (
            (name and re.fullmatch(name, element["name"]))
            or (label and re.match(label, element["label"]))
            or (href and re.search(href, element["href"]))
        ):
            return element
    raise AssertionError(f"Tab never reached {name or label or href!r} on {page.url}")


def log_in_with_the_keyboard(page: Page, *, email: str) -> None:
    """From any page: the "Log in" link, the two fields, Enter; back where it started."""
    tab_to(page, name="Log in")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    tab_to(page, label="Email")
    page.keyboard.type(email)
    assert press_tab(page)["label"].startswith("Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_client_books_a_free_consultation_with_the_keyboard_alone(page):
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Toronto")
    profiles.refresh_derived_fields(specialist)  # found by name
    open_hours(specialist, starts=time(9), ends=time(17))
    SpecialistFactory(name="Someone Else")
    client = UserFactory(email="keys@example.com")

    # The first Tab reaches a skip link, shown when it has focus.
    page.goto("/")
    skip = press_tab(page)
    assert skip["name"] == "Skip to content" and skip["href"] == "#main"

    log_in_with_the_keyboard(page, email=client.email)

    # The skip link jumps over the navigation: the next Tab lands on the search box.
    assert press_tab(page)["name"] == "Skip to content"
    page.keyboard.press("Enter")
    assert press_tab(page)["label"] == "What would you like help with?"
    page.keyboard.type("Okafor")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="1 specialist")).to_be_visible()

    # The profile, then every free time for the week.
    tab_to(page, name="Mira Okafor")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mira Okafor", level=1)).to_be_visible()
    tab_to(page, name="See all free times")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/$"))
    expect(page.locator("#tz-select")).to_have_value("America/Toronto")
    expect(page.get_by_role("heading", name="Free consultation with Mira Okafor")).to_be_visible()

    # The third free time, named with its day and zone as well as its time.
    tab_to(page, href=r"/book/confirm/\?slot=")
    press_tab(page)
    press_tab(page)
    chosen = slot_name(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Confirm your free consultation")).to_be_visible()
    expect(page.locator(".slot-summary")).to_contain_text(f"{chosen['day']} {chosen['month']}")
    expect(page.locator(".slot-summary")).to_contain_text(chosen["time"])

    # A phone call: Tab lands on the checked radio button, an arrow key moves the choice.
    video = tab_to(page, label="Video call")
    assert video["checked"]
    page.keyboard.press("ArrowDown")
    assert focused(page)["label"] == "Phone call" and focused(page)["checked"]
    assert press_tab(page)["label"].startswith("Phone number")
    page.keyboard.type("+1 416 555 0100")
    assert press_tab(page)["label"].startswith("In a few words")
    page.keyboard.type("Finding my feet after a move")
    assert press_tab(page)["name"] == "Book my free consultation"
    # Shift+Tab goes back the same way.
    assert press_tab(page, backwards=True)["label"].startswith("In a few words")
    assert press_tab(page)["name"] == "Book my free consultation"
    page.keyboard.press("Space")

    expect(page.get_by_text("Booked. We have e-mailed you the details.")).to_be_visible()
    expect(page.get_by_text("Phone call")).to_be_visible()
    consultation = Consultation.objects.get()
    assert consultation.client == client and consultation.specialist == specialist
    assert consultation.mode == Consultation.Mode.PHONE
    assert consultation.phone == "+1 416 555 0100"
    assert consultation.note == "Finding my feet after a move"
    assert consultation.starts_at.astimezone(TORONTO).strftime("%H:%M") == chosen["time"]
    assert consultation.starts_at.astimezone(TORONTO).strftime("%A") == chosen["weekday"]


def test_a_client_moves_a_consultation_with_the_arrow_keys(page):
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Toronto")
    open_hours(specialist, starts=time(9), ends=time(17))
    client = UserFactory(email="keys@example.com")
    booked = free_slot(specialist)
    consultation = booking.book(
        client=client,
        specialist=specialist,
        starts_at=booked.starts_at,
        mode="video",
        client_time_zone="America/Toronto",
        now=timezone.now(),
    )

    page.goto("/consultations/")
    log_in_with_the_keyboard(page, email=client.email)
    tab_to(page, name="Reschedule")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Pick a new time")).to_be_visible()

    # The free times are one group of radio buttons drawn as labels, a fieldset per day with
    # the date as its legend: Tab enters the group at the first, the arrow keys choose, and
    # the label shows where focus is.
    first = tab_to(page, label=r"\d{2}:\d{2}$")
    first_name = slot_name(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    chosen = focused(page)
    assert chosen["checked"] and chosen["shown"] and chosen["label"] != first["label"]
    chosen_name = slot_name(page)
    legend = page.locator("fieldset.slot-day", has=page.locator(":focus")).locator("legend")
    expect(legend).to_have_text(
        f"{chosen_name['weekday']} {chosen_name['day']} {chosen_name['month']}"
    )
    assert first_name != chosen_name
    assert press_tab(page)["label"].startswith("Reason")
    page.keyboard.type("A clash at work")
    assert press_tab(page)["name"] == "Move to this time"
    page.keyboard.press("Space")

    expect(page.get_by_text("Moved to the new time.")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.starts_at.astimezone(TORONTO).strftime("%H:%M") == chosen_name["time"]
    assert consultation.change_reason == "A clash at work"
