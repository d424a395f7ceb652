"""Which articles fit a profile, and in what order: pure functions, no database.

An article fits a profile when the article's own text is about one of the profile's
specialties (content.evidence); the score is the strength of that evidence summed over the
shared specialties, ties going to the newer article. A score depends on the article and the
profile alone, so the lists are the same whatever order articles were published in, and an
incremental update can match a full recompute.
"""

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

LINKS_PER_PROFILE = 3
WORDS_SHOWN = 8


@dataclass(frozen=True)
class Profile:
    specialties: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    """A published article as linking sees it: its stored evidence."""

    pk: int
    author_id: int | None
    topics: Mapping[str, tuple[float, tuple[str, ...]]]

    @classmethod
    def from_evidence(cls, *, pk: int, author_id: int | None, evidence: Mapping) -> "Candidate":
        topics = {
            slug: (float(strength), tuple(words))
            for slug, (strength, words) in (evidence.get("topics") or {}).items()
        }
        return cls(pk, author_id, topics)


def strength(article: Candidate, shared: Iterable[str]) -> float:
    """The score of an article for these shared specialties (summed in slug order, so that
    every path computes the same float)."""
    return round(sum(article.topics[slug][0] for slug in sorted(shared)), 6)


@dataclass(frozen=True)
class Match:
    score: float
    topics: tuple[str, ...]  # the specialties profile and article share, by slug
    words: tuple[str, ...]  # the article's words that show it

    def key(self, pk: int) -> tuple[float, int]:
        """Sort key: higher score first, then the newer article (higher pk)."""
        return (-self.score, -pk)


def match(article: Candidate, profile: Profile) -> Match | None:
    """The article's fit for the profile, or None when they share no evidenced specialty."""
    shared = tuple(sorted(profile.specialties & article.topics.keys()))
    if not shared:
        return None
    words = tuple(dict.fromkeys(w for slug in shared for w in article.topics[slug][1]))
    return Match(strength(article, shared), shared, words[:WORDS_SHOWN])


def best(
    candidates: Iterable[Candidate],
    profile: Profile,
    *,
    skip: Collection[int] = (),
    author_id: int | None = None,
    limit: int = LINKS_PER_PROFILE,
) -> list[tuple[int, Match]]:
    """The `limit` best fits among `candidates`, leaving out `skip` and the author's own."""
    scored = []
    for article in candidates:
        if article.pk in skip or (author_id is not None and article.author_id == author_id):
            continue
        if (found := match(article, profile)) is not None:
            scored.append((found.key(article.pk), article.pk, found))
    scored.sort(key=lambda item: item[0])
    return [(pk, found) for _key, pk, found in scored[:limit]]


Topics = frozenset[str]
Ranked = list[tuple[tuple[float, int], int]]  # (sort key, article pk), best first


class ArticleIndex:
    """Published articles ranked once for every set of specialties they can share with a
    profile.

    An article's score for a profile depends only on the specialties they share. For each
    set that articles are about in full or in part, the index ranks the articles about all
    of it by their score for exactly that set. A profile's candidates sharing that set are
    the first of the list whose other specialties are not the profile's (those share a
    larger set and are found under it), and its best articles are the best of these short
    runs: exact, and a few dozen comparisons per profile however many articles there are.
    """

    def __init__(self, articles: Sequence[Candidate]) -> None:
        self.articles = {a.pk: a for a in articles}
        self._about = {a.pk: frozenset(a.topics) for a in articles}
        self._with: dict[Topics, list[Candidate]] = {}
        per_author: dict[int, int] = {}
        for article in articles:
            slugs = sorted(article.topics)
            for size in range(1, len(slugs) + 1):
                for subset in itertools.combinations(slugs, size):
                    self._with.setdefault(frozenset(subset), []).append(article)
            if article.author_id is not None:
                per_author[article.author_id] = per_author.get(article.author_id, 0) + 1
        self._largest = max((len(about) for about in self._about.values()), default=0)
        # A profile skips its own articles, so each run keeps that many more.
        self.depth = LINKS_PER_PROFILE + max(per_author.values(), default=0)
        self._ranked: dict[Topics, Ranked] = {}
        # Profiles with the same specialties share one list.
        self._merged: dict[Topics, Ranked] = {}

    def __contains__(self, pk: int) -> bool:
        return pk in self.articles

    def candidates(self, profile: Profile) -> list[Candidate]:
        found = {
            a.pk: a for slug in profile.specialties for a in self._with.get(frozenset([slug]), ())
        }
        return list(found.values())

    def _ranked_for(self, shared: Topics) -> Ranked:
        ranked = self._ranked.get(shared)
        if ranked is None:
            ranked = sorted(((-strength(a, shared), -a.pk), a.pk) for a in self._with[shared])
            self._ranked[shared] = ranked
        return ranked

    def _best(self, wanted: Topics) -> Ranked:
        found: Ranked = []
        slugs = sorted(wanted)
        for size in range(1, min(len(slugs), self._largest) + 1):
            for subset in itertools.combinations(slugs, size):
                shared = frozenset(subset)
                if shared not in self._with:
                    continue
                run = (
                    item
                    for item in self._ranked_for(shared)
                    if self._about[item[1]] & wanted == shared
                )
                found.extend(itertools.islice(run, self.depth))
        found.sort()
        return found[: self.depth]

    def top_for(
        self, profile: Profile, *, specialist_id: int, hidden: Collection[int] = ()
    ) -> list[tuple[int, Match]]:
        """The profile's links: at most LINKS_PER_PROFILE, fewer when fewer articles fit."""
        if hidden:  # rare: ranked in full, without the hidden ones
            return best(self.candidates(profile), profile, skip=hidden, author_id=specialist_id)
        ranked = self._merged.get(profile.specialties)
        if ranked is None:
            ranked = self._merged[profile.specialties] = self._best(profile.specialties)
        chosen: list[tuple[int, Match]] = []
        for _key, pk in ranked:
            article = self.articles[pk]
            if article.author_id == specialist_id:
                continue
            # Never None: every ranked article shares a specialty with the profile.
            if (found := match(article, profile)) is not None:
                chosen.append((pk, found))
            if len(chosen) == LINKS_PER_PROFILE:
                break
        return chosen
