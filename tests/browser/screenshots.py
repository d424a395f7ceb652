"""`make screenshots`: the main pages at 1280 x 800 and 390 x 844, in var/screenshots/.

Run by name (the file is not a test module, so the suite does not collect it): each page
is opened by the persona who would see it, in the world the security tests build, and
saved as <size>-<page>.png (the whole page), for a reviewer to look through in a minute.
"""

from collections.abc import Callable
from pathlib import Path

import pytest

from bookings.forms import slot_value
from tests.bookings.conftest import free_slot
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.security.world import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)
OUT = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

PAGES: list[tuple[str, str, Callable[[World], str]]] = [
    ("home", "anonymous", lambda w: "/"),
    ("search", "anonymous", lambda w: "/specialists/?free_consultation=1"),
    ("profile", "anonymous", lambda w: w.specialist_2.get_absolute_url()),
    ("pick-a-time", "anonymous", lambda w: f"/specialists/{w.specialist_2.slug}/book/"),
    (
        "log-in-gate",
        "anonymous",
        lambda w: (
            f"/specialists/{w.specialist_2.slug}/book/confirm/?slot="
            + slot_value(free_slot(w.specialist_2, index=2).starts_at)
        ),
    ),
    ("log-in", "anonymous", lambda w: "/accounts/login/"),
    ("sign-up", "anonymous", lambda w: "/accounts/signup/"),
    ("cant-log-in", "anonymous", lambda w: "/contact/cant-log-in/"),
    ("articles", "anonymous", lambda w: "/articles/"),
    ("article", "anonymous", lambda w: w.published.get_absolute_url()),
    ("questions", "anonymous", lambda w: "/questions/"),
    ("crisis", "anonymous", lambda w: "/crisis-support/"),
    (
        "book-confirm",
        "client_b",
        lambda w: (
            f"/specialists/{w.specialist_2.slug}/book/confirm/?slot="
            + slot_value(free_slot(w.specialist_2, index=2).starts_at)
        ),
    ),
    ("profile-with-a-booking", "client_a", lambda w: w.specialist_1.get_absolute_url()),
    ("my-consultations", "client_a", lambda w: "/consultations/"),
    ("consultation", "client_a", lambda w: f"/consultations/{w.consultation.pk}/"),
    ("reschedule", "client_a", lambda w: f"/consultations/{w.consultation.pk}/reschedule/"),
    ("inbox", "client_a", lambda w: "/inbox/"),
    ("contact", "client_a", lambda w: "/contact/"),
    ("account", "client_a", lambda w: "/account/"),
    ("practice", "specialist_1", lambda w: "/practice/consultations/"),
    ("availability", "specialist_1", lambda w: "/practice/availability/"),
    ("profile-edit", "specialist_1", lambda w: "/profile/"),
]


def test_screenshots_of_the_main_pages(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    world = build_world()
    OUT.mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        contexts = {}
        for name, persona, url in PAGES:
            if persona not in contexts:
                context = browser.new_context(
                    base_url=live_server.url, viewport=viewport, timezone_id="America/Toronto"
                )
                contexts[persona] = context.new_page()
                user = world.users[persona]
                if user is not None:
                    log_in(contexts[persona], email=user.email, password=PASSWORD)
            page = contexts[persona]
            page.goto(url(world))
            page.screenshot(path=OUT / f"{size}-{name}.png", full_page=True)
        for page in contexts.values():
            page.context.close()
    shots = sorted(p.name for p in OUT.glob("*.png") if p.name.startswith(("desktop-", "phone-")))
    assert len(shots) >= 2 * len(PAGES), shots
