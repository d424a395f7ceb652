"""The crisis page: numbers to tap, the visitor's country first, every country we list."""

import re

import pytest
from django.urls import reverse

from directory import crisis, demo
from directory.models import Specialist
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db


def test_every_country_where_a_listed_specialist_practises_has_an_entry(client):
    """Keeps the page complete: a new country in the demo data, or in the profiles
    listed in a test database, fails here until it has an entry."""
    for _city, _region, country, _zone in demo.PLACES:
        SpecialistFactory(country=country)
    listed = set(Specialist.objects.listed().exclude(country="").values_list("country", flat=True))

    page = client.get(reverse("crisis")).content.decode()

    missing = [name for name in listed if crisis.for_name(name) is None]
    assert missing == []
    for name in listed:
        entry = crisis.for_name(name)
        assert entry is not None and f'id="crisis-{entry.code}"' in page


def test_numbers_are_links_a_phone_can_call_or_text(client):
    page = client.get(reverse("crisis")).content.decode()

    assert 'href="tel:988"' in page and 'href="sms:988"' in page
    assert 'href="tel:116123"' in page
    assert 'href="tel:*4141"' in page
    assert 'href="https://findahelpline.com"' in page
    assert "findahelpline.com lists" not in page  # no longer plain text


def test_the_browser_language_region_comes_first(client):
    page = client.get(reverse("crisis"), headers={"accept-language": "en-GB,en;q=0.8"})

    first = re.search(r'id="crisis-(\w+)"', page.content.decode())
    assert first is not None and first.group(1) == "GB"


def test_without_a_region_the_order_stays_as_written(client):
    page = client.get(reverse("crisis"), headers={"accept-language": "de;q=0.9, x-" + "a" * 300})

    first = re.search(r'id="crisis-(\w+)"', page.content.decode())
    assert page.status_code == 200
    assert first is not None and first.group(1) == crisis.COUNTRIES[0].code


@pytest.mark.parametrize(
    ("written", "code"), [("Canada", "CA"), ("USA", "US"), (" uk ", "GB"), ("Atlantis", None)]
)
def test_a_country_is_found_as_profiles_write_it(written, code):
    entry = crisis.for_name(written)
    assert (entry.code if entry else None) == code
