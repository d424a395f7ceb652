import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from directory.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, *, email="new@example.com", role="client", **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": role,
            "first_name": "Robin",
            **extra,
        },
    )


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_sign_up_sends_a_verification_email_and_the_link_logs_the_person_in(client):
    response = sign_up(client, email="New.Person@Example.com", role="specialist")

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.role == User.Role.SPECIALIST
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    path = urlsplit(confirmation_link(mail.outbox[0])).path

    page = client.get(path)
    assert page.status_code == 200
    confirmed = client.post(path)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("account")).status_code == 200


def test_log_in_is_refused_until_the_email_is_verified(client):
    UserFactory(email="unverified@example.com", verified=False)

    response = client.post(
        reverse("account_login"), {"login": "unverified@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("account")).status_code == 302


def test_a_malformed_email_is_refused_with_a_clear_message(client):
    response = sign_up(client, email="not-an-email")

    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert not User.objects.exists()


def test_signing_up_twice_with_one_address_does_not_reveal_the_account(client):
    UserFactory(email="taken@example.com")

    response = sign_up(client, email="taken@example.com")

    # Enumeration protection: the same "check your e-mail" answer as a new address.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.com").count() == 1


def test_six_wrong_passwords_are_rate_limited_with_a_clear_message(client):
    UserFactory(email="person@example.com")
    answers = [
        client.post(reverse("account_login"), {"login": "person@example.com", "password": "wrong"})
        for _ in range(6)
    ]

    assert [answer.status_code for answer in answers] == [400] * 6
    assert b"email address and/or password you specified are not correct" in answers[0].content
    assert b"Too many failed attempts to log in" in answers[-1].content
    # Even the right password waits until the limit has passed.
    right = client.post(
        reverse("account_login"), {"login": "person@example.com", "password": PASSWORD}
    )
    assert right.status_code == 400


def test_a_tampered_verification_link_is_a_404_with_a_clear_page(client):
    sign_up(client)
    path = urlsplit(confirmation_link(mail.outbox[0])).path
    tampered = path.replace("/confirm-email/", "/confirm-email/x")

    get = client.get(tampered)
    post = client.post(tampered)

    assert get.status_code == 404
    assert post.status_code == 404
    assert b"expired or is invalid" in get.content
    assert not EmailAddress.objects.filter(verified=True).exists()


def test_admin_log_in_goes_through_the_site_log_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_sends_an_email_only_to_known_addresses_without_saying_so(client):
    UserFactory(email="known@example.com")

    known = client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert "/accounts/password/reset/key/" in by_recipient["known@example.com"]
    assert "/accounts/password/reset/key/" not in by_recipient.get("nobody@example.com", "")


class TestDeleteAccount:
    def test_the_owner_deletes_their_account_after_confirming(self, client):
        user = UserFactory()
        client.force_login(user)

        page = client.get(reverse("account_delete"))
        response = client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})

        assert page.status_code == 200
        assert response.status_code == 302
        assert not User.objects.get(pk=user.pk).is_active  # erased: see tests/privacy/
        assert client.get(reverse("account")).status_code == 302

    def test_a_wrong_password_keeps_the_account(self, client):
        user = UserFactory()
        client.force_login(user)

        response = client.post(reverse("account_delete"), {"password": "nope", "confirm": "on"})

        assert response.status_code == 400
        assert b"That password is not right." in response.content
        assert User.objects.filter(pk=user.pk).exists()

    def test_without_the_confirmation_box_nothing_is_deleted(self, client):
        user = UserFactory()
        client.force_login(user)

        response = client.post(reverse("account_delete"), {"password": PASSWORD})

        assert response.status_code == 400
        assert User.objects.filter(pk=user.pk).exists()

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_account_page_links_to_email_password_and_sessions(client):
    client.force_login(UserFactory())

    content = client.get(reverse("account")).content.decode()

    for name in ("account_email", "account_change_password", "usersessions_list", "account_delete"):
        assert reverse(name) in content
