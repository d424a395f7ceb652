"""Which articles fit a profile, and in what order: pure functions, no database.

An article fits a profile when the article's own text is about one of the profile's
specialties (content.evidence); the score is the strength of that evidence summed over the
shared specialties, ties going to the newer article. A score depends on the article and the
profile alone, so the lists are the same whatever order articles were published in, and an
incremental update can match a full recompute.
"""

import heapq
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


Group = frozenset[str]


class ArticleIndex:
    """Published articles grouped by the set of specialties they are about.

    Within one group, an article's score for a profile depends only on which of the group's
    specialties the profile has, so each (group, shared specialties) keeps its best few,
    ranked once. A profile's best articles are the best of those short lists: exact, and a
    few dozen comparisons per profile however many articles there are.
    """

    def __init__(self, articles: Sequence[Candidate]) -> None:
        self.articles = {a.pk: a for a in articles}
        self._groups: dict[Group, list[Candidate]] = {}
        self._groups_with: dict[str, list[Group]] = {}
        per_author: dict[int, int] = {}
        for article in articles:
            if article.topics:
                group = frozenset(article.topics)
                if group not in self._groups:
                    for slug in group:
                        self._groups_with.setdefault(slug, []).append(group)
                self._groups.setdefault(group, []).append(article)
            if article.author_id is not None:
                per_author[article.author_id] = per_author.get(article.author_id, 0) + 1
        # A profile skips its own articles, so each short list keeps that many more.
        self.depth = LINKS_PER_PROFILE + max(per_author.values(), default=0)
        self._ranked: dict[tuple[Group, Group], list[tuple[tuple[float, int], int]]] = {}
        # Profiles with the same specialties share one merged list.
        self._merged: dict[Group, list[tuple[tuple[float, int], int]]] = {}

    def __contains__(self, pk: int) -> bool:
        return pk in self.articles

    def candidates(self, profile: Profile) -> list[Candidate]:
        groups = {g for slug in profile.specialties for g in self._groups_with.get(slug, ())}
        return [article for group in groups for article in self._groups[group]]

    def _best_of(self, group: Group, shared: Group) -> list[tuple[tuple[float, int], int]]:
        ranked = self._ranked.get((group, shared))
        if ranked is None:
            ranked = heapq.nsmallest(
                self.depth,
                (((-strength(a, shared), -a.pk), a.pk) for a in self._groups[group]),
            )
            self._ranked[(group, shared)] = ranked
        return ranked

    def top_for(
        self, profile: Profile, *, specialist_id: int, hidden: Collection[int] = ()
    ) -> list[tuple[int, Match]]:
        """The profile's links: at most LINKS_PER_PROFILE, fewer when fewer articles fit."""
        if hidden:  # rare: ranked in full, without the hidden ones
            return best(self.candidates(profile), profile, skip=hidden, author_id=specialist_id)
        ranked = self._merged.get(profile.specialties)
        if ranked is None:
            wanted = profile.specialties
            groups = {g for slug in wanted for g in self._groups_with.get(slug, ())}
            lists = [self._best_of(group, group & wanted) for group in groups]
            ranked = list(itertools.islice(heapq.merge(*lists), self.depth))
            self._merged[wanted] = ranked
        chosen: list[tuple[int, Match]] = []
        for _key, pk in ranked:
            article = self.articles[pk]
            if article.author_id == specialist_id:
                continue
            # Never None: the article shares its group's specialties with the profile.
            if (found := match(article, profile)) is not None:
                chosen.append((pk, found))
            if len(chosen) == LINKS_PER_PROFILE:
                break
        return chosen
