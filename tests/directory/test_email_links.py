"""Every absolute link in an account e-mail starts with SITE_URL, whatever Host the request
named."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://firststep.example"


@pytest.fixture
def forged_host(settings, client):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["*"]
    client.defaults["HTTP_HOST"] = "attacker.example:8400"
    return client


def _links(message) -> list[str]:
    bodies = [message.body, *(content for content, _ in getattr(message, "alternatives", []))]
    return [link for body in bodies for link in re.findall(r"https?://[^\s\"'<>]+", body)]


def _assert_only_site_links():
    assert mail.outbox
    for message in mail.outbox:
        links = _links(message)
        assert links, message.subject
        assert all(link.startswith(f"{SITE}/") for link in links), links
        assert "attacker.example" not in message.body + message.subject


def test_sign_up_verification_links_use_the_site_address(forged_host):
    forged_host.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD,
         "role": "client", "first_name": "Robin"},
    )  # fmt: skip

    _assert_only_site_links()
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_password_reset_links_use_the_site_address(forged_host):
    UserFactory(email="someone@example.com")

    forged_host.post(reverse("account_reset_password"), {"email": "someone@example.com"})

    _assert_only_site_links()
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_reset_for_an_unknown_address_links_to_the_site_address(forged_host):
    forged_host.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    _assert_only_site_links()


def test_an_added_address_is_verified_through_the_site_address(forged_host):
    user = UserFactory(email="someone@example.com")
    forged_host.force_login(user)

    forged_host.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"})

    _assert_only_site_links()
