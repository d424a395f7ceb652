"""Finding specialists: the query string parsed into a typed search, and its queryset.

`parse()` is pure: whatever a visitor puts in the URL becomes a valid `Search` plus notices
about what was ignored, never an exception. `find()` turns a search into one page of cards,
a total and the featured listings, in a fixed number of queries whatever the result size.

PostgreSQL matches words with full-text search over `Specialist.search_vector` (GIN-indexed);
SQLite, the embedded default, with its FTS5 index of the same words (kept by triggers).
"""

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from directory import filters, licensing, nearby, places, promotions, understanding
from directory.cards import CARD_FIELDS, DEFAULT_ORDER, SOONEST_ORDER, with_specialties
from directory.models import (
    AgeGroup,
    Approach,
    Community,
    Language,
    Licensure,
    Payer,
    Specialist,
    Specialty,
)

PAGE_SIZE = 20
# Nobody reads page 2,500 of a directory; a narrower search serves them better, and deep
# OFFSETs are what make a paginated list slow.
MAX_PAGES = 50
RANK_LIMIT = 500
# Past RANK_LIMIT the order no longer depends on the total, so a total a minute old is as
# good as an exact one, and the page is then read with no count at all.
CACHED_COUNT_ABOVE = RANK_LIMIT
COUNT_CACHE_SECONDS = 60
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_LOCATION_LENGTH = 100
MAX_AVAILABLE_WITHIN_DAYS = 90
SORT_RELEVANCE = "relevance"
SORT_SOONEST = "soonest"
SORT_DISTANCE = "distance"
SORTS = (SORT_RELEVANCE, SORT_SOONEST, SORT_DISTANCE)
FORMATS = ("online", "in_person")
SLUG = re.compile(r"^[-a-z0-9]{1,60}$")
WORD = re.compile(r"\w+")

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
class Search:
    """One search as the URL states it. Every field is already valid."""

    q: str = ""
    specialty: str = ""
    approach: str = ""
    language: str = ""
    format: str = ""
    location: str = ""
    free_consultation: bool = False
    available_within: int | None = None
    # In person within `within` km of `near`, as written; `place` is where that is (None
    # when nobody asked, or we did not know the place: then `place_suggestions`).
    near: str = ""
    within: int | None = None
    place: places.Place | None = field(default=None, compare=False)
    place_suggestions: tuple[str, ...] = field(default=(), compare=False)
    # Where the client lives (ISO 3166 code): those licensed there first, or only.
    lives_in: str = ""
    licensed_only: bool = False
    more: filters.Filters = field(default_factory=filters.Filters)
    sort: str = SORT_RELEVANCE
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def terms(self) -> list[str]:
        return WORD.findall(self.q)[:MAX_TERMS]

    @property
    def filters(self) -> dict[str, str]:
        """The narrowing parts that are set, by URL parameter name."""
        values: dict[str, Any] = {
            "specialty": self.specialty,
            "approach": self.approach,
            "language": self.language,
            "format": self.format,
            "location": self.location,
            "free_consultation": "1" if self.free_consultation else "",
            "available_within": self.available_within or "",
            "near": self.near if self.place else "",
            "within": self.within if self.place else "",
            "lives_in": self.lives_in,
            "licensed_only": "1" if self.licensed_only else "",
            **self.more.params(),
        }
        return {name: str(value) for name, value in values.items() if value}

    @property
    def lists(self) -> list[tuple[str, str]]:
        """Every curated list chosen, as (Options attribute, slug)."""
        chosen = [
            ("specialties", self.specialty),
            ("approaches", self.approach),
            ("languages", self.language),
            *self.more.lists(),
        ]
        return [(kind, slug) for kind, slug in chosen if slug]

    @property
    def is_narrowed(self) -> bool:
        return bool(self.q or self.filters)

    def params(self, **changes: object) -> dict[str, str]:
        """URL parameters for this search with `changes` (a falsy value removes one)."""
        params = {"q": self.q, **self.filters}
        if self.sort != SORT_RELEVANCE:
            params["sort"] = self.sort
        if self.page > 1:
            params["page"] = str(self.page)
        for name, value in changes.items():
            params[name] = "" if value in (None, False) else str(value)
        return {name: value for name, value in params.items() if value}

    def querystring(self, **changes: object) -> str:
        return urlencode(self.params(**changes))


