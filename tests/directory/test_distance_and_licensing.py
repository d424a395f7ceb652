"""Search by distance from a place, and by where a specialist is licensed to practise."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from directory import places, profiles, search
from directory.models import Licensure, Specialist
from tests.directory.test_profiles import profile_data
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(city, region, country, **fields):
    latitude, longitude = places.coordinates(city=city, region=region, country=country)
    return SpecialistFactory(
        name=fields.pop("name", city),
        city=city,
        region=region,
        country=country,
        latitude=latitude,
        longitude=longitude,
        offers_in_person=fields.pop("offers_in_person", True),
        **fields,
    )


def licensed(specialist, *areas):
    Licensure.objects.bulk_create(Licensure(specialist=specialist, area=a) for a in areas)
    return specialist


def find(params):
    parsed = search.parse(params)
    return search.find(parsed, options=search.load_options(), now=timezone.now())


def cards(results):
    return [card.name for card in results.page.object_list]


# Distance


def test_within_a_distance_keeps_in_person_practices_that_close_nearest_first():
    at("Toronto", "Ontario", "Canada")
    at("Mississauga", "Ontario", "Canada")
    at("Hamilton", "Ontario", "Canada")
    at("Toronto", "Ontario", "Canada", name="Online only", offers_in_person=False)
    at("Montréal", "Quebec", "Canada")

    results = find({"near": "Toronto", "within": "50", "sort": "distance"})

    assert cards(results) == ["Toronto", "Mississauga"]
    distances = [card.distance_km for card in results.page.object_list]
    assert distances[0] < 1 and 20 < distances[1] < 30
    assert results.search.place.name == "Toronto, Ontario, Canada"

    wider = find({"near": "Toronto", "within": "100", "sort": "distance"})
    assert cards(wider) == ["Toronto", "Mississauga", "Hamilton"]


def test_a_later_page_nearest_first_reads_its_cards_by_id_with_their_distances(monkeypatch):
    monkeypatch.setattr(search.pages, "PAGE_SIZE", 2)
    monkeypatch.setattr(search.pages, "CACHED_COUNT_ABOVE", 2)  # counted, then paged
    for name in ("A", "B", "C"):
        at("Toronto", "Ontario", "Canada", name=f"Toronto {name}")
    at("Mississauga", "Ontario", "Canada")
    at("Hamilton", "Ontario", "Canada")
    params = {"near": "Toronto", "within": "100", "sort": "distance"}

    first, second = find(params), find({**params, "page": "2"})
    last = find({**params, "page": "3"})

    assert first.count == second.count == last.count == 5
    assert cards(first) == ["Toronto A", "Toronto B"]
    assert cards(second) == ["Toronto C", "Mississauga"]
    assert cards(last) == ["Hamilton"]
    assert 20 < second.page.object_list[1].distance_km < 30


def test_a_place_without_a_distance_means_25_km():
    at("Toronto", "Ontario", "Canada")
    at("Hamilton", "Ontario", "Canada")

    results = find({"near": "Toronto"})

    assert results.search.within == 25
    assert cards(results) == ["Toronto"]


@pytest.mark.parametrize(
    ("within", "used", "notice"),
    [
        ("-5", 25, "whole number of kilometres"),
        ("0", 25, "whole number of kilometres"),
        ("ten", 25, "whole number of kilometres"),
        ("1.5", 25, "whole number of kilometres"),
        ("99999999999999999999", 500, "up to 500 km"),
        ("501", 500, "up to 500 km"),
    ],
)
def test_a_bad_or_huge_distance_is_replaced_with_a_notice(within, used, notice):
    at("Toronto", "Ontario", "Canada")

    results = find({"near": "Toronto", "within": within})

    assert results.search.within == used
    assert any(notice in text for text in results.notices)
    assert cards(results) == ["Toronto"]


def test_an_unknown_place_is_dropped_with_close_names_and_nearest_first_falls_back():
    at("Toronto", "Ontario", "Canada")
    at("Montréal", "Quebec", "Canada")

    results = find({"near": "Torontoo", "sort": "distance"})

    assert results.search.place is None
    assert "Toronto, Ontario, Canada" in results.search.place_suggestions
    assert any("could not find" in text for text in results.notices)
    assert results.search.sort == search.SORT_RELEVANCE
    assert sorted(cards(results)) == ["Montréal", "Toronto"]
    assert "near" not in results.search.filters


def test_nearest_first_without_a_place_says_so():
    parsed = search.parse({"sort": "distance"})

    assert parsed.sort == search.SORT_RELEVANCE
    assert any("say where from" in text for text in parsed.notices)


def test_a_search_by_zip_code_measures_from_it():
    at("New York City", "New York", "United States")
    at("Chicago", "Illinois", "United States")

    results = find({"near": "10001", "within": "10"})

    assert cards(results) == ["New York City"]
    assert results.page.object_list[0].distance_km < 10


def test_the_distance_is_the_great_circle_one_on_every_database():
    toronto = places.coordinates(city="Toronto", region="Ontario", country="Canada")
    ottawa = at("Ottawa", "Ontario", "Canada")

    results = find({"near": "Toronto", "within": "500"})

    assert results.page.object_list[0].pk == ottawa.pk
    expected = places.distance_km(toronto, (ottawa.latitude, ottawa.longitude))
    assert results.page.object_list[0].distance_km == pytest.approx(expected, rel=1e-6)


def test_the_page_shows_the_distance_on_each_card_and_a_removable_filter():
    at("Mississauga", "Ontario", "Canada")

    response = Client().get("/specialists/", {"near": "Toronto", "within": "50"})

    assert response.status_code == 200
    assert "km away" in response.content.decode()
    assert "Within 50 km of Toronto, Ontario, Canada" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"near": "x" * 5000},
        {"near": "Torontoo"},
        {"near": "\x00"},
        {"near": "Toronto", "within": "-1"},
        {"near": "Toronto", "within": "1" * 400},
        {"near": "", "within": "25", "sort": "distance"},
        {"lives_in": "ZZ-99"},
        {"lives_in": "<script>"},
        {"licensed_only": "1"},
    ],
)
def test_bad_input_is_a_page_with_a_notice_never_an_error(params):
    response = Client().get("/specialists/", params)

    assert response.status_code == 200


def test_the_location_is_located_when_the_profile_is_saved(taxonomy):
    owner = UserFactory()
    specialist = profiles.create_profile(
        owner=owner, data=profile_data(taxonomy, offers_in_person=True)
    )
    assert (specialist.latitude, specialist.longitude) == pytest.approx((43.706, -79.399), abs=0.01)

    profiles.update_profile(
        specialist=specialist, data=profile_data(taxonomy, city="Vancouver", region="")
    )
    specialist.refresh_from_db()
    assert specialist.longitude == pytest.approx(-123.12, abs=0.05)

    profiles.update_profile(specialist=specialist, data=profile_data(taxonomy, city="Nowhere"))
    specialist.refresh_from_db()
    assert specialist.latitude is None


# Licensed where the client lives


def test_online_clients_see_those_licensed_where_they_live_first():
    ontario = licensed(SpecialistFactory(name="Ontario"), "CA-ON")
    canada = licensed(SpecialistFactory(name="All Canada"), "CA")
    licensed(SpecialistFactory(name="Quebec"), "CA-QC")
    SpecialistFactory(name="Unstated")

    first = find({"lives_in": "CA-ON", "format": "online"})
    only = find({"lives_in": "CA-ON", "licensed_only": "1"})

    assert set(cards(first)[:2]) == {ontario.name, canada.name}
    assert len(cards(first)) == 4
    assert sorted(cards(only)) == ["All Canada", "Ontario"]


def test_licensed_first_carries_on_across_pages_each_part_in_the_directory_order(
    monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(search.pages, "PAGE_SIZE", 2)
    soon = timezone.now() + timedelta(days=1)
    later = soon + timedelta(days=1)
    licensed(SpecialistFactory(name="Ontario later", next_free_slot_at=later), "CA-ON")
    licensed(SpecialistFactory(name="Ontario soon", next_free_slot_at=soon), "CA-ON")
    licensed(SpecialistFactory(name="Canada", next_free_slot_at=later), "CA")
    SpecialistFactory(name="Elsewhere later", next_free_slot_at=later)
    SpecialistFactory(name="Elsewhere soon", next_free_slot_at=soon)

    pages = [find({"lives_in": "CA-ON", "page": str(n)}) for n in (1, 2, 3, 9)]

    assert [cards(page) for page in pages] == [
        ["Ontario soon", "Ontario later"],
        ["Canada", "Elsewhere soon"],
        ["Elsewhere later"],
        ["Elsewhere later"],  # past the end: the last page
    ]
    assert {page.count for page in pages} == {5}
    # Both parts counted, the page's ids from the end of one and the start of the other,
    # their cards with their specialties, who is promoted today.
    with django_assert_max_num_queries(6):
        find({"lives_in": "CA-ON", "page": "2"})


def test_where_a_specialist_is_licensed_is_kept_by_the_database_on_every_change():
    specialist, other = SpecialistFactory(), SpecialistFactory()

    def licensed_in(profile):
        return Specialist.objects.values_list("licensed_in", flat=True).get(pk=profile.pk)

    assert licensed_in(specialist) == ""
    licensed(specialist, "US-NY", "CA-ON")
    assert licensed_in(specialist) == " CA-ON US-NY "
    Licensure.objects.filter(specialist=specialist, area="US-NY").update(specialist=other)
    assert (licensed_in(specialist), licensed_in(other)) == (" CA-ON ", " US-NY ")
    Licensure.objects.filter(specialist=specialist).delete()
    assert licensed_in(specialist) == ""


def test_a_client_who_names_only_their_country_sees_anyone_licensed_in_it():
    licensed(SpecialistFactory(name="Quebec"), "CA-QC")
    licensed(SpecialistFactory(name="New York"), "US-NY")

    assert cards(find({"lives_in": "ca", "licensed_only": "1"})) == ["Quebec"]


def test_an_unknown_area_is_dropped_with_a_notice():
    SpecialistFactory()

    results = find({"lives_in": "ZZ-99", "licensed_only": "1"})

    assert results.search.lives_in == "" and not results.search.licensed_only
    assert any("where you live" in text for text in results.notices)
    assert results.count == 1


def test_the_specialist_sets_where_they_are_licensed_and_the_profile_says_so(client, taxonomy):
    owner = UserFactory()
    client.force_login(owner)
    from tests.directory.test_profiles import form_post

    post = form_post(taxonomy)
    post["licensed_in"] = ["CA-ON", "US-NY"]
    response = client.post("/profile/", post)
    assert response.status_code == 302
    specialist = Specialist.objects.get(owner=owner)
    assert profiles.licensed_areas(specialist_id=specialist.pk) == ["CA-ON", "US-NY"]

    post["licensed_in"] = ["CA-ON", "NOT-AN-AREA"]
    assert client.post("/profile/", post).status_code == 400

    post["licensed_in"] = ["GB"]
    client.post("/profile/", post)
    assert profiles.licensed_areas(specialist_id=specialist.pk) == ["GB"]

    Specialist.objects.filter(pk=specialist.pk).update(status=Specialist.Status.PUBLISHED)
    page = Client().get(specialist.get_absolute_url()).content.decode()
    assert "Licensed to practise in" in page and "United Kingdom" in page
