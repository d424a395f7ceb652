import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_for_a_logged_in_person_are_never_stored(client):
    client.force_login(UserFactory())

    response = client.get(reverse("home"))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_for_visitors_may_be_cached(client):
    response = client.get(reverse("home"))

    assert "no-store" not in response.get("Cache-Control", "")


def test_an_invalid_form_post_answers_400_and_keeps_the_form(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    assert response.status_code == 400
    assert b"This field is required." in response.content


def test_a_valid_get_of_a_form_page_stays_200(client):
    assert client.get(reverse("account_login")).status_code == 200