def parse(params: Mapping[str, Any]) -> Search:
    """Read a search from query parameters; anything malformed is dropped with a notice."""
    notices: list[str] = []

    def slug(name: str, label: str) -> str:
        value = (params.get(name) or "").strip().lower()
        if value and not SLUG.match(value):
            notices.append(_("We did not recognise that %(filter)s.") % {"filter": label})
            return ""
        return value

    q = " ".join((params.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        cut = q[:MAX_QUERY_LENGTH]
        q = cut.rsplit(" ", 1)[0] if " " in cut else cut
        notices.append(_("Your search was very long, so we used only its first words."))
    search_format = (params.get("format") or "").strip()
    if search_format and search_format not in FORMATS:
        notices.append(_("We did not recognise that session format."))
        search_format = ""
    location = " ".join((params.get("location") or "").split())[:MAX_LOCATION_LENGTH]
    sort = params.get("sort") or SORT_RELEVANCE
    if sort not in SORTS:
        sort = SORT_RELEVANCE
    near, within, place, place_suggestions = _near(params, notices)
    if sort == SORT_DISTANCE and place is None:
        if not near:
            notices.append(_("To sort by distance, say where from (a city or a ZIP code)."))
        sort = SORT_RELEVANCE
    lives_in = (params.get("lives_in") or "").strip()
    if lives_in and not licensing.normalized(lives_in):
        notices.append(_("We did not recognise where you live; please choose it from the list."))
    lives_in = licensing.normalized(lives_in)
    available_within = _positive_int(params.get("available_within"))
    if params.get("available_within") and available_within is None:
        notices.append(_("Availability must be a number of days."))
    elif available_within is not None:
        available_within = min(available_within, MAX_AVAILABLE_WITHIN_DAYS)
    more = filters.parse(params, notices)
    return Search(
        q=q,
        specialty=slug("specialty", _("specialty")),
        approach=slug("approach", _("approach")),
        language=slug("language", _("language")),
        format=search_format,
        location=location,
        free_consultation=(params.get("free_consultation") or "") in ("1", "on", "true"),
        available_within=available_within,
        near=near,
        within=within,
        place=place,
        place_suggestions=place_suggestions,
        lives_in=lives_in,
        licensed_only=bool(lives_in) and (params.get("licensed_only") or "") in ("1", "on", "true"),
        more=more,
        sort=sort,
        page=_positive_int(params.get("page")) or 1,
        notices=tuple(notices),
    )


def _near(
    params: Mapping[str, Any], notices: list[str]
) -> tuple[str, int | None, places.Place | None, tuple[str, ...]]:
    """The place to measure from and the distance in km; an unknown place is dropped with
    a notice (and close names to offer), a bad distance with a notice."""
    near = " ".join((params.get("near") or "").split())[:MAX_LOCATION_LENGTH]
    raw_within = (params.get("within") or "").strip()
    within = _positive_int(raw_within)
    if raw_within.isascii() and raw_within.isdigit() and int(raw_within) > nearby.MAX_KM:
        notices.append(
            _("We search up to %(km)s km away, so we used that.") % {"km": nearby.MAX_KM}
        )
        within = nearby.MAX_KM
    elif raw_within and within is None:
        notices.append(_("The distance must be a whole number of kilometres, such as 25."))
    if not near:
        return "", None, None, ()
    lookup = places.locate(near)
    if lookup.place is None:
        notices.append(
            _("We could not find “%(place)s”. Try the name of a city, or a US ZIP code.")
            % {"place": near}
        )
        return near, None, None, lookup.suggestions
    return near, within or nearby.DEFAULT_KM, lookup.place, ()


def _positive_int(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    number = int(value)
    return number if number > 0 else None


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

    def find(self, kind: str, slug: str) -> Option | None:
        return next((o for o in getattr(self, kind) if o.slug == slug), None)


def load_options() -> Options:
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
        }
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
        licensed = Exists(
            Licensure.objects.filter(licensing.covering(search.lives_in), specialist=OuterRef("pk"))
        )
        if search.licensed_only:
            queryset = queryset.filter(licensed)
        else:
            queryset = queryset.alias(licensed_there=licensed)
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
    Those licensed where the client lives come first, whatever the order."""
    first = (F("licensed_there").desc(),) if search.lives_in and not search.licensed_only else ()
    if search.sort == SORT_DISTANCE and search.place is not None:
        return queryset.order_by(*first, F("distance_km").asc(), F("id").asc())
    if search.sort == SORT_SOONEST:
        return queryset.order_by(*first, *SOONEST_ORDER)
    query = rank_query(search.terms)
    if query is not None and _ranks(search, count=count):
        return queryset.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            *first, F("rank").desc(), *DEFAULT_ORDER
        )
    return queryset.order_by(*first, *DEFAULT_ORDER)


@dataclass(frozen=True)
class Results:
    search: Search
    page: Page
    featured: list[Specialist]
    notices: tuple[str, ...]
    # The query with its likely typos corrected, offered when nobody matched.
    suggestion: str = ""

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def last_page_shown(self) -> int:
        return min(self.page.paginator.num_pages, MAX_PAGES)

    @property
    def has_next(self) -> bool:
        return self.page.number < self.last_page_shown

    @property
    def is_truncated(self) -> bool:
        return self.page.paginator.num_pages > MAX_PAGES


def _count_key(search: Search) -> str:
    return (
        "directory:count:"
        + hashlib.sha256(search.querystring(page=None, sort=None).encode()).hexdigest()
    )


def _ranks(search: Search, *, count: int) -> bool:
    """Whether `ordered` sorts by relevance for a search with this many matches."""
    return (
        search.sort != SORT_SOONEST
        and bool(search.terms)
        and uses_full_text()
        and count <= RANK_LIMIT
    )


def _page(
    base: QuerySet[Specialist], search: Search, *, requested: int, cached_count: int | None
) -> Page:
    """The requested page (past the end: the last one) and, through its paginator, the total.

    Large totals are kept for a minute: "50,000 specialists" a minute old is still true
    enough, and counting them on every page view is not free. Small totals are always exact.

    A search narrowed by words, a list or a place usually matches few profiles: its total
    comes with the page, as a window COUNT(*) OVER () in the same query (a count runs only
    when the page is empty, i.e. past the end). Any other search may match most of the
    directory, where the window would read every matching row (about 100 ms for 50,000)
    while a plain count and an indexed page take a few milliseconds: it is counted first.
    """
    count = cached_count
    if count is None and not _likely_few(search):
        count = _count(base, search)
    if count is not None:
        return _paginator(ordered(base, search, count=count), count).get_page(requested)
    # Ordered as for few matches (by relevance when there are words); corrected below if not.
    cards = ordered(base, search, count=0).only(*CARD_FIELDS)
    offset = (requested - 1) * PAGE_SIZE
    rows = list(cards.annotate(total=Window(Count("*")))[offset : offset + PAGE_SIZE])
    if rows:
        count = _remember(rows[0].total, search)  # type: ignore[attr-defined]
    elif requested == 1:
        count = 0
    else:
        count = _count(base, search)
    paginator = _paginator(ordered(base, search, count=count), count)
    if rows and _ranks(search, count=0) == _ranks(search, count=count):
        return Page(rows, requested, paginator)
    return paginator.get_page(requested)


def _likely_few(search: Search) -> bool:
    return bool(search.terms or search.lists or search.location or search.place)


def _count(base: QuerySet[Specialist], search: Search) -> int:
    return _remember(base.count(), search)


def _remember(count: int, search: Search) -> int:
    if count > CACHED_COUNT_ABOVE:
        cache.set(_count_key(search), count, COUNT_CACHE_SECONDS)
    return count


def _paginator(queryset: QuerySet[Specialist], count: int) -> Paginator:
    paginator = Paginator(queryset.only(*CARD_FIELDS), PAGE_SIZE)
    paginator.count = count  # type: ignore[misc]  # known already; Paginator would count again
    return paginator


def find(search: Search, *, options: Options, now: datetime) -> Results:
    """One page of cards (page numbers past the end show the last page) and the featured.

    Queries: the page with its total (a broad search: the count, then the page, unless the
    count is cached), the featured cards, and the specialties of every card shown: the same
    number for 0 or 50,000 matches (two more for a page past the end, one more for a "did you
    mean" when words found nobody).
    """
    notices = list(search.notices)
    labels = {
        "specialties": _("specialty"),
        "approaches": _("approach"),
        "languages": _("language"),
        **{kind: str(label) for kind, label in filters.LISTS.values()},
    }
    for kind, slug in search.lists:
        if options.find(kind, slug) is None:
            notices.append(_("We do not list that %(filter)s.") % {"filter": labels[kind]})
    base = matching(search, options=options, now=now)
    cached = cache.get(_count_key(search))
    page = _page(
        base,
        search,
        requested=min(search.page, MAX_PAGES),
        cached_count=None if cached is None else int(cached),
    )
    featured = promotions.featured(queryset=base, page_number=page.number, now=now)
    with_specialties([*page.object_list, *featured])
    suggestion = ""
    if not page.object_list and search.terms:
        suggestion = understanding.did_you_mean(search.q, search.terms)
    return Results(
        search=search,
        page=page,
        featured=featured,
        notices=tuple(notices),
        suggestion=suggestion,
    )


def reindex(*, specialist_ids: Sequence[int]) -> None:
    """Rebuild the full-text vector of these profiles (nothing to do on SQLite).

    Call it after anything in the vector changes: the texts or the curated lists.
    """
    if uses_full_text() and specialist_ids:
        with connection.cursor() as cursor:
            cursor.execute(VECTOR_SQL, [list(specialist_ids)])
