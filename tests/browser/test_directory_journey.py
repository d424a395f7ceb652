import re

import pytest
from playwright.sync_api import expect

from directory.models import Language, Specialist, Specialty, User
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lists():
    # transaction=True empties the tables between tests, data migrations included.
    Specialty.objects.get_or_create(slug="grief", defaults={"name": "Grief"})
    Specialty.objects.get_or_create(slug="anxiety", defaults={"name": "Anxiety"})
    Language.objects.get_or_create(slug="french", defaults={"name": "French"})
    Language.objects.get_or_create(slug="english", defaults={"name": "English"})


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_a_specialist_creates_a_profile_an_admin_approves_it_and_a_client_finds_it(page, lists):
    UserFactory(email="camille@example.com", role=User.Role.SPECIALIST)
    UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    # Someone else who matches only one of the two filters.
    other = SpecialistFactory(name="Only Grief")
    other.specialties.set(Specialty.objects.filter(slug="grief"))

    log_in(page, email="camille@example.com", password=PASSWORD)
    page.goto("/profile/")
    page.get_by_label("Full name").fill("Camille Dubois")
    page.get_by_label("Professional titles").fill("Registered Psychotherapist")
    page.get_by_label("Grief").check()
    page.get_by_label("French").check()
    page.get_by_label("Biography (Markdown)").fill("I walk with people through **grief**.")
    page.get_by_role("button", name="Create my profile").click()
    expect(page.get_by_text("Your profile is saved as a draft")).to_be_visible()

    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_text("It is not public yet")).to_be_visible()
    expect(page.get_by_role("heading", name="Camille Dubois")).to_be_visible()
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("waiting for review")).to_be_visible()
    log_out(page)

    log_in(page, email="admin@example.com", password=PASSWORD)
    page.goto("/admin/directory/specialist/?review=queue")
    row = page.get_by_role("row").filter(has_text="Camille Dubois")
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("approve_profiles")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Published 1 profile(s).")).to_be_visible()
    page.goto("/")
    log_out(page)

    page.goto("/specialists/")
    page.get_by_label("Specialty").select_option("grief")
    page.get_by_label("Language").select_option("french")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="1 specialist")).to_be_visible()
    expect(page).to_have_url(re.compile(r"specialty=grief.*language=french"))
    page.get_by_role("link", name="Camille Dubois").click()
    expect(page.get_by_role("heading", name="Camille Dubois", level=1)).to_be_visible()
    assert Specialist.objects.get(name="Camille Dubois").status == Specialist.Status.PUBLISHED
