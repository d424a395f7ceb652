"""Relevant articles on every profile.

Articles and profiles become weighted term vectors in one space: words of the article
(TF-IDF over title, summary, topics and body) against the words of the profile (its
specialties and approaches, widened with a small curated vocabulary, plus its bio).
A link needs a topical anchor (a shared specialty, approach or one of their words) and a
cosine score above RELEVANCE_THRESHOLD, so an unrelated article is never shown to fill
the list. Scoring is pure Python with no ORM; the functions at the bottom read and
write the database in batches.
"""

import functools
import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Min, Q
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

# Words that say which specialty or approach a text is about.
SPECIALTY_WORDS: dict[str, tuple[str, ...]] = {
    "anxiety": ("anxiety", "anxious", "worry", "panic", "fear", "nervous"),
    "depression": ("depression", "depressed", "hopeless", "sadness", "mood"),
    "trauma": ("trauma", "traumatic", "ptsd", "abuse", "flashback"),
    "addictions": ("addiction", "alcohol", "substance", "drugs", "gambling", "relapse", "craving"),
    "eating-disorders": ("eating", "anorexia", "bulimia", "binge", "food"),
    "body-image": ("body", "image", "appearance", "weight"),
    "relationship-issues": (
        "relationship", "partner", "love", "attachment", "intimacy", "connection", "breakup",
        "trust", "dating",
    ),
    "couples": ("couple", "partner", "marriage", "married", "spouse", "romantic", "intimacy"),
    "grief": ("grief", "grieve", "grieving", "loss", "bereavement", "mourning", "death"),
    "stress": ("stress", "burnout", "overwhelm", "pressure", "workload"),
    "self-esteem": ("self-esteem", "self-worth", "confidence", "self-compassion", "worth"),
    "ocd": ("ocd", "obsessive", "compulsive", "compulsion", "intrusive", "ritual"),
    "adhd": ("adhd", "hyperactivity", "impulsive", "impulsivity", "inattentive", "distractible"),
    "lgbtq-plus-issues": ("lgbtq", "gay", "lesbian", "bisexual", "transgender", "queer"),
    "family-conflict": ("family", "parents", "siblings", "child", "conflict"),
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


@functools.lru_cache(maxsize=100_000)
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


# The vocabularies are written as plain words and matched as the stems that tokens() makes.
SPECIALTY_WORDS = {
    slug: tuple(dict.fromkeys(stem(w) for w in words)) for slug, words in SPECIALTY_WORDS.items()
}
APPROACH_WORDS = {
    slug: tuple(dict.fromkeys(stem(w) for w in words)) for slug, words in APPROACH_WORDS.items()
}


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


SPECIALTY_WEIGHT = 1.0
SPECIALTY_TOPIC_WEIGHT = 2.0
APPROACH_WEIGHT = 0.6
APPROACH_TOPIC_WEIGHT = 1.0
BIO_WEIGHT = 0.3


def _concept_weights(kind: str, slug: str) -> dict[str, float]:
    """The terms one specialty or approach adds to a profile, with their raw weights."""
    if kind == "specialty":
        weights = dict.fromkeys(SPECIALTY_WORDS.get(slug, ()), SPECIALTY_WEIGHT)
        weights[topic_term(slug)] = SPECIALTY_TOPIC_WEIGHT
    else:
        weights = dict.fromkeys(APPROACH_WORDS.get(slug, ()), APPROACH_WEIGHT)
        weights[topic_term(slug)] = APPROACH_TOPIC_WEIGHT
    return weights


@dataclass(frozen=True)
class ProfileVector:
    specialties: tuple[str, ...]
    approaches: tuple[str, ...]
    bio_terms: dict[str, float]  # raw weights of bio words that are not concept words
    norm: float

    @property
    def anchors(self) -> frozenset[str]:
        """The terms that can make an article relevant at all."""
        return frozenset(
            term
            for kind, slugs in (("specialty", self.specialties), ("approach", self.approaches))
            for slug in slugs
            for term in _concept_weights(kind, slug)
        )


def profile_vector(
    *, specialty_slugs: Iterable[str], approach_slugs: Iterable[str], bio: str
) -> ProfileVector:
    """A profile's terms: its specialties weigh most, then approaches, then its bio.

    Concept weights add up (a word two specialties share counts twice), which makes a
    profile's score the sum of per-concept partial scores that the index precomputes.
    """
    specialties = tuple(sorted(set(specialty_slugs)))
    approaches = tuple(sorted(set(approach_slugs)))
    raw: dict[str, float] = {}
    for kind, slugs in (("specialty", specialties), ("approach", approaches)):
        for slug in slugs:
            for term, weight in _concept_weights(kind, slug).items():
                raw[term] = raw.get(term, 0.0) + weight
    bio_terms = {
        word: BIO_WEIGHT * (1 + math.log(count))
        for word, count in Counter(tokens(bio)).items()
        if word not in raw
    }
    norm = math.sqrt(sum(w * w for w in raw.values()) + sum(w * w for w in bio_terms.values()))
    return ProfileVector(specialties, approaches, bio_terms, norm or 1.0)


def _topic_count(article: dict[str, float]) -> int:
    return sum(1 for term in article if term.startswith("@"))


def _concept_partial(article: dict[str, float], kind: str, slug: str) -> float:
    return sum(w * article[t] for t, w in _concept_weights(kind, slug).items() if t in article)


def score(article: dict[str, float], profile: ProfileVector) -> float:
    """Cosine similarity plus the topic bonus; zero without a shared anchor term."""
    partials = [_concept_partial(article, "specialty", s) for s in profile.specialties] + [
        _concept_partial(article, "approach", a) for a in profile.approaches
    ]
    if not any(partials):
        return 0.0
    bio = sum(w * article[t] for t, w in profile.bio_terms.items() if t in article)
    shared = sum(1 for s in profile.specialties if topic_term(s) in article)
    bonus = TOPIC_BONUS * shared / _topic_count(article) if shared else 0.0
    return (sum(partials) + bio) / profile.norm + bonus


@dataclass(frozen=True)
class IndexedArticle:
    pk: int
    author_id: int | None
    vector: dict[str, float]
    topic_count: int


# Common words say little: a term in more than this share of a large corpus is dropped.
MAX_DOCUMENT_FREQUENCY = 0.5
ARTICLE_VECTOR_TERMS = 50
# How deep each specialty's and approach's ranking is read to find a profile's candidates.
CANDIDATES_PER_CONCEPT = 30


class ArticleIndex:
    """Published articles as unit TF-IDF vectors, ranked once per specialty and approach.

    A profile's score is the sum of its concepts' partial scores plus its bio's, so its best
    articles are found among the top of its concepts' rankings, then scored exactly.
    """

    def __init__(self, articles: Sequence[tuple[int, int | None, dict[str, float]]]) -> None:
        total = len(articles)
        document_frequency: Counter[str] = Counter()
        for _pk, _author, raw in articles:
            document_frequency.update(raw.keys())
        limit = total * MAX_DOCUMENT_FREQUENCY if total >= 20 else total
        idf = {
            t: math.log((1 + total) / (1 + df)) + 1
            for t, df in document_frequency.items()
            if df <= limit or t.startswith("@")
        }
        self._idf = idf
        self._raw = {pk: (author_id, raw) for pk, author_id, raw in articles}
        self.by_author: Counter[int | None] = Counter(a for a, _raw in self._raw.values())
        # Partial scores per concept, {(kind, slug): {article pk: partial}}, and the top of
        # each, computed when a profile first needs them.
        self.partials: dict[tuple[str, str], dict[int, float]] = {}
        self.leaders: dict[tuple[str, str], list[int]] = {}

    def _indexed(self, pk: int) -> IndexedArticle:
        author_id, raw = self._raw[pk]
        idf = self._idf
        weighted = {t: w * idf[t] for t, w in raw.items() if t in idf}
        kept = dict(heapq.nlargest(ARTICLE_VECTOR_TERMS, weighted.items(), key=lambda i: i[1]))
        kept.update({t: w for t, w in weighted.items() if t.startswith("@")})
        vector = _unit(kept)
        return IndexedArticle(pk, author_id, vector, _topic_count(vector))

    @functools.cached_property
    def articles(self) -> dict[int, IndexedArticle]:
        """Every article's vector, built on first use (one article's update needs only its own)."""
        return {pk: self._indexed(pk) for pk in self._raw}

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(t for a in self.articles.values() for t in a.vector)

    def __contains__(self, pk: int) -> bool:
        return pk in self._raw

    def one(self, pk: int) -> IndexedArticle:
        return self.articles[pk] if "articles" in self.__dict__ else self._indexed(pk)

    def _concept(self, kind: str, slug: str) -> tuple[dict[int, float], list[int]] | None:
        key = (kind, slug)
        if key not in self.partials:
            words = SPECIALTY_WORDS if kind == "specialty" else APPROACH_WORDS
            if slug not in words:
                return None
            partial = {}
            for pk, article in self.articles.items():
                value = _concept_partial(article.vector, kind, slug)
                if value > 0:
                    partial[pk] = value
            self.partials[key] = partial
            self.leaders[key] = self._leaders(kind, slug, partial)
        return self.partials[key], self.leaders[key]

    def _leaders(self, kind: str, slug: str, partial: dict[int, float]) -> list[int]:
        # Read deeper by as many articles as one author has, since own articles are skipped.
        most_by_one = max((n for author, n in self.by_author.items() if author), default=0)
        depth = CANDIDATES_PER_CONCEPT + most_by_one

        def strength(pk: int) -> float:
            article = self.articles[pk]
            bonus = (
                TOPIC_BONUS / article.topic_count
                if kind == "specialty" and topic_term(slug) in article.vector
                else 0.0
            )
            return partial[pk] + bonus

        return heapq.nlargest(depth, partial, key=strength)

    def vector(self, article_pk: int) -> dict[str, float]:
        return self.one(article_pk).vector

    def top_for(
        self, profile: ProfileVector, *, specialist_id: int, limit: int = LINKS_PER_PROFILE
    ) -> list[tuple[int, float]]:
        """The best articles by other specialists for one profile, above the threshold."""
        loaded = [self._concept("specialty", slug) for slug in profile.specialties]
        loaded += [self._concept("approach", slug) for slug in profile.approaches]
        concepts = [item for item in loaded if item is not None]
        candidates = {pk for _partial, leaders in concepts for pk in leaders}
        partial_maps = [partial for partial, _leaders in concepts]
        topic_terms = [topic_term(slug) for slug in profile.specialties]
        bio = [(t, w) for t, w in profile.bio_terms.items() if t in self.vocabulary]
        inverse_norm = 1.0 / profile.norm
        articles = self.articles
        scored = []
        for pk in candidates:
            article = articles[pk]
            if article.author_id == specialist_id:
                continue
            vector = article.vector
            total = 0.0
            for partial in partial_maps:
                total += partial.get(pk, 0.0)
            for term, weight in bio:
                if term in vector:
                    total += weight * vector[term]
            value = total * inverse_norm
            shared = 0
            for term in topic_terms:
                if term in vector:
                    shared += 1
            if shared:
                value += TOPIC_BONUS * shared / article.topic_count
            if value >= RELEVANCE_THRESHOLD:
                scored.append((round(value, 6), -pk))
        # Ties go to the older article (lower pk), as a full sort would order them.
        return [(-negative_pk, value) for value, negative_pk in heapq.nlargest(limit, scored)]


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


def _stored_bio(vector: ProfileVector) -> dict[str, float]:
    return {t: round(w, 4) for t, w in vector.bio_terms.items()}


@transaction.atomic
def _write_links(
    *,
    replace: Sequence[int],
    links: list[ArticleLink],
    states: list[ProfileLinkState],
) -> None:
    """Replace the links of some profiles and record what profiles were computed from."""
    for chunk in _chunks(replace, 1000):
        ArticleLink.objects.filter(specialist_id__in=chunk).delete()
    ArticleLink.objects.bulk_create(links, batch_size=1000)
    ProfileLinkState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["specialist"],
        update_fields=["computed_at", "bio_terms", "norm"],
        batch_size=1000,
    )


