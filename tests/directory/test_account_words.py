"""The account pages say "Log in", "Sign up" and "Log out", like the links that lead there."""

import re

import pytest
from django.contrib import messages
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# "Sign up" is the link's own wording; its other spellings, and signing in or out, are not.
OTHER_WORDS = re.compile(r"\b(?:(?i:sign[ -]?in|sign[ -]?out|signed)|Sign Up|Signup)\b")


def _words(response) -> str:
    """What a person reads on the page: the text between tags, and button values."""
    text = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    return " ".join(" ".join(re.findall(r">([^<>]+)<", text)).split())


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_request_login_code",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_the_pages_for_getting_in_use_the_words_of_the_links(client, name):
    words = _words(client.get(reverse(name)))

    assert not OTHER_WORDS.findall(words), words


@pytest.mark.parametrize("name", ["account_logout", "usersessions_list", "account_email"])
def test_the_pages_for_leaving_use_the_words_of_the_links(client, name):
    client.force_login(UserFactory())

    words = _words(client.get(reverse(name)))

    assert not OTHER_WORDS.findall(words), words
    assert "Log out" in words


def test_the_log_in_button_says_log_in_and_the_messages_say_logged_in_and_out(client):
    UserFactory(email="robin@example.com", password="a-long-demo-pass-2026")
    page = client.get(reverse("account_login")).content.decode()
    assert re.search(r"<button[^>]*>\s*Log in\s*</button>", page)

    logged_in = client.post(
        reverse("account_login"),
        {"login": "robin@example.com", "password": "a-long-demo-pass-2026"},
        follow=True,
    )
    logged_out = client.post(reverse("account_logout"), follow=True)

    said = [str(m) for m in messages.get_messages(logged_in.wsgi_request)]
    said += [str(m) for m in messages.get_messages(logged_out.wsgi_request)]
    assert any(m.startswith("Logged in as") for m in said), said
    assert "You have logged out." in said


def test_the_log_in_code_comes_in_the_same_words(client):
    UserFactory(email="robin@example.com")

    client.post(reverse("account_request_login_code"), {"email": "robin@example.com"})

    (message,) = mail.outbox
    assert message.subject == "[First Step] Your log-in code"
