"""Relevant articles on every profile.

Articles and profiles become weighted term vectors in one space: words of the article
(TF-IDF over title, summary, topics and body) against the words of the profile (its
specialties and approaches, widened with a small curated vocabulary, plus its bio).
A link needs a topical anchor (a shared specialty, approach or one of their words) and a
cosine score above RELEVANCE_THRESHOLD, so an unrelated article is never shown to fill
the list. Scoring is pure Python with no ORM; the functions at the bottom read and
write the database in batches.
"""

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from content.models import Article, ArticleLink, ProfileLinkState
from directory.models import Approach, Specialist, Specialty

LINKS_PER_PROFILE = 5
RELEVANCE_THRESHOLD = 0.15
# Added per shared topic, divided by the article's topic count: a topic the author chose is
# the strongest signal there is.
TOPIC_BONUS = 0.3
ARTICLE_TERMS_KEPT = 80
BATCH_SIZE = 2000

# Words that say which specialty or approach a text is about. Stems, as `stem()` makes them.
SPECIALTY_WORDS: dict[str, tuple[str, ...]] = {
    "anxiety": ("anxiety", "anxious", "worry", "panic", "fear", "nervous"),
    "depression": ("depression", "depress", "hopeless", "sadness", "mood"),
    "trauma": ("trauma", "traumatic", "ptsd", "abuse", "flashback"),
    "addictions": ("addiction", "alcohol", "substance", "drug", "gambl", "relapse", "craving"),
    "eating-disorders": ("eat", "anorexia", "bulimia", "binge", "food"),
    "body-image": ("body", "image", "appearance", "weight"),
    "relationship-issues": (
        "relationship", "partner", "love", "attachment", "intimacy", "connection", "breakup",
        "trust", "dat",
    ),
    "couples": ("couple", "partner", "marriage", "married", "spouse", "romantic", "intimacy"),
    "grief": ("grief", "griev", "loss", "bereavement", "mourn", "death"),
    "stress": ("stress", "burnout", "overwhelm", "pressure", "workload"),
    "self-esteem": ("self-esteem", "self-worth", "confidence", "self-compassion", "worth"),
    "ocd": ("ocd", "obsessive", "compulsive", "compulsion", "intrusive", "ritual"),
    "adhd": ("adhd", "hyperactivity", "impulsiv", "inattentive", "distractib"),
    "lgbtq-plus-issues": ("lgbtq", "gay", "lesbian", "bisexual", "transgender", "queer"),
    "family-conflict": ("family", "parent", "sibl", "child", "conflict"),
}  # fmt: skip
APPROACH_WORDS: dict[str, tuple[str, ...]] = {
    "cbt": ("cbt", "cognitive", "behavioural", "behavioral"),
    "eft": ("eft", "emotionally", "attachment"),
    "psychodynamic": ("psychodynamic", "unconscious"),
    "art-therapy": ("art", "creative", "drawing"),
    "mindfulness-based": ("mindfulness", "mindful", "meditation"),
    "dbt": ("dbt", "dialectical"),
    "act": ("acceptance", "commitment"),
    "emdr": ("emdr",),
    "person-centred": ("person-centred", "empathy"),
    "solution-focused": ("solution-focused",),
    "narrative-therapy": ("narrative",),
    "gottman-method": ("gottman",),
}
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "like",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "us",
        "way",
        "ways",
        "make",
        "made",
        "many",
        "well",
        "thing",
        "things",
        "feel",
        "felt",
        "time",
        "times",
        "first",
        "step",
        "work",
        "help",
        "need",
        "new",
        "use",
        "see",
        "go",
        "come",
        "take",
        "also",
        "however",
        "therefore",
        "instead",
        "rather",
        "something",
        "someone",
        "anyone",
        "people",
        "person",
        "really",
        "still",
        "yet",
        "back",
        "often",
        "always",
        "never",
        "sometimes",
        "usually",
        "without",
        "around",
        "across",
        "day",
        "days",
    ]
)
_TOKEN = re.compile(r"[a-z][a-z'+-]*[a-z+]|[a-z]")


def stem(word: str) -> str:
    """A light, predictable suffix stripper (relationships -> relationship, dating -> dat)."""
    word = word.removesuffix("'s").strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> Iterator[str]:
    for match in _TOKEN.finditer(text.lower().replace("\u2019", "'")):
        word = match.group()
        if word not in STOPWORDS and len(word) > 2:
            word = stem(word)
            if word not in STOPWORDS and len(word) > 2:
                yield word


def topic_term(slug: str) -> str:
    return f"@{slug}"