def recompute_profiles(*, specialist_ids: Sequence[int], index: ArticleIndex | None = None) -> int:
    """Bring these profiles' links up to date (unlisted ones lose theirs).

    Only what differs is written: a nightly run over unchanged profiles reads and compares.
    Returns the number of links the profiles show now.
    """
    index = index or build_index()
    shown = 0
    for chunk in _chunks(list(specialist_ids)):
        vectors = _profile_vectors(chunk)
        updated_at = dict(Specialist.objects.filter(pk__in=chunk).values_list("pk", "updated_at"))
        current: dict[int, set[tuple[int, float]]] = {}
        for sid, apk, link_score in ArticleLink.objects.filter(specialist_id__in=chunk).values_list(
            "specialist_id", "article_id", "score"
        ):
            current.setdefault(sid, set()).add((apk, link_score))
        # A bio edit bumps the profile's updated_at, and any change of its words moves the
        # norm: comparing these two spares reading every stored bio back.
        stored = {
            sid: (computed_at, norm)
            for sid, computed_at, norm in ProfileLinkState.objects.filter(
                specialist_id__in=chunk
            ).values_list("specialist_id", "computed_at", "norm")
        }
        now = timezone.now()
        replace: list[int] = []
        links: list[ArticleLink] = []
        states: list[ProfileLinkState] = []
        for pk in chunk:
            vector = vectors.get(pk)
            top = set(index.top_for(vector, specialist_id=pk)) if vector else set()
            shown += len(top)
            if top != current.get(pk, set()):
                replace.append(pk)
                links.extend(
                    ArticleLink(specialist_id=pk, article_id=apk, score=value) for apk, value in top
                )
            if vector is None:
                continue
            state = stored.get(pk)
            if state is None or state[0] < updated_at[pk] or state[1] != vector.norm:
                states.append(
                    ProfileLinkState(
                        specialist_id=pk,
                        computed_at=now,
                        bio_terms=_stored_bio(vector),
                        norm=vector.norm,
                    )
                )
        if replace or states:
            _write_links(replace=replace, links=links, states=states)
    return shown


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
    removed. Returns the number of profiles whose links changed.

    Profiles sharing a specialty or approach with the article get it merged into their top
    list (one insert, and one delete of the link it displaces); profiles that lose it are
    recomputed in full so that another article can take its place.
    """
    index = build_index()
    linked = set(
        ArticleLink.objects.filter(article_id=article_id).values_list("specialist_id", flat=True)
    )
    if article_id not in index:
        ArticleLink.objects.filter(article_id=article_id).delete()
        recompute_profiles(specialist_ids=sorted(linked), index=index)
        return len(linked)

    indexed = index.one(article_id)
    vector, author_id, topic_count = indexed.vector, indexed.author_id, indexed.topic_count
    specialty_partials = {
        slug: value for slug in SPECIALTY_WORDS
        if (value := _concept_partial(vector, "specialty", slug)) > 0
    }  # fmt: skip
    approach_partials = {
        slug: value for slug in APPROACH_WORDS
        if (value := _concept_partial(vector, "approach", slug)) > 0
    }  # fmt: skip
    # Only the article's own concepts can score, so only those rows of each profile are read.
    specialty_ids = dict(
        Specialty.objects.filter(slug__in=list(specialty_partials)).values_list("pk", "slug")
    )
    approach_ids = dict(
        Approach.objects.filter(slug__in=list(approach_partials)).values_list("pk", "slug")
    )
    # Per profile, the sum of its concepts' partial scores and the count of shared topics:
    # plain numbers, so that thousands of profiles cost little memory.
    partial_sum: dict[int, float] = {}
    shared_topics: dict[int, int] = {}
    for sid, tid in Specialist.specialties.through.objects.filter(
        specialty_id__in=list(specialty_ids)
    ).values_list("specialist_id", "specialty_id"):
        slug = specialty_ids[tid]
        partial_sum[sid] = partial_sum.get(sid, 0.0) + specialty_partials[slug]
        if topic_term(slug) in vector:
            shared_topics[sid] = shared_topics.get(sid, 0) + 1
    for sid, tid in Specialist.approaches.through.objects.filter(
        approach_id__in=list(approach_ids)
    ).values_list("specialist_id", "approach_id"):
        partial_sum[sid] = partial_sum.get(sid, 0.0) + approach_partials[approach_ids[tid]]
    partial_sum.pop(author_id or 0, None)

    def value_for(pk: int, bio_terms: dict[str, float], norm: float) -> float:
        total = partial_sum[pk] + sum(w * vector[t] for t, w in bio_terms.items() if t in vector)
        value = total / norm
        if shared := shared_topics.get(pk, 0):
            value += TOPIC_BONUS * shared / topic_count
        return round(value, 6)

    scores: dict[int, float] = {}
    for pk, bio_terms, norm in ProfileLinkState.objects.filter(
        Q(
            specialist_id__in=Specialist.specialties.through.objects.filter(
                specialty_id__in=list(specialty_ids)
            ).values("specialist_id")
        )
        | Q(
            specialist_id__in=Specialist.approaches.through.objects.filter(
                approach_id__in=list(approach_ids)
            ).values("specialist_id")
        )
    ).values_list("specialist_id", "bio_terms", "norm"):
        if pk in partial_sum:
            scores[pk] = value_for(pk, bio_terms, norm)
    for chunk in _chunks(sorted(partial_sum.keys() - scores.keys())):
        for pk, profile in _profile_vectors(chunk).items():  # never computed before
            scores[pk] = value_for(pk, profile.bio_terms, profile.norm)
    # Where the article qualifies, how many other links each profile has and the weakest.
    own = {
        sid: (link_pk, link_score)
        for link_pk, sid, link_score in ArticleLink.objects.filter(
            article_id=article_id
        ).values_list("pk", "specialist_id", "score")
    }
    qualified = sorted(pk for pk, value in scores.items() if value >= RELEVANCE_THRESHOLD)
    # Listed-ness is checked by primary key for the few that qualify, not joined for all.
    relevant: list[int] = []
    for chunk in _chunks(qualified, 5000):
        relevant.extend(
            Specialist.objects.listed().filter(pk__in=chunk).values_list("pk", flat=True)
        )
    for pk in set(qualified) - set(relevant):
        scores[pk] = 0.0  # unlisted: it must show nothing
    others: dict[int, tuple[int, float]] = {}
    for chunk in _chunks(relevant, 5000):
        for sid, count, weakest in (
            ArticleLink.objects.filter(specialist_id__in=chunk)
            .exclude(article_id=article_id)
            .order_by()
            .values("specialist_id")
            .annotate(count=Count("pk"), weakest=Min("score"))
            .values_list("specialist_id", "count", "weakest")
        ):
            others[sid] = (count, weakest)

    changed: set[int] = set()
    refill: list[int] = sorted(linked - scores.keys())
    new_links: list[ArticleLink] = []
    rescored: list[ArticleLink] = []
    full: list[int] = []  # profiles whose weakest link the article displaces
    for pk, value in scores.items():
        count, weakest = others.get(pk, (0, 0.0))
        qualifies = value >= RELEVANCE_THRESHOLD and (count < LINKS_PER_PROFILE or value > weakest)
        mine = own.get(pk)
        if qualifies and mine is None:
            new_links.append(ArticleLink(specialist_id=pk, article_id=article_id, score=value))
            if count >= LINKS_PER_PROFILE:
                full.append(pk)
            changed.add(pk)
        elif qualifies and mine is not None and mine[1] != value:
            rescored.append(ArticleLink(pk=mine[0], score=value))
            changed.add(pk)
        elif not qualifies and mine is not None:
            refill.append(pk)
    removed: list[int] = []
    for chunk in _chunks(full, 5000):
        weakest_link: dict[int, tuple[float, int]] = {}
        for link_pk, sid, link_score in (
            ArticleLink.objects.filter(specialist_id__in=chunk)
            .exclude(article_id=article_id)
            .values_list("pk", "specialist_id", "score")
        ):
            if sid not in weakest_link or (link_score, link_pk) < weakest_link[sid]:
                weakest_link[sid] = (link_score, link_pk)
        removed.extend(link_pk for _score, link_pk in weakest_link.values())
    with transaction.atomic():
        for chunk in _chunks(removed, 500):
            ArticleLink.objects.filter(pk__in=chunk).delete()
        ArticleLink.objects.bulk_create(new_links, batch_size=1000)
        ArticleLink.objects.bulk_update(rescored, ["score"], batch_size=1000)
    if refill:
        recompute_profiles(specialist_ids=refill, index=index)
    return len(changed | set(refill))


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
