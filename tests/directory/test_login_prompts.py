import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from directory import access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@access.login_prompt_required(access.SEND_MESSAGES)
def protected(request):
    return HttpResponse("the real page")


def request_for(method: str, user=None):
    from django.contrib.auth.models import AnonymousUser

    request = getattr(RequestFactory(), method)("/specialists/someone/message/?a=1")
    request.user = user or AnonymousUser()
    return request


def test_a_visitor_sees_the_prompt_with_links_that_return_here():
    response = protected(request_for("get"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "You need to be logged in to send messages" in content
    assert "/accounts/login/?next=/specialists/someone/message/%3Fa%3D1" in content
    assert "/accounts/signup/?next=/specialists/someone/message/%3Fa%3D1" in content


def test_a_visitor_cannot_post_behind_the_prompt():
    response = protected(request_for("post"))

    assert response.status_code == 403
    assert b"the real page" not in response.content


def test_a_logged_in_person_reaches_the_page():
    response = protected(request_for("get", user=UserFactory()))

    assert response.content == b"the real page"


def test_the_profile_editor_prompts_visitors_to_log_in(client):
    response = client.get("/profile/")

    assert response.status_code == 200
    assert b"To create your specialist profile, please log in to your account" in response.content


def test_log_in_returns_to_the_page_that_asked_for_it(client):
    user = UserFactory(email="back@example.com")

    response = client.post(
        "/accounts/login/?next=/profile/",
        {"login": user.email, "password": "correct-horse-battery-staple"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/profile/"