def article_terms(
    *, title: str, summary: str, body: str, topic_slugs: Iterable[str]
) -> dict[str, float]:
    """Field-weighted, log-scaled term frequencies of an article (stored; IDF comes later)."""
    counts: Counter[str] = Counter()
    for weight, text in ((3, title), (2, summary), (1, body)):
        for word in tokens(text):
            counts[word] += weight
    terms = {word: 1 + math.log(count) for word, count in counts.items()}
    kept = dict(heapq.nlargest(ARTICLE_TERMS_KEPT, terms.items(), key=lambda item: item[1]))
    for slug in topic_slugs:
        kept[topic_term(slug)] = 4.0
    return {word: round(weight, 4) for word, weight in kept.items()}


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


@dataclass(frozen=True)
class ProfileVector:
    terms: dict[str, float]
    anchors: frozenset[str]  # the terms that can make an article relevant at all


def profile_vector(
    *, specialty_slugs: Iterable[str], approach_slugs: Iterable[str], bio: str
) -> ProfileVector:
    """A profile's terms: its specialties weigh most, then approaches, then its bio."""
    terms: dict[str, float] = {}
    for slug in specialty_slugs:
        terms[topic_term(slug)] = 2.0
        for word in SPECIALTY_WORDS.get(slug, ()):
            terms[word] = max(terms.get(word, 0.0), 1.0)
    for slug in approach_slugs:
        terms[topic_term(slug)] = 1.0
        for word in APPROACH_WORDS.get(slug, ()):
            terms[word] = max(terms.get(word, 0.0), 0.6)
    anchors = frozenset(terms)
    for word, count in Counter(tokens(bio)).items():
        if word not in terms:
            terms[word] = 0.3 * (1 + math.log(count))
    return ProfileVector(terms=_unit(terms), anchors=anchors)


def _topic_count(article: dict[str, float]) -> int:
    return sum(1 for term in article if term.startswith("@"))


def score(article: dict[str, float], profile: ProfileVector) -> float:
    """Cosine similarity plus the topic bonus; zero without a shared anchor term."""
    if not any(term in article for term in profile.anchors):
        return 0.0
    cosine = sum(w * article[t] for t, w in profile.terms.items() if t in article)
    shared = sum(1 for t in profile.anchors if t.startswith("@") and t in article)
    return cosine + (TOPIC_BONUS * shared / _topic_count(article) if shared else 0.0)


@dataclass(frozen=True)
class IndexedArticle:
    pk: int
    author_id: int | None
    vector: dict[str, float]
    topic_count: int


class ArticleIndex:
    """Published articles as unit TF-IDF vectors and an inverted index over their terms."""

    def __init__(self, articles: Sequence[tuple[int, int | None, dict[str, float]]]) -> None:
        total = len(articles)
        document_frequency: Counter[str] = Counter()
        for _pk, _author, raw in articles:
            document_frequency.update(raw.keys())
        idf = {t: math.log((1 + total) / (1 + df)) + 1 for t, df in document_frequency.items()}
        self.articles: dict[int, IndexedArticle] = {}
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for pk, author_id, raw in articles:
            vector = _unit({t: w * idf[t] for t, w in raw.items()})
            self.articles[pk] = IndexedArticle(pk, author_id, vector, _topic_count(vector))
            for term, weight in vector.items():
                self.postings.setdefault(term, []).append((pk, weight))
        self._memo: dict[tuple, list[tuple[int, float]]] = {}

    def vector(self, article_pk: int) -> dict[str, float]:
        return self.articles[article_pk].vector

    def ranked(self, profile: ProfileVector) -> list[tuple[int, float]]:
        """Every article with a shared anchor and a score above the threshold, best first."""
        relevant = {t: w for t, w in profile.terms.items() if t in self.postings}
        key = (tuple(sorted(relevant.items())), frozenset(profile.anchors & relevant.keys()))
        if (cached := self._memo.get(key)) is not None:
            return cached
        scores: dict[int, float] = {}
        for term in profile.anchors & relevant.keys():
            weight = relevant[term]
            is_topic = term.startswith("@")
            for pk, article_weight in self.postings[term]:
                bonus = TOPIC_BONUS / self.articles[pk].topic_count if is_topic else 0.0
                scores[pk] = scores.get(pk, 0.0) + weight * article_weight + bonus
        if scores:
            for term, weight in relevant.items():
                if term in profile.anchors:
                    continue
                for pk, article_weight in self.postings[term]:
                    if pk in scores:
                        scores[pk] += weight * article_weight
        ranked = sorted(
            ((pk, s) for pk, s in scores.items() if s >= RELEVANCE_THRESHOLD),
            key=lambda item: (-item[1], item[0]),
        )
        if len(self._memo) > 50_000:
            self._memo.clear()
        self._memo[key] = ranked
        return ranked

    def top_for(
        self, profile: ProfileVector, *, specialist_id: int, limit: int = LINKS_PER_PROFILE
    ) -> list[tuple[int, float]]:
        """The best articles by other specialists for one profile."""
        chosen = []
        for pk, article_score in self.ranked(profile):
            if self.articles[pk].author_id != specialist_id:
                chosen.append((pk, round(article_score, 6)))
                if len(chosen) == limit:
                    break
        return chosen


