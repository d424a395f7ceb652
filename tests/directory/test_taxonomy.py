import pytest

from directory import taxonomy
from directory.models import Approach, Specialty


@pytest.mark.django_db
def test_every_concept_of_the_vocabulary_is_a_row_with_its_name():
    rows = dict(Specialty.objects.values_list("slug", "name"))
    for concept in taxonomy.SPECIALTY_CONCEPTS:
        assert rows[concept.slug] == concept.name
    approaches = dict(Approach.objects.values_list("slug", "name"))
    for concept in taxonomy.APPROACH_CONCEPTS:
        assert approaches[concept.slug] == concept.name


def test_lay_words_name_the_specialty_people_mean():
    assert taxonomy.specialties_mentioned("I can't sleep") == ["sleep-and-insomnia"]
    assert taxonomy.specialties_mentioned("Panic attacks at work") == ["anxiety"]
    assert taxonomy.specialties_mentioned("after our breakup") == ["relationship-issues"]
    assert taxonomy.specialties_mentioned("my drinking") == ["addictions"]
    assert taxonomy.specialties_mentioned("I feel burned out") == ["work-stress-and-burnout"]
    assert taxonomy.specialties_mentioned("grieving my father") == ["grief"]


def test_a_phrase_counts_once_and_not_again_as_its_first_word():
    found = list(taxonomy.mentions(list(taxonomy.words("panic attacks and post-traumatic stress"))))

    assert [(m.slug, m.term) for m in found] == [
        ("anxiety", "panic attack"),
        ("trauma", "post-traumatic stress"),
    ]


def test_words_are_stemmed_so_plurals_and_verb_forms_match():
    assert list(taxonomy.words("Relationships, partners, sleeping and worries")) == [
        "relationship", "partner", "sleep", "worry",
    ]  # fmt: skip


def test_every_term_keeps_a_word_that_says_something():
    for concept in (*taxonomy.SPECIALTY_CONCEPTS, *taxonomy.APPROACH_CONCEPTS):
        for term in concept.terms:
            assert list(taxonomy.words(term)), term


def test_no_signal_is_also_a_full_term_of_the_same_concept():
    for concept in (*taxonomy.SPECIALTY_CONCEPTS, *taxonomy.APPROACH_CONCEPTS):
        full = {tuple(taxonomy.words(term)) for term in concept.terms}
        signals = {tuple(taxonomy.words(term)) for term in concept.signals}
        assert not full & signals, concept.name
