"""Help me choose: from the home page to a specialist who fits, without an account."""

import pytest
from playwright.sync_api import expect

from directory import profiles
from directory.models import Specialty
from tests.browser.conftest import axe_violations, describe_violations
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    # transaction=True empties the tables between tests, data migrations included.
    sleep, _ = Specialty.objects.get_or_create(
        slug="sleep-and-insomnia", defaults={"name": "Sleep and insomnia"}
    )
    ocd, _ = Specialty.objects.get_or_create(slug="ocd", defaults={"name": "OCD"})
    for name, specialty in (("Sleep Person", sleep), ("Other Person", ocd)):
        made = SpecialistFactory(name=name, fee_per_session=120)
        made.specialties.add(specialty)
        profiles.refresh_derived_fields(made)


def test_a_visitor_is_matched_reads_why_opens_a_profile_and_clears_the_answers(page, people):
    page.goto("/")
    page.get_by_role("link", name="Help me choose").click()
    expect(page.get_by_role("heading", name="Help me choose")).to_be_visible()
    assert not axe_violations(page), describe_violations(axe_violations(page))

    page.get_by_label("What is going on for you, in your own words?").fill(
        "I can't sleep since my breakup"
    )
    page.get_by_label("Your budget per session, at most").fill("150")
    page.get_by_label("Evenings (from 17:00)").check()
    page.get_by_role("button", name="Show my matches").click()

    expect(page.get_by_role("heading", name="Specialists who may fit")).to_be_visible()
    expect(page.get_by_text("Works with sleep and insomnia")).to_be_visible()
    expect(page.get_by_text("Fits your budget")).to_be_visible()
    expect(page.get_by_role("link", name="Other Person")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    page.get_by_role("link", name="Sleep Person").click()
    expect(page.get_by_role("heading", name="Sleep Person")).to_be_visible()
    page.go_back()

    page.get_by_role("button", name="Clear my answers").click()
    expect(page.get_by_label("What is going on for you, in your own words?")).to_have_value("")
    page.goto("/help-me-choose/matches/")
    expect(page.get_by_role("heading", name="Help me choose")).to_be_visible()


def test_crisis_words_show_crisis_resources_before_any_match(page, people):
    page.goto("/help-me-choose/")
    page.get_by_label("What is going on for you, in your own words?").fill(
        "I can't sleep and I keep thinking about suicide"
    )
    page.get_by_role("button", name="Show my matches").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("If you need help right now")
    expect(alert).to_contain_text("988")
    expect(page.get_by_role("link", name="Sleep Person")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
