"""The shortlist: saved logged out, kept at log-in, compared side by side and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_saved_logged_out_kept_at_log_in_and_compared_on_a_phone(page, browser, live_server):
    for name, fee in (("Ana Fee", 90), ("Ben Fee", 150), ("Cy Fee", 200)):
        SpecialistFactory(name=name, fee_per_session=fee)
    UserFactory(email="sam@example.com")

    page.goto("/specialists/")
    page.get_by_role("button", name=re.compile("Save Ana Fee to your shortlist")).click()
    expect(page.get_by_text("Saved to your shortlist.")).to_be_visible()
    page.get_by_role("button", name=re.compile("Save Ben Fee to your shortlist")).click()
    expect(
        page.get_by_role("button", name=re.compile("remove Ben Fee from your shortlist"))
    ).to_be_visible()

    log_in(page, email="sam@example.com", password=PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/shortlist/")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Ana Fee")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Ben Fee")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Fee")).to_be_visible()
    expect(table).to_contain_text("90 CAD per session")
    expect(page.get_by_text("Log in to keep it")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    try:
        small = phone.new_page()
        log_in(small, email="sam@example.com", password=PASSWORD)
        small.wait_for_url(lambda url: "/accounts/login/" not in url)
        small.goto("/shortlist/")
        expect(small.get_by_role("table")).to_be_hidden()
        expect(small.get_by_role("heading", name="Ana Fee")).to_be_visible()
        expect(small.locator(".compare-narrow")).to_contain_text("150 CAD per session")
        violations = axe_violations(small)
        assert not violations, describe_violations(violations)
    finally:
        phone.close()

    page.get_by_role("button", name=re.compile("remove Ana Fee from your shortlist")).click()
    expect(page.get_by_role("table").get_by_role("columnheader", name="Ana Fee")).to_have_count(0)
