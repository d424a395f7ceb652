"""The crisis page puts the visitor's country first from the browser's time zone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_in_sydney_sees_australia_first_with_numbers_to_tap(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        timezone_id="Australia/Sydney",
        locale="en-US",
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.goto("/crisis-support/")

    first = page.locator(".crisis-country").first
    expect(first.get_by_role("heading")).to_have_text("Australia")
    expect(first.get_by_role("link", name="Call 13 11 14")).to_have_attribute("href", "tel:131114")
    expect(first.get_by_role("link", name="Text 0477 13 11 14")).to_have_attribute(
        "href", "sms:0477131114"
    )
    expect(first.get_by_role("link", name="Call 000")).to_have_attribute("href", "tel:000")
    page.screenshot(path="var/screenshots/test-crisis-phone.png")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    context.close()
