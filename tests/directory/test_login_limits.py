"""Failed log-ins are limited per IP and per (e-mail, IP), and more slowly per e-mail; the
owner of an attacked account still gets in with a code sent to their e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from directory import accounts
from outbox.models import Email
from tests.factories import PASSWORD, UserFactory
from tests.outbox.conftest import send_outbox

pytestmark = pytest.mark.django_db

OWNER = "owner@example.com"


def _log_in(client, *, email=OWNER, password="wrong", ip="198.51.100.1"):  # noqa: S107
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def test_guessing_from_one_address_stops_but_the_owner_elsewhere_gets_in(client):
    UserFactory(email=OWNER)
    for _ in range(5):
        assert _log_in(client, ip="203.0.113.9").status_code == 400

    blocked = _log_in(client, password=PASSWORD, ip="203.0.113.9")
    owner = _log_in(client, password=PASSWORD, ip="198.51.100.7")

    assert b"Too many failed attempts to log in" in blocked.content
    assert owner.status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client):
    UserFactory(email=OWNER)
    for attempt in range(10):
        _log_in(client, email=f"someone{attempt}@example.com", ip="203.0.113.9")

    refused = _log_in(client, password=PASSWORD, ip="203.0.113.9")

    assert b"Too many failed attempts to log in" in refused.content
    # The way to the team is a link, in the form and in the summary above the page.
    link = f'<a href="{reverse("messaging:cant_log_in")}">Still stuck? Write to our team.</a>'
    assert refused.content.decode().count(link) == 2


def _spread_failures(client, count):
    for attempt in range(count):
        _log_in(client, ip=f"203.0.113.{attempt + 1}")


def test_a_guess_spread_over_many_addresses_pauses_the_password_but_not_the_owner(client):
    UserFactory(email=OWNER)
    _spread_failures(client, accounts.FAILURES_PER_EMAIL)

    by_password = _log_in(client, password=PASSWORD, ip="198.51.100.7")

    assert by_password.status_code == 400
    page = by_password.content.decode()
    assert "Log in with a code” and we will e-mail you a code" in page
    assert f'href="{reverse("messaging:cant_log_in")}"' in page
    mail.outbox.clear()
    asked = client.post(
        reverse("account_request_login_code"), {"email": OWNER}, REMOTE_ADDR="198.51.100.7"
    )
    assert asked.status_code == 302
    (message,) = mail.outbox
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE).group(1)
    entered = client.post(
        reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR="198.51.100.7"
    )
    assert entered.status_code == 302
    assert client.get(reverse("account_email")).status_code == 200


def test_the_pause_of_one_account_leaves_other_accounts_alone(client):
    UserFactory(email=OWNER)
    UserFactory(email="other@example.com")
    _spread_failures(client, accounts.FAILURES_PER_EMAIL)

    other = _log_in(client, email="other@example.com", password=PASSWORD, ip="198.51.100.7")

    assert other.status_code == 302


def test_the_owner_is_told_once_when_their_account_sees_many_failures(client):
    UserFactory(email=OWNER)
    _spread_failures(client, accounts.NOTIFY_AFTER + 5)

    assert send_outbox() == 1  # once, however many more failures come
    (message,) = mail.outbox
    assert message.to == [OWNER]
    assert f"{accounts.NOTIFY_AFTER} times" in message.body
    assert reverse("account_request_login_code") in message.body


def test_failures_for_an_address_without_an_account_e_mail_nobody(client):
    _spread_failures(client, accounts.NOTIFY_AFTER + 1)

    assert not Email.objects.exists()
