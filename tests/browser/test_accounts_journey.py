import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from directory.models import User
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-calm-long-passphrase-2026"


def test_a_newcomer_signs_up_verifies_their_email_and_logs_in(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Your first name").fill("Noor")
    page.get_by_label("Your pronouns (optional)").fill("she/her")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("I am looking for support").check()
    page.get_by_role("button", name="Sign up", exact=True).click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("link", name="Account")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    log_in(page, email="newcomer@example.com", password=PASSWORD)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text("newcomer@example.com")).to_be_visible()
    assert User.objects.get(email="newcomer@example.com").role == User.Role.CLIENT


def test_a_wrong_password_shows_a_clear_message(page):
    log_in(page, email="nobody@example.com", password="wrong-password")

    expect(page.locator("[data-error-summary]")).to_contain_text(re.compile("not correct"))
    assert page.title().startswith("Error:")
