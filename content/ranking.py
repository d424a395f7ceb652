"""Which articles fit a profile, and in what order: pure functions, no database.

An article fits a profile when the article's own text is about one of the profile's
specialties (content.evidence); the score is the strength of that evidence summed over the
shared specialties, plus a little for each approach of the profile that the article names.
A score depends on the article and the profile alone, so the lists are the same whatever
order articles were published in, and an incremental update can match a full recompute.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

LINKS_PER_PROFILE = 3
APPROACH_BONUS = 0.05
WORDS_SHOWN = 8


@dataclass(frozen=True)
class Profile:
    specialties: frozenset[str]
    approaches: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    """A published article as linking sees it: its stored evidence."""

    pk: int
    author_id: int | None
    topics: Mapping[str, tuple[float, tuple[str, ...]]]
    approaches: frozenset[str]

    @classmethod
    def from_evidence(cls, *, pk: int, author_id: int | None, evidence: Mapping) -> "Candidate":
        topics = {
            slug: (float(strength), tuple(words))
            for slug, (strength, words) in (evidence.get("topics") or {}).items()
        }
        return cls(pk, author_id, topics, frozenset(evidence.get("approaches") or ()))


@dataclass(frozen=True)
class Match:
    score: float
    topics: tuple[str, ...]  # the specialties profile and article share, by slug
    words: tuple[str, ...]  # the article's words that show it

    def key(self, pk: int) -> tuple[float, int]:
        """Sort key: higher score first, then the older article (lower pk)."""
        return (-self.score, pk)


def match(article: Candidate, profile: Profile) -> Match | None:
    """The article's fit for the profile, or None when they share no evidenced specialty."""
    shared = sorted(profile.specialties & article.topics.keys())
    if not shared:
        return None
    strength = sum(article.topics[slug][0] for slug in shared)
    bonus = APPROACH_BONUS * len(profile.approaches & article.approaches)
    words = tuple(dict.fromkeys(w for slug in shared for w in article.topics[slug][1]))
    return Match(round(strength + bonus, 6), tuple(shared), words[:WORDS_SHOWN])


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


class ArticleIndex:
    """Published articles grouped by evidenced specialty, with one ranking per distinct
    profile (its specialties and approaches): profiles that share them share the work."""

    def __init__(self, articles: Sequence[Candidate]) -> None:
        self.articles = {a.pk: a for a in articles}
        self.by_topic: dict[str, list[Candidate]] = {}
        per_author: dict[int, int] = {}
        for article in articles:
            for slug in article.topics:
                self.by_topic.setdefault(slug, []).append(article)
            if article.author_id is not None:
                per_author[article.author_id] = per_author.get(article.author_id, 0) + 1
        # A profile skips its own articles, so each ranking keeps that many more.
        self.depth = LINKS_PER_PROFILE + max(per_author.values(), default=0)
        self._rankings: dict[Profile, list[tuple[int, Match]]] = {}

    def __contains__(self, pk: int) -> bool:
        return pk in self.articles

    def candidates(self, profile: Profile) -> list[Candidate]:
        seen: dict[int, Candidate] = {}
        for slug in profile.specialties:
            for article in self.by_topic.get(slug, ()):
                seen[article.pk] = article
        return list(seen.values())

    def top_for(
        self, profile: Profile, *, specialist_id: int, hidden: Collection[int] = ()
    ) -> list[tuple[int, Match]]:
        """The profile's links: at most LINKS_PER_PROFILE, fewer when fewer articles fit."""
        if hidden:  # rare: a ranking of its own
            return best(self.candidates(profile), profile, skip=hidden, author_id=specialist_id)
        ranking = self._rankings.get(profile)
        if ranking is None:
            ranking = best(self.candidates(profile), profile, limit=self.depth)
            self._rankings[profile] = ranking
        own = {pk for pk, _m in ranking if self.articles[pk].author_id == specialist_id}
        return [(pk, found) for pk, found in ranking if pk not in own][:LINKS_PER_PROFILE]
