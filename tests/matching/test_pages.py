import re

import pytest

from directory import profiles
from directory.models import Specialty
from matching import answers
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sleep_specialist():
    made = SpecialistFactory(name="Sleep Person")
    made.specialties.set(Specialty.objects.filter(slug="sleep-and-insomnia"))
    profiles.refresh_derived_fields(made)
    return made


def test_the_home_page_leads_to_the_questionnaire(client):
    page = client.get("/").content.decode()

    assert 'href="/help-me-choose/"' in page


def test_a_visitor_answers_and_sees_ranked_matches_with_why(client, sleep_specialist):
    response = client.post(
        "/help-me-choose/", {"about": "I can't sleep", "format": "", "currency": "CAD"}
    )

    assert response.status_code == 302
    assert response.url == "/help-me-choose/matches/"
    page = client.get(response.url).content.decode()
    assert "Sleep Person" in page
    assert "Why this match:" in page
    assert "Works with sleep and insomnia" in page
    assert "If you need help right now" not in page


def test_answers_stay_in_the_form_when_the_person_comes_back(client):
    client.post("/help-me-choose/", {"about": "grief", "times": ["evening"], "currency": "CAD"})

    page = client.get("/help-me-choose/").content.decode()

    assert "grief</textarea>" in page
    assert re.search(r'value="evening"[^>]*checked', page)
    assert "Clear my answers" in page


def test_the_first_question_is_needed_and_bad_input_is_a_400(client):
    response = client.post("/help-me-choose/", {"about": "", "max_fee": "lots"})

    assert response.status_code == 400
    assert answers.SESSION_KEY not in client.session


def test_crisis_words_bring_crisis_resources_first(client, sleep_specialist):
    client.post("/help-me-choose/", {"about": "I can't sleep and I want to die", "currency": "CAD"})

    page = client.get("/help-me-choose/matches/").content.decode()

    assert page.index("If you need help right now") < page.index("Specialists who may fit")
    assert "988" in page


def test_one_click_clears_the_answers(client, sleep_specialist):
    client.post("/help-me-choose/", {"about": "I can't sleep", "currency": "CAD"})

    response = client.post("/help-me-choose/clear/")

    assert response.status_code == 302
    assert answers.SESSION_KEY not in client.session
    assert client.get("/help-me-choose/matches/").url == "/help-me-choose/"


def test_matches_without_answers_lead_to_the_questions(client):
    response = client.get("/help-me-choose/matches/")

    assert response.status_code == 302
    assert response.url == "/help-me-choose/"


def test_clearing_needs_a_post(client):
    assert client.get("/help-me-choose/clear/").status_code == 405


def test_a_logged_in_client_uses_it_the_same_way(client, sleep_specialist):
    client.force_login(UserFactory())

    client.post("/help-me-choose/", {"about": "insomnia", "currency": "CAD"})

    assert "Sleep Person" in client.get("/help-me-choose/matches/").content.decode()
