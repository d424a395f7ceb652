"""What axe cannot see (WCAG 2.2 AA by hand, automated): a refused form moves focus to a summary
and says "Error:" in the title; no page scrolls sideways at 320 px; the search filters never
hide the focused control at 1280 x 720."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from bookings.forms import slot_value
from tests.bookings.conftest import free_slot
from tests.security.test_authorization_matrix import EXPECTED, url_for
from tests.security.world import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, world: World, persona: str, base_url: str) -> None:
    """Log in by handing the browser a session made on the server (the log-in form itself is
    tested in test_keyboard_booking and test_accounts_journey)."""
    user = world.users[persona]
    if user is None:
        return
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )


# The form refused: fields made invalid, then the browser's own check switched off so that
# the server's answer is what is tested (the same as a browser without that check).
NO_BROWSER_CHECK = "document.querySelectorAll('form').forEach((form) => form.noValidate = true)"


@dataclass(frozen=True)
class Refusal:
    name: str
    persona: str
    url: Callable[[World], str]
    button: str
    fill: Callable[[Page], None] = lambda page: None


def _fill(label: str, value: str) -> Callable[[Page], None]:
    return lambda page: page.get_by_label(label).first.fill(value)


def _hours_end_before_start(page: Page) -> None:
    page.locator("#id_hours-0-weekday").select_option("2")
    page.locator("#id_hours-0-starts").select_option("17:00")
    page.locator("#id_hours-0-ends").select_option("09:00")


def _phone_without_number(page: Page) -> None:
    page.get_by_role("radio", name="Phone call").check()


def _book_url(world: World) -> str:
    slot = slot_value(free_slot(world.specialist_2, index=2).starts_at)
    return f"/specialists/{world.specialist_2.slug}/book/confirm/?slot={slot}&tz=America/Toronto"


REFUSALS = [
    Refusal(
        "login",
        "anonymous",
        lambda w: "/accounts/login/",
        "Log in",
        lambda page: (_fill("Email", "nobody@example.com")(page), _fill("Password", "nope")(page)),
    ),
    Refusal("signup", "anonymous", lambda w: "/accounts/signup/", "Sign up"),
    Refusal("cant-log-in", "anonymous", lambda w: "/contact/cant-log-in/", "Send to the team"),
    Refusal("password-reset", "anonymous", lambda w: "/accounts/password/reset/", "Reset"),
    Refusal(
        "book-confirm", "client_b", _book_url, "Book my free consultation", _phone_without_number
    ),
    Refusal(
        "reschedule",
        "client_a",
        lambda w: f"/consultations/{w.consultation.pk}/reschedule/",
        "Move to this time",
    ),
    Refusal("contact", "client_a", lambda w: "/contact/", "Send"),
    Refusal(
        "new-message",
        "client_a",
        lambda w: f"/specialists/{w.specialist_2.slug}/message/",
        "Send message",
    ),
    Refusal("reply", "client_a", lambda w: w.thread.get_absolute_url(), "Send"),
    Refusal("ask-a-question", "client_a", lambda w: "/questions/new/", "Publish question"),
    Refusal("account-delete", "client_a", lambda w: "/account/delete/", "Delete my account"),
    Refusal("account-password", "client_a", lambda w: "/accounts/password/change/", "Change"),
    Refusal("become-a-specialist", "client_a", lambda w: "/profile/", "Create my profile"),
    Refusal(
        "profile-edit", "specialist_1", lambda w: "/profile/", "Save changes", _fill("Name", "")
    ),
    Refusal(
        "availability",
        "specialist_1",
        lambda w: "/practice/availability/",
        "Save availability",
        _hours_end_before_start,
    ),
    Refusal("time-off", "specialist_1", lambda w: "/practice/availability/", "Add"),
    Refusal("article-new", "specialist_1", lambda w: "/articles/new/", "Save"),
    Refusal("calendar-feed", "specialist_1", lambda w: "/practice/calendars/", "Add calendar"),
    Refusal(
        "calendar-account", "specialist_1", lambda w: "/practice/calendars/", "Connect account"
    ),
    Refusal(
        "widget-sites",
        "specialist_1",
        lambda w: "/practice/widget/",
        "^Save$",
        _fill("Websites allowed", "ftp://example.org"),
    ),
    Refusal("answer-edit", "specialist_1", lambda w: f"/answers/{w.answer.pk}/edit/", "Save"),
    Refusal(
        "answer-a-question",
        "specialist_2",
        lambda w: w.question.get_absolute_url(),
        "Publish answer",
    ),
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=[refusal.name for refusal in REFUSALS])
def test_a_refused_form_moves_focus_to_a_summary_linking_each_error_to_its_field(
    page, live_server, refusal
):
    world = build_world()
    sign_in(page, world, refusal.persona, live_server.url)
    page.goto(refusal.url(world))
    refusal.fill(page)
    page.evaluate(NO_BROWSER_CHECK)

    page.get_by_role("button", name=re.compile(refusal.button, re.I)).first.click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:"), page.title()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    items = summary.locator("li")
    assert items.count() >= 1
    links = summary.locator("a")
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href").removeprefix("#")
        assert page.locator(f"[id='{target}']").count() == 1, target
    if links.count():
        first = links.first
        target = first.get_attribute("href").removeprefix("#")
        first.click()
        expect(page.locator(f"[id='{target}']")).to_be_focused()
        expect(page.locator(f"[id='{target}']")).to_be_in_viewport()


def test_an_hours_row_error_is_named_by_its_row(page, live_server):
    world = build_world()
    sign_in(page, world, "specialist_1", live_server.url)
    page.goto("/practice/availability/")
    _hours_end_before_start(page)

    page.get_by_role("button", name="Save availability").click()

    expect(page.locator("[data-error-summary]")).to_be_focused()
    link = page.locator("[data-error-summary] a").first
    expect(link).to_have_text("Row 1 (Wednesday): The end must be after the start.")
    for name in ("weekday", "starts", "ends"):
        field = page.locator(f"#id_hours-0-{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("The end must be after the start."))


# Reflow (WCAG 1.4.10): every page of the authorization matrix at 320 CSS pixels.
PREFERRED = ("anonymous", "client_a", "specialist_1", "staff", "client_b", "specialist_2")
# Data tables may scroll inside their own box (1.4.10 allows two-dimensional content to):
# an element inside a clipping or scrolling box that itself fits does not count.
WIDER_THAN_THE_WINDOW = """() => {
    const width = document.documentElement.clientWidth;
    const contained = (element) => {
        for (let box = element.parentElement; box !== document.body; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== "visible"
                && box.getBoundingClientRect().right <= width + 1) {
                return true;
            }
        }
        return false;
    };
    const wide = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        // checkVisibility: not inside a closed <details> (the phone menu) or display: none.
        if (box.width > 1 && box.right > width + 1 && element.checkVisibility()
            && !contained(element)) {
            wide.push(`${element.tagName.toLowerCase()}.${element.className}`
                + ` (${Math.round(box.right)} px)`);
        }
    }
    return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 5)};
}"""


def _viewer(name: str) -> str | None:
    """Who sees the page itself (a 200) rather than a log-in prompt or a 404."""
    for persona in PREFERRED:
        if EXPECTED[name][persona].split("/")[0] == "200":
            return persona
    return None


def _is_html(world: World, persona: str, url: str) -> bool:
    client = Client()
    if world.users[persona] is not None:
        client.force_login(world.users[persona])
    response = client.get(url)
    return response.status_code == 200 and "text/html" in response.get("Content-Type", "")


def test_no_page_scrolls_sideways_at_320_pixels(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    world = build_world()
    pages: dict[str, list[str]] = {}
    for name in sorted(EXPECTED):
        persona = _viewer(name)
        if persona is None:  # POST-only addresses and the like: no page to show
            continue
        url = url_for(name, world)
        if _is_html(world, persona, url):  # not the calendar files and JSON
            pages.setdefault(persona, []).append(url)
    pages["anonymous"] += ["/accounts/login/", "/accounts/signup/", "/no-such-page/"]
    checked, overflowing = 0, []
    for persona, urls in pages.items():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 320, "height": 640}
        )
        page = context.new_page()
        sign_in(page, world, persona, live_server.url)
        for url in urls:
            response = page.goto(url)
            assert response is not None
            found = page.evaluate(WIDER_THAN_THE_WINDOW)
            checked += 1
            if found["scroll"] > found["width"] or found["wide"]:
                overflowing.append(f"{url} as {persona}: {found}")
        context.close()

    assert checked >= 40
    assert not overflowing, "\n".join(overflowing)


def test_the_hours_editor_stacks_its_rows_at_320_pixels(browser, live_server):
    world = build_world()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, world, "specialist_1", live_server.url)
    page.goto("/practice/availability/")

    remove = page.get_by_label("Remove row 1")
    to = page.get_by_label("To, row 1")
    expect(page.get_by_text("To, row 1")).to_be_visible()
    assert to.bounding_box()["x"] + to.bounding_box()["width"] <= 320
    assert remove.bounding_box()["x"] + remove.bounding_box()["width"] <= 320
    context.close()


# Focus not obscured (WCAG 2.4.11): Tab through the whole search form at 1280 x 720.
IN_VIEW = """() => {
    const element = document.activeElement;
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const onTop = document.elementFromPoint(x, y);
    return {
        label: element.labels && element.labels.length ? element.labels[0].innerText.trim()
            : (element.innerText || element.getAttribute("aria-label") || "").trim(),
        inForm: Boolean(element.closest("form[role='search']")),
        inside: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
            && box.right <= window.innerWidth,
        uncovered: onTop !== null && (onTop === element || element.contains(onTop)
            || (element.labels && Array.from(element.labels).some((l) => l.contains(onTop)))),
    };
}"""


def test_tabbing_through_the_search_filters_never_hides_the_focus(browser, live_server):
    build_world()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto("/specialists/?q=specialist&language=french")
    filters = page.locator("form[role='search']").bounding_box()
    assert filters["height"] > 720, "the filters must be taller than the window for this test"

    page.locator("#q").focus()
    seen = []
    for _ in range(80):
        state = page.evaluate(IN_VIEW)
        if not state["inForm"]:
            break
        seen.append(state["label"])
        assert state["inside"] and state["uncovered"], f"focus hidden on {state}"
        page.keyboard.press("Tab")
    assert "Sort by" in seen and "Search" in seen, seen
    # Back up through the form with Shift+Tab: still never hidden.
    for _ in range(len(seen) - 1):
        page.keyboard.press("Shift+Tab")
        state = page.evaluate(IN_VIEW)
        assert state["inside"] and state["uncovered"], f"focus hidden on {state}"
    context.close()
