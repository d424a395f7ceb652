"""A search as the URL states it: `parse()` is pure, and whatever a visitor puts in the URL
becomes a valid `Search` plus notices about what was ignored, never an exception."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from directory import filters, licensing, nearby, places

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
