"""One page of cards for a search: `find()` answers with a page, a total and the featured
listings, in a fixed number of queries whatever the result size."""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.translation import gettext as _

from directory import filters, nearby, promotions, understanding
from directory.cards import card_rows
from directory.models import Specialist
from directory.search import query
from directory.search.params import Search
from directory.search.query import Options, matching, ordered

PAGE_SIZE = 20
# Nobody reads page 2,500 of a directory; a narrower search serves them better, and deep
# OFFSETs are what make a paginated list slow.
MAX_PAGES = 50
# Past RANK_LIMIT the order no longer depends on the total, so a total a minute old is as
# good as an exact one, and the page is then read with no count at all.
CACHED_COUNT_ABOVE = query.RANK_LIMIT
COUNT_CACHE_SECONDS = 60


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


def _count_key(search: Search, part: str = "") -> str:
    return (
        f"directory:count{part}:"
        + hashlib.sha256(search.querystring(page=None, sort=None).encode()).hexdigest()
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
        return _paginator(ordered(base, search, count=count), search, count).get_page(requested)
    # Ordered as for few matches (by relevance when there are words); corrected below if not.
    offset = (requested - 1) * PAGE_SIZE
    rows, total = _read(
        ordered(base, search, count=0), search, slice(offset, offset + PAGE_SIZE), total=True
    )
    if total is not None:
        count = _remember(total, search)
    elif requested == 1:
        count = 0
    else:
        count = _count(base, search)
    paginator = _paginator(ordered(base, search, count=count), search, count)
    if rows and query.ranks(search, count=0) == query.ranks(search, count=count):
        return Page(rows, requested, paginator)
    return paginator.get_page(requested)


def _licensed_first(base: QuerySet[Specialist], search: Search, *, requested: int) -> Page:
    """Those licensed where the client lives, then the others, each part read in its own
    order from the listing index: one order over every match would check every licence.

    The parts' totals are counted (a minute's cache above CACHED_COUNT_ABOVE), then the page
    is read from one part, or from the end of the first and the start of the second.
    """
    parts = {
        ":licensed": base.filter(licensed_there=True),  # type: ignore[misc]  # matching alias
        ":others": base.filter(licensed_there=False),  # type: ignore[misc]
    }
    keys = {name: _count_key(search, name) for name in parts}
    cached = cache.get_many(list(keys.values()))
    counts = {
        name: cached[keys[name]] if keys[name] in cached else _remember(part.count(), search, name)
        for name, part in parts.items()
    }
    # The paginator numbers the pages from the total; its own list is never read.
    paginator = _paginator(ordered(base, search, count=0), search, sum(counts.values()))
    number = max(1, min(requested, paginator.num_pages))
    in_order = replace(search, lives_in="")  # each part in the order asked for
    offset, ids = (number - 1) * PAGE_SIZE, list[int]()
    for name, part in parts.items():
        wanted = PAGE_SIZE - len(ids)
        if wanted and offset < counts[name]:
            part_ids = _ids(
                ordered(part, in_order, count=paginator.count), slice(offset, offset + wanted)
            )
            ids += [pk for pk, _total in part_ids]
        offset = max(0, offset - counts[name])
    return Page(_cards_for(ids, search), number, paginator)


def _likely_few(search: Search) -> bool:
    return bool(search.terms or search.lists or search.location or search.place)


def _count(base: QuerySet[Specialist], search: Search) -> int:
    return _remember(base.count(), search)


def _remember(count: int, search: Search, part: str = "") -> int:
    if count > CACHED_COUNT_ABOVE:
        cache.set(_count_key(search, part), count, COUNT_CACHE_SECONDS)
    return count


def _paginator(queryset: QuerySet[Specialist], search: Search, count: int) -> Paginator:
    # _Cards is sliced only: Paginator is told the count.
    paginator: Paginator[Specialist] = Paginator(_Cards(queryset, search), PAGE_SIZE)  # type: ignore[arg-type]
    paginator.count = count  # type: ignore[misc]  # known already; Paginator would count again
    return paginator


class _Cards:
    """What a paginator pages through: the cards of each page, read by `_read`."""

    def __init__(self, queryset: QuerySet[Specialist], search: Search) -> None:
        self.queryset, self.search = queryset, search

    def __getitem__(self, window: slice) -> list[Specialist]:
        return _read(self.queryset, self.search, window, total=False)[0]


def _read(
    queryset: QuerySet[Specialist], search: Search, window: slice, *, total: bool
) -> tuple[list[Specialist], int | None]:
    """The cards in `window` of `queryset`'s order and, with `total`, how many it holds
    (None when the window is empty).

    See `_ids_first` for when the window's ids are read before its cards.
    """
    if not _ids_first(search, window):
        cards = card_rows(queryset)
        if not total:
            return list(cards[window]), None
        rows: list[Specialist] = list(cards.annotate(total=Window(Count("*")))[window])
        return rows, rows[0].total if rows else None  # type: ignore[attr-defined]
    picked = _ids(queryset, window, total=total)
    return _cards_for([pk for pk, _total in picked], search), picked[0][1] if picked else None


def _ids_first(search: Search, window: slice) -> bool:
    """Whether to read a page's ids before its cards: for a page past the first, a search
    by place, and one by the profile's columns alone (where the client lives, the budget,
    the days and times...), whose ids PostgreSQL finds, orders and counts from an index
    (of places; of the listing, which holds those columns). In one query, every row walked
    before the page, or in the search's box, would be read, and each card's specialties
    with it. Words and lists find few profiles through the GIN index, whose rows it reads.
    """
    if window.start or search.place is not None:
        return True
    by_columns = search.lives_in or search.more.params()
    return bool(by_columns) and not (search.terms or search.lists)


def _ids(
    queryset: QuerySet[Specialist], window: slice, *, total: bool = False
) -> list[tuple[int, int | None]]:
    """The ids in `window` of `queryset`'s order, each with the total when asked."""
    if total:
        return list(queryset.annotate(total=Window(Count("*"))).values_list("pk", "total")[window])
    return [(pk, None) for pk in queryset.values_list("pk", flat=True)[window]]


def _cards_for(ids: list[int], search: Search) -> list[Specialist]:
    """The cards of `ids`, in that order; one unlisted since the ids were read is left out
    rather than shown from an old row."""
    found = card_rows(Specialist.objects.filter(pk__in=ids))
    if search.place is not None:
        found = found.annotate(distance_km=nearby.distance_from(search.place))
    by_id = {card.pk: card for card in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def find(search: Search, *, options: Options, now: datetime) -> Results:
    """One page of cards (page numbers past the end show the last page) and the featured.

    Queries: the page with its total (a broad search: the count, then the page, unless the
    count is cached) and the featured cards, each card with its specialties: the same number
    for 0 or 50,000 matches (two more for a page past the end, one more for a "did you mean"
    when words found nobody).
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
    requested = min(search.page, MAX_PAGES)
    if search.lives_in and not search.licensed_only:
        page = _licensed_first(base, search, requested=requested)
        known = None
    else:
        # The total and who is promoted today, in one round trip.
        count_key = _count_key(search)
        known = cache.get_many([count_key, promotions.PROMOTED_KEY])
        cached = known.get(count_key)
        page = _page(
            base,
            search,
            requested=requested,
            cached_count=None if cached is None else int(cached),
        )
    featured = promotions.featured(queryset=base, page_number=page.number, now=now, cached=known)
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
