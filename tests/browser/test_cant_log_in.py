"""A locked-out person reaches the team from the log-in page, at 1280 x 800 and 390 x 844."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from messaging.models import ContactMessage
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.test_phone import TOO_WIDE
from tests.outbox.conftest import send_outbox

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
WRITTEN = "The reset e-mail never arrives, and the code does not come either."


def check(page, name: str, size: str) -> None:
    """axe finds nothing serious, and nothing is wider than the screen."""
    page.screenshot(path=f"var/screenshots/test-cant-log-in-{name}-{size}.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, f"{name}: {describe_violations(violations)}"
    assert not page.evaluate(TOO_WIDE), f"{name}: wider than the viewport"


@pytest.mark.parametrize("size", SIZES)
def test_from_the_log_in_page_a_locked_out_person_writes_to_the_team(
    browser, live_server, settings, size
):
    settings.SITE_URL = live_server.url
    settings.STAFF_EMAIL = "staff@example.com"
    context = browser.new_context(
        base_url=live_server.url, timezone_id="America/Toronto", viewport=SIZES[size]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()

    page.get_by_role("link", name="Write to our team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Can't log in?")
    check(page, "form", size)

    page.get_by_label("Your e-mail address").fill("robin-at-example")
    page.get_by_label("What happens when you try to log in?").fill(WRITTEN)
    page.get_by_role("button", name="Send to the team").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please give an e-mail address like name@example.com.")
    expect(page.get_by_label("What happens when you try to log in?")).to_have_value(WRITTEN)
    check(page, "refused", size)

    page.get_by_label("Your e-mail address").fill("robin@example.com")
    page.get_by_role("button", name="Send to the team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your message is on its way")
    check(page, "sent", size)
    context.close()

    stored = ContactMessage.objects.get()
    assert (stored.reply_to, stored.body) == ("robin@example.com", WRITTEN)
    assert send_outbox() == 2
    assert [message.to for message in mail.outbox] == [["staff@example.com"], ["robin@example.com"]]
