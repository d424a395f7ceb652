"""With the network switched off: a calm banner, no browser error page, nothing typed is lost."""

import pytest
from playwright.sync_api import expect

from messaging.models import ContactMessage
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WORDING = (
    "It seems you\u2019ve lost your internet connection. Please refresh your page to try again."
)


def test_a_message_written_offline_is_kept_and_sent_once_the_connection_is_back(page):
    person = UserFactory()
    log_in(page, email=person.email, password=PASSWORD)
    page.goto("/contact/")
    banner = page.get_by_text("No Internet Connection")
    expect(banner).to_be_hidden()

    page.context.set_offline(True)
    expect(banner).to_be_visible()
    expect(page.get_by_text(WORDING)).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_label("Your message").fill("I cannot find the booking page on my phone.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("What you typed is kept on this device")).to_be_visible()
    page.get_by_role("link", name="Articles").first.click()
    assert page.url.endswith("/contact/")  # no browser error page
    assert not ContactMessage.objects.exists()
    page.screenshot(path="var/screenshots/test-offline-contact.png")

    page.context.set_offline(False)

    expect(page.get_by_text("Your message has been sent")).to_be_visible()
    expect(banner).to_be_hidden()
    assert ContactMessage.objects.get().body == "I cannot find the booking page on my phone."
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('draft:'))") == []


def test_a_draft_survives_leaving_the_page_and_coming_back(page):
    person = UserFactory()
    log_in(page, email=person.email, password=PASSWORD)
    page.goto("/contact/")
    page.get_by_label("Your message").fill("Half a thought about my account")

    page.goto("/articles/")
    page.goto("/contact/")

    expect(page.get_by_label("Your message")).to_have_value("Half a thought about my account")
