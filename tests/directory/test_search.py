from datetime import timedelta

import pytest
from django.utils import timezone

from directory import search
from directory.models import Specialist

pytestmark = pytest.mark.django_db


def find(**params):
    parsed = search.parse(params)
    return search.find(parsed, options=search.load_options(), now=timezone.now())


def names(results):
    return [card.name for card in results.page.object_list]


# The pure parse


def test_an_empty_query_string_is_the_whole_directory():
    parsed = search.parse({})

    assert parsed == search.Search()
    assert not parsed.is_narrowed
    assert parsed.notices == ()


def test_parses_every_part_of_a_search():
    parsed = search.parse(
        {
            "q": "  art   therapy ",
            "specialty": "Anxiety",
            "approach": "cbt",
            "language": "french",
            "format": "in_person",
            "location": "Toronto",
            "free_consultation": "1",
            "available_within": "7",
            "sort": "soonest",
            "page": "3",
        }
    )

    assert parsed == search.Search(
        q="art therapy",
        specialty="anxiety",
        approach="cbt",
        language="french",
        format="in_person",
        location="Toronto",
        free_consultation=True,
        available_within=7,
        sort="soonest",
        page=3,
    )


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9" * 40, "١٢", ""])
def test_a_page_that_is_not_a_positive_number_is_the_first(page):
    assert search.parse({"page": page}).page == 1


def test_a_very_long_query_is_cut_to_its_first_words_with_a_notice():
    parsed = search.parse({"q": "anxiety " * 2000})

    assert len(parsed.q) <= search.MAX_QUERY_LENGTH
    assert parsed.q.startswith("anxiety anxiety")
    assert parsed.notices


def test_a_very_long_single_word_is_cut_too():
    parsed = search.parse({"q": "x" * 10_000})

    assert parsed.q == "x" * search.MAX_QUERY_LENGTH


def test_malformed_filters_are_dropped_with_a_notice():
    parsed = search.parse(
        {"specialty": "<script>", "format": "telepathy", "available_within": "soon", "sort": "x"}
    )

    assert (parsed.specialty, parsed.format, parsed.available_within, parsed.sort) == (
        "",
        "",
        None,
        "relevance",
    )
    assert len(parsed.notices) == 3


def test_availability_is_capped_at_ninety_days():
    assert search.parse({"available_within": "4000"}).available_within == 90


def test_the_querystring_holds_the_whole_search_and_can_drop_one_part():
    parsed = search.parse({"q": "grief", "specialty": "grief", "free_consultation": "1"})

    assert search.parse(dict(pair.split("=") for pair in parsed.querystring().split("&"))) == parsed
    assert parsed.querystring(specialty=None) == "q=grief&free_consultation=1"


def test_the_tsquery_requires_every_word():
    assert search.tsquery_for(["art", "therapy"]) == "'art' & 'therapy'"


# Finding


def test_only_published_profiles_are_found(make_specialist):
    make_specialist(name="Published Person")
    for status in ("draft", "pending", "rejected"):
        make_specialist(name=f"Hidden {status}", status=status, rejection_reason="x")

    assert names(find()) == ["Published Person"]


def test_text_matches_name_titles_specialties_approaches_and_bio(make_specialist, taxonomy):
    make_specialist(name="Ada Lovelace")
    make_specialist(name="B", titles="Art Therapist")
    make_specialist(name="C", specialties=[taxonomy["grief"]])
    make_specialist(name="D", approaches=[taxonomy["cbt"]])
    make_specialist(name="E", bio="I help people through burnout.")

    assert names(find(q="lovelace")) == ["Ada Lovelace"]
    assert names(find(q="art therapist")) == ["B"]
    assert names(find(q="grief")) == ["C"]
    assert names(find(q="CBT")) == ["D"]
    assert names(find(q="burnout")) == ["E"]
    assert names(find(q="nobody matches this")) == []


def test_filters_combine(make_specialist, taxonomy):
    now = timezone.now()
    make_specialist(
        name="Match",
        specialties=[taxonomy["anxiety"]],
        approaches=[taxonomy["cbt"]],
        languages=[taxonomy["french"]],
        offers_online=False,
        offers_in_person=True,
        city="Montréal",
        offers_free_consultation=True,
        next_free_slot_at=now + timedelta(days=2),
    )
    make_specialist(name="Wrong language", specialties=[taxonomy["anxiety"]])
    make_specialist(name="No free consultation", offers_free_consultation=False)
    make_specialist(name="Not soon", next_free_slot_at=now + timedelta(days=20))

    results = find(
        specialty="anxiety",
        approach="cbt",
        language="french",
        format="in_person",
        location="montréal",
        free_consultation="1",
        available_within="7",
    )

    assert names(results) == ["Match"]
    assert names(find(free_consultation="1", available_within="30")) == ["Match", "Not soon"]


def test_an_unknown_specialty_gives_an_empty_result_with_a_notice(make_specialist):
    make_specialist()

    results = find(specialty="astrology")

    assert results.count == 0
    assert any("specialty" in notice for notice in results.notices)


def test_free_consultations_come_first_then_the_soonest_free(make_specialist):
    now = timezone.now()
    make_specialist(name="Paid", offers_free_consultation=False, next_free_slot_at=now)
    make_specialist(name="Free later", next_free_slot_at=now + timedelta(days=3))
    make_specialist(name="Free unknown", next_free_slot_at=None)
    make_specialist(name="Free soon", next_free_slot_at=now + timedelta(hours=3))

    assert names(find()) == ["Free soon", "Free later", "Free unknown", "Paid"]