def suggest_topics(*, title: str, body: str, limit: int = 3) -> list[str]:
    """Specialty slugs a text is clearly about (used when importing untagged articles)."""
    counts = Counter(tokens(title + " " + title + " " + body))
    totals = {slug: sum(counts[w] for w in words) for slug, words in SPECIALTY_WORDS.items()}
    best = max(totals.values(), default=0)
    if best < 5:
        return []
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [slug for slug, total in ranked[:limit] if total >= max(5, best * 0.3)]


# Database side --------------------------------------------------------------------------


def build_index() -> ArticleIndex:
    rows = Article.objects.published().values_list("pk", "author_id", "terms")
    return ArticleIndex([(pk, author_id, terms or {}) for pk, author_id, terms in rows])


def _profile_vectors(specialist_ids: Sequence[int]) -> dict[int, ProfileVector]:
    """Vectors of listed profiles, three queries for the whole batch."""
    specialty_slugs = dict(Specialty.objects.values_list("pk", "slug"))
    approach_slugs = dict(Approach.objects.values_list("pk", "slug"))
    specialties: dict[int, list[str]] = {}
    for sid, tid in Specialist.specialties.through.objects.filter(
        specialist_id__in=specialist_ids
    ).values_list("specialist_id", "specialty_id"):
        specialties.setdefault(sid, []).append(specialty_slugs[tid])
    approaches: dict[int, list[str]] = {}
    for sid, tid in Specialist.approaches.through.objects.filter(
        specialist_id__in=specialist_ids
    ).values_list("specialist_id", "approach_id"):
        approaches.setdefault(sid, []).append(approach_slugs[tid])
    vectors = {}
    for pk, bio in (
        Specialist.objects.listed().filter(pk__in=specialist_ids).values_list("pk", "bio")
    ):
        vectors[pk] = profile_vector(
            specialty_slugs=specialties.get(pk, ()), approach_slugs=approaches.get(pk, ()), bio=bio
        )
    return vectors


def _chunks(items: Sequence[int], size: int = BATCH_SIZE) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def _write_links(specialist_ids: Sequence[int], links: list[ArticleLink]) -> None:
    """Replace the links of these profiles and mark them computed now."""
    now = timezone.now()
    ArticleLink.objects.filter(specialist_id__in=specialist_ids).delete()
    ArticleLink.objects.bulk_create(links, batch_size=1000)
    ProfileLinkState.objects.bulk_create(
        [ProfileLinkState(specialist_id=pk, computed_at=now) for pk in specialist_ids],
        update_conflicts=True,
        unique_fields=["specialist"],
        update_fields=["computed_at"],
        batch_size=1000,
    )


def recompute_profiles(*, specialist_ids: Sequence[int], index: ArticleIndex | None = None) -> int:
    """Rebuild the links of these profiles (unlisted ones lose theirs). Returns links written."""
    index = index or build_index()
    written = 0
    for chunk in _chunks(list(specialist_ids)):
        vectors = _profile_vectors(chunk)
        links = [
            ArticleLink(specialist_id=pk, article_id=article_pk, score=article_score)
            for pk, vector in vectors.items()
            for article_pk, article_score in index.top_for(vector, specialist_id=pk)
        ]
        _write_links(chunk, links)
        written += len(links)
    return written


def recompute_all() -> int:
    """Nightly: every listed profile against every published article, in bounded batches.

    Links of profiles that are no longer listed are removed too.
    """
    index = build_index()
    ArticleLink.objects.exclude(specialist__status=Specialist.Status.PUBLISHED).delete()
    written = 0
    batch: list[int] = []
    for pk in (
        Specialist.objects.listed()
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=BATCH_SIZE)
    ):
        batch.append(pk)
        if len(batch) == BATCH_SIZE:
            written += recompute_profiles(specialist_ids=batch, index=index)
            batch = []
    if batch:
        written += recompute_profiles(specialist_ids=batch, index=index)
    return written


