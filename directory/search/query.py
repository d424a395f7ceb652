"""Which published profiles match a search, and in what order.

PostgreSQL matches words with full-text search over `Specialist.search_vector` (GIN-indexed);
SQLite, the embedded default, with its FTS5 index of the same words (kept by triggers).
"""

import functools
import hashlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from directory import filters, licensing, nearby, understanding
from directory.cards import DEFAULT_ORDER, SOONEST_ORDER
from directory.models import (
    AgeGroup,
    Approach,
    Community,
    Language,
    Payer,
    Specialist,
    Specialty,
)
from directory.search.params import (
    MAX_TERMS,
    SORT_DISTANCE,
    SORT_SOONEST,
    WORD,
    Search,
)

RANK_LIMIT = 500

# The vector: name weighs most, then titles, then everything else (English stemming), plus
# one token per specialty, approach and language ("specialty12"), so that on PostgreSQL a
# search with text and filters is a single GIN index lookup.
VECTOR_SQL = """
UPDATE directory_specialist AS s SET search_vector =
    setweight(to_tsvector('english'::regconfig, COALESCE(s.name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(s.titles, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(s.search_document, '')), 'C')
    || to_tsvector('simple'::regconfig, concat_ws(' ',
        (SELECT string_agg('specialty' || t.specialty_id, ' ')
         FROM directory_specialist_specialties t WHERE t.specialist_id = s.id),
        (SELECT string_agg('approach' || t.approach_id, ' ')
         FROM directory_specialist_approaches t WHERE t.specialist_id = s.id),
        (SELECT string_agg('language' || t.language_id, ' ')
         FROM directory_specialist_languages t WHERE t.specialist_id = s.id),
        (SELECT string_agg('payer' || t.payer_id, ' ')
         FROM directory_specialist_payers t WHERE t.specialist_id = s.id),
        (SELECT string_agg('agegroup' || t.agegroup_id, ' ')
         FROM directory_specialist_age_groups t WHERE t.specialist_id = s.id),
        (SELECT string_agg('community' || t.community_id, ' ')
         FROM directory_specialist_communities t WHERE t.specialist_id = s.id)))
WHERE s.id = ANY(%s)
"""
# SQLite's full-text index of `search_document`, where SQLite has FTS5 (migration 0016).
SQLITE_FTS = "directory_specialist_fts"
SQLITE_MATCH_SQL = f"SELECT rowid FROM {SQLITE_FTS} WHERE {SQLITE_FTS} MATCH %s"  # noqa: S608
PHRASE_LISTS = {"specialty": "specialties", "approach": "approaches"}
# Each curated list: its model, the link table and column, and its token prefix.
LISTS = {
    "specialties": (Specialty, Specialist.specialties.through, "specialty_id", "specialty"),
    "approaches": (Approach, Specialist.approaches.through, "approach_id", "approach"),
    "languages": (Language, Specialist.languages.through, "language_id", "language"),
    "payers": (Payer, Specialist.payers.through, "payer_id", "payer"),
    "age_groups": (AgeGroup, Specialist.age_groups.through, "agegroup_id", "agegroup"),
    "communities": (Community, Specialist.communities.through, "community_id", "community"),
}


@dataclass(frozen=True)
class Option:
    pk: int
    slug: str
    name: str


@dataclass(frozen=True)
class Options:
    """The curated lists a search can filter by."""

    specialties: tuple[Option, ...]
    approaches: tuple[Option, ...]
    languages: tuple[Option, ...]
    payers: tuple[Option, ...]
    age_groups: tuple[Option, ...]
    communities: tuple[Option, ...]
    # A digest of every list, so that what is drawn from them can be cached under it.
    version: str = ""

    def find(self, kind: str, slug: str) -> Option | None:
        return next((o for o in getattr(self, kind) if o.slug == slug), None)


# The lists change only when an admin edits a term: each process keeps them in memory under
# a version that every save or delete of a term replaces once it is committed (see
# `forget_options`). A reader that started before the change can only fill the old version.
OPTIONS_VERSION_KEY = "directory:options-version"
# Should a change's new version be lost (the shared cache down at that moment), the lists
# are read again after this long anyway.
OPTIONS_SECONDS = 300
_held: tuple[str, float, Options] | None = None