def test_soonest_availability_puts_unknown_availability_last(make_specialist):
    now = timezone.now()
    make_specialist(name="Unknown", next_free_slot_at=None)
    make_specialist(name="Paid tomorrow", offers_free_consultation=False, next_free_slot_at=now)
    make_specialist(name="In a week", next_free_slot_at=now + timedelta(days=7))

    assert names(find(sort="soonest")) == ["Paid tomorrow", "In a week", "Unknown"]


def test_twenty_per_page_and_a_page_past_the_end_shows_the_last(make_specialist):
    for index in range(45):
        make_specialist(name=f"Person {index:02d}")

    assert len(find().page.object_list) == 20
    last = find(page="99999")
    assert last.page.number == 3
    assert len(last.page.object_list) == 5
    assert last.count == 45


def test_cards_carry_their_specialties(make_specialist, taxonomy):
    make_specialist(specialties=[taxonomy["anxiety"], taxonomy["grief"]])

    card = find().page.object_list[0]

    assert {s.slug for s in card.card_specialties} == {"anxiety", "grief"}


def test_cards_do_not_load_the_biography(make_specialist):
    make_specialist(bio="long text " * 100)

    card = find().page.object_list[0]

    assert "bio" in card.get_deferred_fields()
    assert "search_document" in card.get_deferred_fields()


def test_the_search_vector_follows_profile_changes(make_specialist):
    from directory import profiles

    specialist = make_specialist(name="Before")
    specialist.name = "Afterwards"
    specialist.save()
    profiles.refresh_derived_fields(specialist)

    assert names(find(q="afterwards")) == ["Afterwards"]
    assert Specialist.objects.count() == 1


def test_changing_specialties_changes_what_the_filters_find(make_specialist, taxonomy):
    from directory import profiles

    specialist = make_specialist(name="Moved", specialties=[taxonomy["anxiety"]])
    assert names(find(specialty="grief", q="moved")) == []

    specialist.specialties.set([taxonomy["grief"]])
    profiles.refresh_derived_fields(specialist)

    assert names(find(specialty="grief", q="moved")) == ["Moved"]
    assert names(find(specialty="anxiety")) == []


def test_pages_stop_at_the_limit_with_a_nudge_to_narrow_the_search(make_specialist, monkeypatch):
    monkeypatch.setattr(search.pages, "MAX_PAGES", 2)
    for index in range(45):
        make_specialist(name=f"Person {index:02d}")

    results = find(page="3")

    assert results.page.number == 2
    assert results.count == 45
    assert results.is_truncated
    assert not results.has_next


def test_large_totals_are_kept_for_a_minute_and_small_ones_are_exact(make_specialist, monkeypatch):
    monkeypatch.setattr(search.pages, "CACHED_COUNT_ABOVE", 2)
    for _ in range(3):
        make_specialist(city="Berlin")
    make_specialist(city="Lima")
    assert find(location="berlin").count == 3
    assert find(location="lima").count == 1

    make_specialist(city="Berlin")
    make_specialist(city="Lima")

    assert find(location="berlin").count == 3
    assert find(location="berlin", page="2").count == 3  # the page is not part of the key
    assert find(location="lima").count == 2


# One query for the page and its total


def test_a_search_reads_its_page_and_total_in_one_query(make_specialist, django_assert_num_queries):
    for _ in range(3):
        make_specialist(city="Oslo")
    options = search.load_options()
    parsed = search.parse({"location": "oslo"})

    # The page with its total and the cards' specialties, then who is promoted today.
    with django_assert_num_queries(2):
        results = search.find(parsed, options=options, now=timezone.now())

    assert results.count == 3
    assert len(results.page.object_list) == 3


def test_a_page_past_the_end_is_counted_and_shows_the_last_page(make_specialist):
    for index in range(25):
        make_specialist(name=f"Person {index:02d}", city="Oslo")

    results = find(location="oslo", page="7")

    assert results.count == 25
    assert results.page.number == 2
    assert len(results.page.object_list) == 5


def test_an_empty_search_has_a_total_of_zero_and_one_empty_page(make_specialist):
    make_specialist(city="Oslo")

    results = find(location="lisbon")

    assert results.count == 0
    assert results.page.number == 1
    assert list(results.page.object_list) == []


def test_past_the_rank_limit_matches_follow_the_directory_order(make_specialist, monkeypatch):
    monkeypatch.setattr(search.query, "RANK_LIMIT", 1)
    later = timezone.now() + timedelta(days=5)
    sooner = timezone.now() + timedelta(days=1)
    # "grief" in the name ranks this one first when ranking applies.
    make_specialist(name="Grief Grief", bio="Grief.", next_free_slot_at=later)
    make_specialist(name="Ada Lovel", bio="Grief.", next_free_slot_at=sooner)

    assert names(find(q="grief")) == ["Ada Lovel", "Grief Grief"]


def test_a_broad_search_is_counted_first_and_then_its_count_is_kept(
    make_specialist, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(search.pages, "CACHED_COUNT_ABOVE", 2)
    for _ in range(3):
        make_specialist()
    options = search.load_options()
    parsed = search.parse({"format": "online"})

    # The count, the page with the cards' specialties, who is promoted today; then the
    # count and today's promotions are kept.
    with django_assert_num_queries(3):
        assert search.find(parsed, options=options, now=timezone.now()).count == 3
    with django_assert_num_queries(1):
        assert search.find(parsed, options=options, now=timezone.now()).count == 3
