"""Finding someone with the filters people expect, combined and cleared, and a typo."""

import pytest
from playwright.sync_api import expect

from directory import profiles
from directory.filters import time_bit
from directory.models import Payer, Specialist, Specialty
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    # transaction=True empties the tables between tests, data migrations included.
    anxiety, _ = Specialty.objects.get_or_create(slug="anxiety", defaults={"name": "Anxiety"})
    sun_life, _ = Payer.objects.get_or_create(slug="sun-life", defaults={"name": "Sun Life"})
    evening = SpecialistFactory(
        name="Evening Person",
        fee_per_session=140,
        sliding_scale_from=90,
        gender=Specialist.Gender.WOMAN,
        free_times=time_bit(weekday=5, hour=18),
    )
    evening.payers.add(sun_life)
    evening.specialties.add(anxiety)
    morning = SpecialistFactory(
        name="Morning Person", fee_per_session=200, free_times=time_bit(weekday=1, hour=9)
    )
    for specialist in (evening, morning):
        profiles.refresh_derived_fields(specialist)


def test_a_visitor_combines_filters_removes_one_and_clears_them_all(page, people):
    page.goto("/specialists/")
    expect(page.get_by_role("heading", name="2 specialists")).to_be_visible()

    page.get_by_text("More filters").click()
    page.get_by_label("Budget per session, up to").fill("100")
    page.get_by_label("Insurance or payer").select_option(label="Sun Life")
    page.get_by_label("Evenings (from 17:00)").check()
    page.get_by_label("Saturday").check()
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="1 specialist", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Evening Person")).to_be_visible()
    expect(page.get_by_text("140 CAD per session (sliding scale from 90)")).to_be_visible()
    assert "max_fee=100" in page.url and "times=evening" in page.url

    page.get_by_label("Specialist's gender").select_option(label="A man")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No specialist matches all of that yet.")).to_be_visible()

    page.get_by_role("link", name="Remove A man").first.click()
    expect(page.get_by_role("link", name="Evening Person")).to_be_visible()
    page.get_by_role("link", name="Clear all").click()
    expect(page.get_by_role("heading", name="2 specialists")).to_be_visible()


def test_a_typo_offers_the_word_that_was_meant(page, people):
    page.goto("/specialists/?q=anxeity")
    expect(page.get_by_text("No specialist matches all of that yet.")).to_be_visible()

    page.get_by_role("link", name="anxiety").click()

    expect(page.get_by_role("link", name="Evening Person")).to_be_visible()


def test_a_lay_phrase_finds_the_specialty(page, people):
    page.goto("/specialists/")
    page.get_by_label("What would you like help with?").fill("I keep having panic attacks")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("link", name="Evening Person")).to_be_visible()
    expect(page.get_by_role("link", name="Morning Person")).to_have_count(0)
