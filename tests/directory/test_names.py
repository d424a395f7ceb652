"""People have names: asked at sign-up, changed on the account page, and used by every page
and e-mail instead of "user #53" or "Member"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-calm-long-passphrase-2026"


def sign_up(client, **fields):
    data = {"email": "noor@example.com", "password1": PASSWORD, "password2": PASSWORD}
    data.update({"role": "client", "first_name": "Noor", "pronouns": "she/her", **fields})
    return client.post(reverse("account_signup"), data)


def test_sign_up_asks_a_first_name_and_optional_pronouns(client):
    assert "Your first name" in client.get(reverse("account_signup")).content.decode()

    sign_up(client, first_name="  Noor ")

    user = User.objects.get(email="noor@example.com")
    assert (user.first_name, user.pronouns) == ("Noor", "she/her")
    assert user.name_with_pronouns == "Noor (she/her)"


def test_sign_up_without_a_first_name_is_refused(client):
    response = sign_up(client, first_name="")

    assert response.status_code == 400
    assert not User.objects.exists()


def test_the_verification_email_greets_by_name_in_the_products_voice(client, settings):
    sign_up(client)

    body = mail.outbox[-1].body
    assert body.startswith("Hello Noor,")
    assert "Hello from" not in body
    assert "user " not in body
    assert f"the {settings.SITE_NAME} team" in body
    assert re.search(r"https?://\S+/accounts/confirm-email/\S+/", body)


def test_the_password_reset_email_is_in_the_same_voice(client):
    UserFactory(email="robin@example.com", first_name="Robin")

    client.post(reverse("account_reset_password"), {"email": "robin@example.com"})

    body = mail.outbox[-1].body
    assert body.startswith("Hello Robin,")
    assert "/accounts/password/reset/key/" in body


def test_the_name_is_changed_on_the_account_page(client):
    user = UserFactory(first_name="Robin")
    client.force_login(user)

    refused = client.post(reverse("account"), {"first_name": "", "pronouns": ""})
    saved = client.post(reverse("account"), {"first_name": "Rob", "pronouns": "they/them"})

    assert refused.status_code == 400
    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.name_with_pronouns == "Rob (they/them)"
    assert 'value="Rob"' in client.get(reverse("account")).content.decode()


def test_an_account_made_before_names_were_asked_is_called_by_its_email_address():
    assert UserFactory.build(first_name="", email="kim.lee@example.com").display_name == "kim.lee"
