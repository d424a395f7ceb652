"""The embedded default's search: SQLite's FTS5 index of the profiles' words, kept by triggers."""

import pytest
from django.db import connection
from django.utils import timezone

from directory import profiles, search

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index"),
]


def find(q):
    results = search.find(search.parse({"q": q}), options=search.load_options(), now=timezone.now())
    return [card.name for card in results.page.object_list]


def indexed_rowids():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {search.SQLITE_FTS}")  # noqa: S608 - a constant
        return {row[0] for row in cursor.fetchall()}


def test_words_are_found_through_the_index_whole_stemmed_or_begun(make_specialist):
    make_specialist(name="Ada Lind", bio="I work with couples after an affair.")
    make_specialist(name="Bo Berg", bio="Panic and worry in students.")

    assert search.query._sqlite_full_text()
    assert find("couple") == ["Ada Lind"]
    assert find("affai") == ["Ada Lind"]
    assert find("panic students") == ["Bo Berg"]
    assert find("panic couples") == []


def test_the_index_follows_every_edit_and_deletion(make_specialist):
    specialist = make_specialist(name="Cy Dahl", bio="Grief after losing a parent.")
    assert find("grief") == ["Cy Dahl"]

    specialist.bio = "Burnout at work."
    profiles.refresh_derived_fields(specialist)
    assert find("grief") == []
    assert find("burnout") == ["Cy Dahl"]

    specialist.delete()
    assert specialist.pk not in indexed_rowids()
    assert find("burnout") == []


def test_without_fts5_the_words_are_read_row_by_row(make_specialist, monkeypatch):
    make_specialist(name="Di Eng", bio="Sleep and insomnia.")
    monkeypatch.setattr(search.query, "_sqlite_full_text", lambda: False)

    assert find("insomnia") == ["Di Eng"]


def test_words_that_mean_something_to_fts5_are_only_words(make_specialist):
    make_specialist(name="Ed Falk", bio="Woodworking in the garden.")

    assert find('"woodworking" NEAR(') == []  # quotes and operators are not FTS5 syntax
    assert find('"woodworking" garden') == ["Ed Falk"]
    assert find("woodworking OR zebra") == []