def load_options() -> Options:
    """All the lists: from this process's memory while no term has changed, else in one
    query (every time while the shared cache is out of reach)."""
    global _held
    version = cache.get(OPTIONS_VERSION_KEY)
    if version is None:
        cache.add(OPTIONS_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(OPTIONS_VERSION_KEY)
        if version is None:
            return read_options()
    held, now = _held, time.monotonic()
    if held is not None and held[0] == version and now - held[1] < OPTIONS_SECONDS:
        return held[2]
    options = read_options()  # read after the version, so it is at least as new
    _held = (version, now, options)
    return options


def forget_options() -> None:
    """After this transaction commits, every process reads the lists again."""
    transaction.on_commit(lambda: cache.set(OPTIONS_VERSION_KEY, uuid.uuid4().hex, None))


def _term_changed(**_kwargs: object) -> None:
    forget_options()


def connect_term_signals() -> None:
    """Forget the lists whenever a term is saved or deleted (called from the app's ready())."""
    for kind, (model, *_rest) in LISTS.items():
        for signal in (post_save, post_delete):
            signal.connect(_term_changed, sender=model, dispatch_uid=f"options-{kind}")


def read_options() -> Options:
    """All the lists in one query."""
    sql = " UNION ALL ".join(
        f"SELECT '{kind}', id, slug, name FROM {model._meta.db_table}"  # noqa: S608 - constants
        for kind, (model, *_rest) in LISTS.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    grouped: dict[str, list[Option]] = {kind: [] for kind in LISTS}
    for kind, pk, slug, name in rows:
        grouped[kind].append(Option(pk=pk, slug=slug, name=name))
    return Options(
        **{
            kind: tuple(sorted(items, key=lambda o: o.name.lower()))
            for kind, items in grouped.items()
        },
        version=hashlib.blake2b(repr(sorted(rows)).encode(), digest_size=8).hexdigest(),
    )


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def tsquery_for(terms: Sequence[str]) -> str:
    """A raw tsquery that requires every word (stemmed, so "couple" finds "couples").

    Whole words only: a prefix match on a common word reads a large part of the GIN index.
    """
    return " & ".join(f"'{term}'" for term in (t.replace("'", "") for t in terms) if term)


def matching(search: Search, *, options: Options, now: datetime) -> QuerySet[Specialist]:
    """Published specialists who match every part of `search`, not yet ordered."""
    queryset: QuerySet[Specialist] = Specialist.objects.listed()
    full_text = uses_full_text()
    facets = []
    for kind, slug in search.lists:
        _model, through, column, prefix = LISTS[kind]
        option = options.find(kind, slug)
        if option is None:
            return queryset.none()
        if full_text:
            facets.append(f"{prefix}{option.pk}")
        else:
            queryset = queryset.filter(
                Exists(
                    through._default_manager.filter(
                        specialist_id=OuterRef("pk"), **{column: option.pk}
                    )
                )
            )
    if search.format == "online":
        queryset = queryset.filter(offers_online=True)
    elif search.format == "in_person":
        queryset = queryset.filter(offers_in_person=True)
    if search.free_consultation:
        queryset = queryset.filter(offers_free_consultation=True)
    if search.place is not None and search.within:
        queryset = nearby.within(queryset, place=search.place, km=search.within)
    if search.lives_in:
        licensed = licensing.covering(search.lives_in)
        if search.licensed_only:
            queryset = queryset.filter(licensed)
        else:
            wrapped = ExpressionWrapper(licensed, output_field=BooleanField())
            queryset = queryset.alias(licensed_there=wrapped)
    queryset = filters.narrow(queryset, search.more)
    if search.available_within:
        queryset = queryset.filter(
            next_free_slot_at__gte=now,
            next_free_slot_at__lte=now + timedelta(days=search.available_within),
        )
    for word in WORD.findall(search.location)[:MAX_TERMS]:
        queryset = queryset.filter(
            Q(city__icontains=word) | Q(region__icontains=word) | Q(country__icontains=word)
        )
    reading = understanding.read(search.q, search.terms)
    if full_text:
        query = None
        for group in _text_groups(reading, options=options):
            query = group if query is None else query & group
        if facets:
            facet_query = SearchQuery(" & ".join(facets), config="simple", search_type="raw")
            query = facet_query if query is None else query & facet_query
        if query is not None:
            queryset = queryset.filter(search_vector=query)
    else:
        if reading.words and not reading.phrases:
            queryset = queryset.filter(_says(reading.words))
        for phrase in reading.phrases:
            said = _says(phrase.words)
            option = options.find(PHRASE_LISTS[phrase.kind], phrase.slug)
            if option is not None:
                _model, through, column, _prefix = LISTS[PHRASE_LISTS[phrase.kind]]
                said |= Q(
                    Exists(
                        through._default_manager.filter(
                            specialist_id=OuterRef("pk"), **{column: option.pk}
                        )
                    )
                )
            queryset = queryset.filter(said)
    return queryset


def _says(words: Sequence[str]) -> Q:
    """On SQLite: profiles whose words include every one of `words` (or words they begin),
    through the FTS5 index where SQLite has it (migration 0016), else by reading each row."""
    if not _sqlite_full_text():
        said = Q()
        for word in words:
            said &= Q(search_document__icontains=word)
        return said
    match = " AND ".join(f'"{word}"*' for word in (w.replace('"', "") for w in words) if word)
    return Q(pk__in=RawSQL(SQLITE_MATCH_SQL, [match]))  # noqa: S611 - a constant; words are a parameter


@functools.cache
def _sqlite_full_text() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [SQLITE_FTS])
        return cursor.fetchone() is not None


def _text_groups(reading: understanding.Reading, *, options: Options) -> list[SearchQuery]:
    """What the words require on PostgreSQL: for each phrase its specialty's (or approach's)
    token or its words; without phrases, every word."""
    groups = []
    if reading.words and not reading.phrases:
        groups.append(SearchQuery(tsquery_for(reading.words), config="english", search_type="raw"))
    for phrase in reading.phrases:
        group = SearchQuery(tsquery_for(phrase.words), config="english", search_type="raw")
        kind = PHRASE_LISTS[phrase.kind]
        option = options.find(kind, phrase.slug)
        if option is not None:
            token = f"{LISTS[kind][3]}{option.pk}"
            group = group | SearchQuery(token, config="simple", search_type="raw")
        groups.append(group)
    return groups


def rank_query(terms: Sequence[str]) -> SearchQuery | None:
    """Any of the words: every match has the required ones, and the optional words around a
    phrase (see directory.understanding) lift the profiles that say them."""
    if not terms:
        return None
    return SearchQuery(
        tsquery_for(terms).replace(" & ", " | "), config="english", search_type="raw"
    )


def ordered(queryset: QuerySet[Specialist], search: Search, *, count: int) -> QuerySet[Specialist]:
    """The order the visitor asked for. Relevance ranks every match, so it applies up to
    RANK_LIMIT matches; beyond that the words barely tell profiles apart and the directory's
    own order (free consultations first, soonest free) serves better and stays fast.
    (Those licensed where the client lives come first: see pages._licensed_first.)"""
    if search.sort == SORT_DISTANCE and search.place is not None:
        return queryset.order_by(F("distance_km").asc(), F("id").asc())
    if search.sort == SORT_SOONEST:
        return queryset.order_by(*SOONEST_ORDER)
    query = rank_query(search.terms)
    if query is not None and ranks(search, count=count):
        return queryset.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            F("rank").desc(), *DEFAULT_ORDER
        )
    return queryset.order_by(*DEFAULT_ORDER)


def ranks(search: Search, *, count: int) -> bool:
    """Whether `ordered` sorts by relevance for a search with this many matches."""
    return (
        search.sort != SORT_SOONEST
        and bool(search.terms)
        and uses_full_text()
        and count <= RANK_LIMIT
    )


def reindex(*, specialist_ids: Sequence[int]) -> None:
    """Rebuild the full-text vector of these profiles (nothing to do on SQLite).

    Call it after anything in the vector changes: the texts or the curated lists.
    """
    if uses_full_text() and specialist_ids:
        with connection.cursor() as cursor:
            cursor.execute(VECTOR_SQL, [list(specialist_ids)])