def recompute_changed_profiles() -> int:
    """Profiles edited since their links were computed (or never computed). Returns how many."""
    stale = list(
        Specialist.objects.listed()
        .filter(Q(link_state__isnull=True) | Q(updated_at__gt=F("link_state__computed_at")))
        .values_list("pk", flat=True)[: BATCH_SIZE * 5]
    )
    unlisted = list(
        ArticleLink.objects.exclude(specialist__status=Specialist.Status.PUBLISHED)
        .values_list("specialist_id", flat=True)
        .distinct()
    )
    if unlisted:
        ArticleLink.objects.filter(specialist_id__in=unlisted).delete()
    if stale:
        recompute_profiles(specialist_ids=stale)
    return len(stale)


def update_for_article(*, article_id: int) -> int:
    """Bring every affected profile up to date after one article was published, changed or
    removed. Returns the number of profiles whose links were rewritten.

    Profiles linked to it are recomputed in full when it no longer qualifies for them; other
    profiles that share a specialty or approach with it get it merged into their top list.
    """
    index = build_index()
    linked = set(
        ArticleLink.objects.filter(article_id=article_id).values_list("specialist_id", flat=True)
    )
    if article_id not in index.articles:
        ArticleLink.objects.filter(article_id=article_id).delete()
        recompute_profiles(specialist_ids=sorted(linked), index=index)
        return len(linked)

    vector = index.vector(article_id)
    author_id = index.articles[article_id].author_id
    specialty_slugs = {t[1:] for t in vector if t.startswith("@")} | {
        slug for slug, words in SPECIALTY_WORDS.items() if any(w in vector for w in words)
    }
    approach_slugs = {
        slug for slug, words in APPROACH_WORDS.items() if any(w in vector for w in words)
    }
    candidates = set(
        Specialist.objects.listed()
        .filter(Q(specialties__slug__in=specialty_slugs) | Q(approaches__slug__in=approach_slugs))
        .values_list("pk", flat=True)
        .distinct()
    )
    candidates.discard(author_id or 0)

    changed = 0
    full = []
    for chunk in _chunks(sorted(candidates | linked)):
        vectors = _profile_vectors(chunk)
        current: dict[int, list[tuple[int, float]]] = {}
        for sid, apk, link_score in ArticleLink.objects.filter(specialist_id__in=chunk).values_list(
            "specialist_id", "article_id", "score"
        ):
            current.setdefault(sid, []).append((apk, link_score))
        rewrite: dict[int, list[tuple[int, float]]] = {}
        for pk in chunk:
            if pk not in vectors:
                continue
            new_score = score(vector, vectors[pk]) if pk != author_id else 0.0
            others = [(a, s) for a, s in current.get(pk, []) if a != article_id]
            if new_score < RELEVANCE_THRESHOLD:
                if pk in linked:
                    full.append(pk)  # it may leave a gap another article should fill
                continue
            merged = sorted([*others, (article_id, round(new_score, 6))], key=lambda i: -i[1])
            merged = merged[:LINKS_PER_PROFILE]
            if sorted(merged) != sorted(current.get(pk, [])):
                rewrite[pk] = merged
        if rewrite:
            _write_links(
                list(rewrite),
                [
                    ArticleLink(specialist_id=pk, article_id=apk, score=s)
                    for pk, items in rewrite.items()
                    for apk, s in items
                ],
            )
            changed += len(rewrite)
    if full:
        recompute_profiles(specialist_ids=full, index=index)
    return changed + len(full)


def evaluate(data: dict) -> float:
    """Precision of the top 3 on a labelled set (see content/evaluation.json).

    Each profile's precision is the share of its shown articles (at most 3) that are labelled
    relevant, over min(3, number relevant) when fewer are shown; the mean is returned.
    """
    keys = list(data["articles"])
    index = ArticleIndex(
        [
            (
                i,
                None,
                article_terms(
                    title=a["title"], summary=a["summary"], body=a["body"], topic_slugs=a["topics"]
                ),
            )
            for i, a in enumerate(data["articles"].values())
        ]
    )
    precisions = []
    for profile in data["profiles"]:
        vector = profile_vector(
            specialty_slugs=profile["specialties"],
            approach_slugs=profile["approaches"],
            bio=profile["bio"],
        )
        shown = [keys[pk] for pk, _score in index.top_for(vector, specialist_id=-1, limit=3)]
        expected = min(3, len(profile["relevant"]))
        hits = sum(1 for key in shown if key in profile["relevant"])
        precisions.append(hits / max(len(shown), expected))
    return sum(precisions) / len(precisions)
