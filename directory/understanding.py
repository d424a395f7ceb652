"""Reading what people type into search: lay phrases, synonyms and typos.

A query is read with the shared vocabulary (directory.taxonomy): each term it names ("panic
attacks", "can't sleep", "breakup") becomes "a specialist who lists that specialty, or whose
profile says these words". So "panic attacks" finds specialists who list Anxiety though their
texts never say "panic". Around a phrase the other words are optional, used for ranking only:
people describe what is going on in sentences ("I can't sleep at night since my breakup"),
and requiring every word of one would find nobody. A query without phrases requires every
word, as names and places need.

When a search finds nobody, a word that is not in the vocabulary may be a typo: the closest
vocabulary word ("anxeity" -> "anxiety") is offered as "did you mean". PostgreSQL measures
closeness by trigram similarity (pg_trgm); SQLite, used in development, with difflib.
"""

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from directory import taxonomy

WORD = re.compile(r"\w+")
# Shorter words are too often a correct word of their own to be corrected.
MIN_TYPO_LENGTH = 4
TRIGRAM_SIMILARITY = 0.3  # pg_trgm's own default; a swapped pair of letters scores 0.33
MAX_PHRASES = 8
DIFFLIB_CUTOFF = 0.75


@dataclass(frozen=True)
class Phrase:
    """A vocabulary term found in a query: the specialty or approach it names, and the
    words it was written with (lightly stemmed, for matching the profile's own texts)."""

    kind: str  # "specialty" or "approach"
    slug: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """A query as search uses it: phrases that name the vocabulary, and the other words."""

    phrases: tuple[Phrase, ...]
    words: tuple[str, ...]


def read(q: str, terms: Sequence[str]) -> Reading:
    """Split a query into vocabulary phrases and its other words (from `terms`, the query's
    words as search counts them). Pure."""
    mentions = taxonomy.mentions(list(taxonomy.words(q)))
    phrases = tuple(dict.fromkeys(Phrase(m.kind, m.slug, tuple(m.term.split())) for m in mentions))
    named = {word for phrase in phrases for word in phrase.words}
    rest = []
    for term in terms:
        stemmed = set(taxonomy.words(term))
        # Stopwords and the letters left of "can't" say nothing; a phrase's words are its own.
        if len(term) > 1 and stemmed and not stemmed <= named:
            rest.append(term)
    return Reading(phrases=phrases[:MAX_PHRASES], words=tuple(rest))


@functools.cache
def known_words() -> tuple[str, ...]:
    """Every single word of the vocabulary and of the lists' names, lower case."""
    found: set[str] = set()
    for concept in (*taxonomy.SPECIALTY_CONCEPTS, *taxonomy.APPROACH_CONCEPTS):
        for text in (concept.name, *concept.terms, *concept.signals):
            found.update(word for word in WORD.findall(text.lower()) if len(word) > 2)
    return tuple(sorted(found))


def _unknown(terms: Sequence[str]) -> list[str]:
    known = set(known_words())
    return list(
        dict.fromkeys(
            term.lower()
            for term in terms
            if len(term) >= MIN_TYPO_LENGTH and term.isalpha() and term.lower() not in known
        )
    )


def closest_words(terms: Sequence[str]) -> dict[str, str]:
    """For each word of `terms` that is not in the vocabulary, the closest one that is
    (if any is close enough). One query on PostgreSQL, none on SQLite."""
    unknown = _unknown(terms)
    if not unknown:
        return {}
    if connection.vendor != "postgresql":
        closest = {}
        for word in unknown:
            matches = difflib.get_close_matches(word, known_words(), n=1, cutoff=DIFFLIB_CUTOFF)
            if matches:
                closest[word] = matches[0]
        return closest
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ON (typed) typed, known
            FROM unnest(%s::text[]) AS typed CROSS JOIN unnest(%s::text[]) AS known
            WHERE similarity(typed, known) >= %s
            ORDER BY typed, similarity(typed, known) DESC, known
            """,
            [unknown, list(known_words()), TRIGRAM_SIMILARITY],
        )
        return dict(cursor.fetchall())


def did_you_mean(q: str, terms: Sequence[str]) -> str:
    """`q` with its likely typos corrected, or "" when there is nothing to correct."""
    closest = closest_words(terms)
    if not closest:
        return ""
    return WORD.sub(lambda match: closest.get(match.group().lower(), match.group()), q)
