import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_spoofed_x_forwarded_for_does_not_dodge_the_log_in_limit(client):
    UserFactory(email="target@example.com")
    answers = [
        client.post(
            reverse("account_login"),
            {"login": "target@example.com", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
        for attempt in range(11)
    ]

    assert b"Too many failed login attempts" in answers[-1].content
    right = client.post(
        reverse("account_login"),
        {"login": "target@example.com", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert right.status_code == 400


def test_the_limit_is_per_address_so_another_account_is_not_locked_by_it(client):
    UserFactory(email="target@example.com")
    UserFactory(email="other@example.com")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.com", "password": "wrong"})

    other = client.post(
        reverse("account_login"), {"login": "other@example.com", "password": PASSWORD}
    )

    assert other.status_code == 302
