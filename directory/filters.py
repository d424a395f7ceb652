"""The filters people expect beyond words and the three lists: budget, insurance, the
specialist's gender, who the help is for, communities served, accepting new clients, and
the days and times of day with free consultation slots.

Like the rest of a search they live in the URL, are parsed without ever raising (bad input
is dropped with a notice) and combine with every other part. Payers, age groups and
communities are curated lists, matched like specialties (a token in the GIN-indexed vector on
PostgreSQL); the others are columns of the profile.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import CURRENCY_CHOICES, Specialist

SLUG = re.compile(r"^[-a-z0-9]{1,60}$")
MAX_FEE = 100_000
DEFAULT_CURRENCY = "CAD"
CURRENCIES = tuple(code for code, _label in CURRENCY_CHOICES)

# Parts of the day, by the local hour a slot starts at (in the specialist's time zone).
PARTS = {
    "morning": gettext_lazy("Mornings (before 12:00)"),
    "afternoon": gettext_lazy("Afternoons (12:00 to 17:00)"),
    "evening": gettext_lazy("Evenings (from 17:00)"),
}
DAYS = {
    "mon": gettext_lazy("Monday"),
    "tue": gettext_lazy("Tuesday"),
    "wed": gettext_lazy("Wednesday"),
    "thu": gettext_lazy("Thursday"),
    "fri": gettext_lazy("Friday"),
    "sat": gettext_lazy("Saturday"),
    "sun": gettext_lazy("Sunday"),
}
GENDERS = {
    Specialist.Gender.WOMAN.value: gettext_lazy("A woman"),
    Specialist.Gender.MAN.value: gettext_lazy("A man"),
    Specialist.Gender.NON_BINARY.value: gettext_lazy("A non-binary person"),
}
# The three lists these filters add, by URL parameter: (Options attribute, label).
LISTS = {
    "payer": ("payers", gettext_lazy("insurance or payer")),
    "age_group": ("age_groups", gettext_lazy("age group")),
    "community": ("communities", gettext_lazy("community")),
}


def part_of_day(hour: int) -> str:
    if hour < 12:
        return "morning"
    return "afternoon" if hour < 17 else "evening"


def time_bit(*, weekday: int, hour: int) -> int:
    """The bit of `Specialist.free_times` for a slot starting at this local weekday
    (0 is Monday) and hour."""
    return 1 << (weekday * len(PARTS) + list(PARTS).index(part_of_day(hour)))


def times_mask(*, days: tuple[str, ...], parts: tuple[str, ...]) -> int:
    """Every bit for these days and parts of the day (all of one when none is chosen)."""
    mask = 0
    for weekday, day in enumerate(DAYS):
        if days and day not in days:
            continue
        for index, part in enumerate(PARTS):
            if parts and part not in parts:
                continue
            mask |= 1 << (weekday * len(PARTS) + index)
    return mask


@dataclass(frozen=True)
class Filters:
    """The filters of one search, as the URL states them. Every field is already valid."""

    max_fee: int | None = None
    currency: str = ""
    payer: str = ""
    gender: str = ""
    age_group: str = ""
    community: str = ""
    accepting: bool = False
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()

    def params(self) -> dict[str, str]:
        """The URL parameters that are set (several days or times joined by commas)."""
        values: dict[str, Any] = {
            "max_fee": self.max_fee or "",
            "currency": self.currency if self.max_fee else "",
            "payer": self.payer,
            "gender": self.gender,
            "age_group": self.age_group,
            "community": self.community,
            "accepting": "1" if self.accepting else "",
            "days": ",".join(self.days),
            "times": ",".join(self.times),
        }
        return {name: str(value) for name, value in values.items() if value}

    def lists(self) -> list[tuple[str, str]]:
        """The curated lists chosen, as (Options attribute, slug)."""
        return [
            (LISTS[name][0], slug)
            for name, slug in (
                ("payer", self.payer),
                ("age_group", self.age_group),
                ("community", self.community),
            )
            if slug
        ]


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    """Several values of one parameter: repeated (checkboxes) or joined by commas (links)."""
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else [params.get(name) or ""]
    return [part.strip().lower() for value in raw for part in str(value).split(",") if part.strip()]


def parse(params: Mapping[str, Any], notices: list[str]) -> Filters:
    """Read the filters from query parameters; what is malformed is dropped with a notice."""

    def slug(name: str) -> str:
        value = (params.get(name) or "").strip().lower()
        if value and not SLUG.match(value):
            notices.append(_("We did not recognise that %(filter)s.") % {"filter": LISTS[name][1]})
            return ""
        return value

    def chosen(name: str, allowed: Mapping[str, object], message: str) -> tuple[str, ...]:
        values = _values(params, name)
        if any(value not in allowed for value in values):
            notices.append(message)
        return tuple(key for key in allowed if key in values)

    raw_fee = (params.get("max_fee") or "").strip()
    max_fee = None
    if raw_fee:
        if raw_fee.isascii() and raw_fee.isdigit() and len(raw_fee) <= 9 and int(raw_fee) > 0:
            max_fee = min(int(raw_fee), MAX_FEE)
        else:
            notices.append(_("A budget must be a whole number, such as 120."))
    currency = (params.get("currency") or "").strip().upper()
    if currency and currency not in CURRENCIES:
        notices.append(_("We did not recognise that currency."))
        currency = ""
    gender = (params.get("gender") or "").strip()
    if gender and gender not in GENDERS:
        notices.append(_("We did not recognise that gender."))
        gender = ""
    return Filters(
        max_fee=max_fee,
        currency=(currency or DEFAULT_CURRENCY) if max_fee else "",
        payer=slug("payer"),
        gender=gender,
        age_group=slug("age_group"),
        community=slug("community"),
        accepting=(params.get("accepting") or "") in ("1", "on", "true"),
        days=chosen("days", DAYS, _("We did not recognise one of those days.")),
        times=chosen("times", PARTS, _("We did not recognise one of those times of day.")),
    )


def narrow(queryset: QuerySet[Specialist], filters: Filters) -> QuerySet[Specialist]:
    """`queryset` narrowed by the filters that are columns of the profile (the three lists
    are matched with the others in directory.search)."""
    if filters.max_fee:
        # A sliding scale fits the budget when its lowest fee does.
        queryset = queryset.alias(
            lowest_fee=Coalesce(F("sliding_scale_from"), F("fee_per_session"))
        ).filter(fee_currency=filters.currency, lowest_fee__lte=filters.max_fee)
    if filters.gender:
        queryset = queryset.filter(gender=filters.gender)
    if filters.accepting:
        queryset = queryset.filter(accepting_new_clients=True)
    if filters.days or filters.times:
        mask = times_mask(days=filters.days, parts=filters.times)
        queryset = queryset.alias(free_in_mask=F("free_times").bitand(mask)).filter(
            ~Q(free_in_mask=0)
        )
    return queryset


def describe(
    name: str, value: str, *, filters: Filters, option_name: str | None = None
) -> str | None:
    """A short label for one of these filters in the list of active ones; None when `name`
    is not one of them (or, for the currency, is shown with the budget)."""
    if name == "max_fee":
        return _("Up to %(fee)s %(currency)s per session") % {
            "fee": value,
            "currency": filters.currency,
        }
    if name == "currency":
        return None
    if name in LISTS:
        return option_name or value
    if name == "gender":
        return str(GENDERS.get(value, value))
    if name == "accepting":
        return _("Accepting new clients")
    if name == "days":
        return ", ".join(str(DAYS[day]) for day in value.split(",") if day in DAYS)
    if name == "times":
        return ", ".join(str(PARTS[part]) for part in value.split(",") if part in PARTS)
    return None
