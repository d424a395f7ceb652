from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from directory import filters, search
from directory.models import AgeGroup, Community, Payer, Specialist
from tests.directory.test_profiles import form_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVENING_SATURDAY = filters.time_bit(weekday=5, hour=18)
MORNING_MONDAY = filters.time_bit(weekday=0, hour=9)


def find(params):
    parsed = search.parse(params)
    return search.find(parsed, options=search.load_options(), now=timezone.now())


def names(results):
    return sorted(card.name for card in results.page.object_list)


# The pure parse


def test_every_filter_is_read_from_the_url_and_written_back():
    params = QueryDict(
        "max_fee=120&currency=usd&payer=aetna&gender=woman&age_group=teens"
        "&community=students&accepting=1&days=sat&days=sun&times=evening"
    )

    parsed = search.parse(params)

    assert parsed.more == filters.Filters(
        max_fee=120,
        currency="USD",
        payer="aetna",
        gender="woman",
        age_group="teens",
        community="students",
        accepting=True,
        days=("sat", "sun"),
        times=("evening",),
    )
    assert parsed.notices == ()
    assert search.parse(QueryDict(parsed.querystring())) == parsed
    assert "days=sat%2Csun" in parsed.querystring()


def test_a_budget_without_a_currency_is_in_the_default_one_and_a_currency_alone_is_nothing():
    assert search.parse({"max_fee": "90"}).more.currency == filters.DEFAULT_CURRENCY
    assert search.parse({"currency": "EUR"}).more == filters.Filters()


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"max_fee": "cheap"}, "A budget must be a whole number, such as 120."),
        ({"max_fee": "-5"}, "A budget must be a whole number, such as 120."),
        ({"max_fee": "90", "currency": "XYZ"}, "We did not recognise that currency."),
        ({"gender": "robot"}, "We did not recognise that gender."),
        ({"payer": "<script>"}, "We did not recognise that insurance or payer."),
        ({"days": "mon,someday"}, "We did not recognise one of those days."),
        ({"times": "midnight"}, "We did not recognise one of those times of day."),
    ],
)
def test_malformed_filters_are_dropped_with_a_notice(params, notice):
    parsed = search.parse(params)

    assert notice in parsed.notices
    assert find(params).count == 0  # nobody listed; and no error


def test_a_huge_budget_is_capped():
    assert search.parse({"max_fee": "999999999"}).more.max_fee == filters.MAX_FEE


def test_the_time_mask_covers_the_chosen_days_and_parts_of_the_day():
    assert filters.times_mask(days=("sat",), parts=("evening",)) == EVENING_SATURDAY
    assert filters.times_mask(days=("mon",), parts=()) & MORNING_MONDAY
    assert not filters.times_mask(days=("sun",), parts=()) & MORNING_MONDAY
    assert filters.times_mask(days=(), parts=()) == (1 << 21) - 1


# Finding


def test_a_budget_fits_the_fee_or_the_bottom_of_a_sliding_scale_in_its_currency(
    make_specialist,
):
    make_specialist(name="Fits", fee_per_session=100, fee_currency="CAD")
    make_specialist(name="Sliding", fee_per_session=160, sliding_scale_from=90, fee_currency="CAD")
    make_specialist(name="Too dear", fee_per_session=160, fee_currency="CAD")
    make_specialist(name="Other currency", fee_per_session=80, fee_currency="EUR")
    make_specialist(name="No fee given", fee_per_session=None)

    assert names(find({"max_fee": "100", "currency": "CAD"})) == ["Fits", "Sliding"]
    assert names(find({"max_fee": "100", "currency": "EUR"})) == ["Other currency"]


def test_payers_age_groups_and_communities_are_found_like_specialties(make_specialist, taxonomy):
    aetna = Payer.objects.get(slug="aetna")
    teens = AgeGroup.objects.get(slug="teens")
    students = Community.objects.get(slug="students")
    match = make_specialist(name="Match", specialties=[taxonomy["anxiety"]])
    for related, item in ((match.payers, aetna), (match.age_groups, teens)):
        related.add(item)
    match.communities.add(students)
    other = make_specialist(name="Other", specialties=[taxonomy["anxiety"]])
    other.payers.add(aetna)
    for specialist in (match, other):
        refresh(specialist)

    assert names(find({"payer": "aetna"})) == ["Match", "Other"]
    everything = {
        "q": "anxiety",
        "specialty": "anxiety",
        "payer": "aetna",
        "age_group": "teens",
        "community": "students",
    }
    assert names(find(everything)) == ["Match"]
    results = find({"community": "veterans-and-first-responders"})
    assert results.count == 0


def refresh(specialist):
    from directory import profiles

    profiles.refresh_derived_fields(specialist)


def test_an_unlisted_payer_finds_nobody_with_a_notice(make_specialist):
    make_specialist(name="Anyone")

    results = find({"payer": "no-such-insurer"})

    assert results.count == 0
    assert "We do not list that insurance or payer." in results.notices


