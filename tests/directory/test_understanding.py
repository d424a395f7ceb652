import pytest
from django.utils import timezone

from directory import search, understanding
from directory.models import Specialty

pytestmark = pytest.mark.django_db


def find(**params):
    parsed = search.parse(params)
    return search.find(parsed, options=search.load_options(), now=timezone.now())


def names(results):
    return sorted(card.name for card in results.page.object_list)


def read(q):
    return understanding.read(q, search.parse({"q": q}).terms)


# Reading a query


def test_a_lay_phrase_names_its_specialty_and_leaves_no_word_to_require():
    reading = read("panic attacks")

    assert [(p.kind, p.slug) for p in reading.phrases] == [("specialty", "anxiety")]
    assert reading.phrases[0].words == ("panic", "attack")
    assert reading.words == ()


def test_words_outside_the_vocabulary_are_still_required():
    reading = read("Leanne can't sleep")

    assert [p.slug for p in reading.phrases] == ["sleep-and-insomnia"]
    assert reading.words == ("Leanne",)


def test_a_query_without_vocabulary_is_read_word_by_word():
    assert read("Sawchuk Toronto") == understanding.Reading(
        phrases=(), words=("Sawchuk", "Toronto")
    )


# Finding people by what they say


@pytest.fixture
def people(make_specialist):
    def listing(slug, name, bio="Warm, practical support."):
        return make_specialist(name=name, bio=bio, specialties=[Specialty.objects.get(slug=slug)])

    return {
        "anxiety": listing("anxiety", "Lists anxiety"),
        "sleep": listing("sleep-and-insomnia", "Lists sleep"),
        "relationships": listing("relationship-issues", "Lists relationships"),
        "grief": listing("grief", "Says panic in the bio", bio="Help with panic attacks too."),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("panic attacks", ["Lists anxiety", "Says panic in the bio"]),
        ("can't sleep", ["Lists sleep"]),
        ("I can't sleep at night", ["Lists sleep"]),
        ("breakup", ["Lists relationships"]),
        ("anxious", ["Lists anxiety"]),
    ],
)
def test_lay_phrases_and_synonyms_find_the_specialists_who_list_them(people, q, expected):
    assert names(find(q=q)) == expected


def test_the_words_around_a_phrase_do_not_have_to_be_in_the_profile(people):
    assert names(find(q="since my breakup I feel lost")) == ["Lists relationships"]


def test_without_a_phrase_every_word_is_required(people):
    assert names(find(q="Lists Zanzibar")) == []


# Typos


def test_a_typo_that_finds_nobody_gets_a_did_you_mean(people):
    results = find(q="anxeity")

    assert results.count == 0
    assert results.suggestion == "anxiety"
    assert names(find(q=results.suggestion)) == ["Lists anxiety"]


def test_a_search_that_finds_someone_offers_no_correction(people):
    assert find(q="anxiety").suggestion == ""


def test_short_and_unrelated_words_are_not_corrected(people):
    assert find(q="qwertyuiop").suggestion == ""
    assert understanding.closest_words(["grif", "xyz"]) == {"grif": "grief"}


def test_the_correction_keeps_the_rest_of_the_query(people):
    assert find(q="Toronto depresion").suggestion == "Toronto depression"


def test_a_did_you_mean_costs_one_query_at_most(people, django_assert_max_num_queries):
    options = search.load_options()
    parsed = search.parse({"q": "anxeity"})

    # The page with its total, the featured cards, the correction (SQLite: none).
    with django_assert_max_num_queries(3):
        results = search.find(parsed, options=options, now=timezone.now())

    assert results.suggestion == "anxiety"


def test_the_page_offers_the_correction_as_a_link(client, people):
    page = client.get("/specialists/?q=anxeity&language=english").content.decode()

    assert 'Did you mean <a href="?q=anxiety&amp;language=english">anxiety</a>?' in page