def test_gender_and_accepting_new_clients_narrow_the_search(make_specialist):
    make_specialist(name="Woman, open", gender=Specialist.Gender.WOMAN)
    make_specialist(name="Woman, full", gender=Specialist.Gender.WOMAN, accepting_new_clients=False)
    make_specialist(name="Unsaid", gender="")

    assert names(find({"gender": "woman"})) == ["Woman, full", "Woman, open"]
    assert names(find({"gender": "woman", "accepting": "1"})) == ["Woman, open"]


def test_days_and_times_find_who_has_free_slots_then(make_specialist):
    make_specialist(name="Saturday evenings", free_times=EVENING_SATURDAY)
    make_specialist(name="Monday mornings", free_times=MORNING_MONDAY)
    make_specialist(name="No slots", free_times=0)

    assert names(find({"times": "evening"})) == ["Saturday evenings"]
    assert names(find({"days": "sat,sun"})) == ["Saturday evenings"]
    assert names(find({"days": "mon", "times": "evening"})) == []
    assert names(find({"days": "mon,sat"})) == ["Monday mornings", "Saturday evenings"]


def test_every_filter_at_once_is_still_two_queries(
    make_specialist, taxonomy, django_assert_num_queries
):
    now = timezone.now()
    match = make_specialist(
        name="Match",
        specialties=[taxonomy["anxiety"]],
        languages=[taxonomy["french"]],
        fee_per_session=120,
        gender=Specialist.Gender.NON_BINARY,
        free_times=EVENING_SATURDAY,
        next_free_slot_at=now + timedelta(days=1),
    )
    match.payers.add(Payer.objects.get(slug="sun-life"))
    match.age_groups.add(AgeGroup.objects.get(slug="adults"))
    match.communities.add(Community.objects.get(slug="lgbtq-plus"))
    refresh(match)
    options = search.load_options()
    parsed = search.parse(
        QueryDict(
            "q=anxiety&specialty=anxiety&language=french&format=online&free_consultation=1"
            "&available_within=7&max_fee=150&currency=CAD&payer=sun-life&gender=non_binary"
            "&age_group=adults&community=lgbtq-plus&accepting=1&days=sat&times=evening"
        )
    )

    # The page with its total and the cards' specialties, then who is promoted today.
    with django_assert_num_queries(2):
        results = search.find(parsed, options=options, now=now)

    assert [card.name for card in results.page.object_list] == ["Match"]


# Pages


def test_the_directory_shows_the_filters_and_removes_each_in_one_click(client, make_specialist):
    make_specialist(name="Open", fee_per_session=100, gender=Specialist.Gender.MAN)

    response = client.get("/specialists/?max_fee=90&currency=CAD&gender=man&times=evening")

    page = response.content.decode()
    assert response.status_code == 200
    assert "No specialist matches all of that yet." in page
    assert "Up to 90 CAD per session" in page
    assert "?gender=man&amp;times=evening" in page  # the budget removed, with its currency
    assert 'href="/specialists/"' in page  # start again with everyone


def test_a_card_and_the_profile_show_the_fee_and_the_new_facts(client, make_specialist):
    specialist = make_specialist(
        name="Facts",
        fee_per_session=140,
        sliding_scale_from=100,
        gender=Specialist.Gender.SELF_DESCRIBED,
        gender_description="Two-spirit",
        accepting_new_clients=False,
    )
    specialist.payers.add(Payer.objects.get(slug="manulife"))

    listing = client.get("/specialists/").content.decode()
    profile = client.get(specialist.get_absolute_url()).content.decode()

    assert "140 CAD per session (sliding scale from 100)" in listing
    assert "Not taking new clients at the moment" in listing
    for text in ("140 CAD per session", "Manulife", "Two-spirit", "Not taking new clients"):
        assert text in profile


def test_a_specialist_sets_fee_payers_gender_and_who_they_serve_on_the_form(client, taxonomy):
    user = UserFactory()
    client.force_login(user)
    post = form_post(
        taxonomy,
        fee_per_session="130",
        fee_currency="GBP",
        sliding_scale_from="80",
        gender="non_binary",
        accepting_new_clients=True,
    )
    post["payers"] = [Payer.objects.get(slug="aetna").pk]
    post["age_groups"] = [AgeGroup.objects.get(slug="couples").pk]
    post["communities"] = [Community.objects.get(slug="students").pk]

    response = client.post("/profile/", post)

    assert response.status_code == 302
    specialist = Specialist.objects.get(owner=user)
    assert (specialist.fee_per_session, specialist.fee_currency) == (130, "GBP")
    assert specialist.sliding_scale_from == 80
    assert specialist.gender == "non_binary"
    assert [p.slug for p in specialist.payers.all()] == ["aetna"]
    assert [a.slug for a in specialist.age_groups.all()] == ["couples"]
    assert [c.slug for c in specialist.communities.all()] == ["students"]


def test_a_sliding_scale_above_the_fee_is_refused_with_the_constraint_message(client, taxonomy):
    client.force_login(UserFactory())

    response = client.post(
        "/profile/", form_post(taxonomy, fee_per_session="100", sliding_scale_from="150")
    )

    assert response.status_code == 400
    assert "A sliding scale starts at or below your fee per session" in response.content.decode()
    assert not Specialist.objects.exists()
