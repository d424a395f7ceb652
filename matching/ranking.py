"""Ranking specialists for one person's answers, with a plain "why this match" line.

What must hold (a format, a place, a language, a gender, who the help is for) narrows the
directory through directory.search, with its GIN index; the topics named in the person's own
words (through the shared vocabulary) keep those who list at least one. The first POOL of
them in the directory's own order (free consultations first, soonest free) are then scored
by a pure function: shared topics weigh most, then the budget or insurance, the times that
suit, and a free consultation soon. The pool is read as plain rows of what the scoring needs;
only the SHOWN are then read as cards. So the answer costs a fixed number of queries whatever
the size of the directory.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import dateformat
from django.utils.translation import gettext as _

from directory import filters, licensing, local_time, search, taxonomy
from directory.cards import DEFAULT_ORDER, card_rows
from directory.models import Specialist
from matching.answers import Answers

POOL = 200
SHOWN = 10
SOON = timedelta(days=7)
# What the scoring reads of each candidate.
SCORED_FIELDS = (
    "pk",
    "city",
    "region",
    "country",
    "time_zone",
    "fee_per_session",
    "fee_currency",
    "sliding_scale_from",
    "offers_free_consultation",
    "next_free_slot_at",
    "free_times",
)


@dataclass
class Match:
    # A row of SCORED_FIELDS while ranking, the card once shown.
    specialist: Specialist
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Facts:
    """What the scoring reads beyond the card: the topics each candidate shares with the
    person, and whether each accepts the person's payer."""

    topics: dict[int, list[str]]  # specialist id -> names of the shared specialties
    payer_ids: frozenset[int]
    payer_name: str


def search_for(answers: Answers) -> search.Search:
    """The directory search of the answers' firm wishes (the rest is scored, not required)."""
    return search.Search(
        format=answers.format,
        location=answers.location if answers.format == "in_person" else "",
        # Only those who may see the person where they live.
        lives_in=answers.lives_in,
        licensed_only=bool(answers.lives_in),
        language=answers.language,
        more=filters.Filters(gender=answers.gender, age_group=answers.age_group, accepting=True),
    )


def candidates(
    answers: Answers, *, topics: list[int], options: search.Options, now: datetime
) -> QuerySet[Specialist, Any]:
    """Published specialists who meet the firm wishes and list one of `topics` (specialty
    ids; any specialty when empty), in the directory's order, as rows of SCORED_FIELDS."""
    queryset = search.matching(search_for(answers), options=options, now=now)
    if topics:
        if search.uses_full_text():
            tokens = " | ".join(f"specialty{pk}" for pk in topics)
            queryset = queryset.filter(
                search_vector=SearchQuery(tokens, config="simple", search_type="raw")
            )
        else:
            through = Specialist.specialties.through
            queryset = queryset.filter(
                Exists(
                    through._default_manager.filter(
                        specialist_id=OuterRef("pk"), specialty_id__in=topics
                    )
                )
            )
    return queryset.order_by(*DEFAULT_ORDER).values_list(*SCORED_FIELDS, named=True)


def topic_ids(answers: Answers, *, options: search.Options) -> list[int]:
    """The specialties the person's own words name, as ids."""
    slugs = taxonomy.specialties_mentioned(answers.about)
    found = (options.find("specialties", slug) for slug in slugs)
    return [option.pk for option in found if option is not None]


def load_facts(
    pool: list[Specialist], *, topics: list[int], answers: Answers, options: search.Options
) -> Facts:
    """Shared topics and the payer of every candidate: one query each (none when not asked)."""
    ids = [specialist.pk for specialist in pool]
    shared: dict[int, list[str]] = defaultdict(list)
    if topics and ids:
        names = {option.pk: option.name for option in options.specialties}
        rows = Specialist.specialties.through._default_manager.filter(
            specialist_id__in=ids, specialty_id__in=topics
        ).values_list("specialist_id", "specialty_id")
        for specialist_id, specialty_id in rows:
            shared[specialist_id].append(names[specialty_id])
        for found in shared.values():
            found.sort()
    payer = options.find("payers", answers.payer) if answers.payer else None
    payer_ids: frozenset[int] = frozenset()
    if payer is not None and ids:
        payer_ids = frozenset(
            Specialist.payers.through._default_manager.filter(
                specialist_id__in=ids, payer_id=payer.pk
            ).values_list("specialist_id", flat=True)
        )
    return Facts(topics=dict(shared), payer_ids=payer_ids, payer_name=payer.name if payer else "")


def _fits_budget(specialist: Specialist, answers: Answers) -> bool:
    lowest = specialist.sliding_scale_from or specialist.fee_per_session
    return (
        answers.max_fee is not None
        and lowest is not None
        and specialist.fee_currency == answers.currency
        and lowest <= answers.max_fee
    )


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    part = {
        "morning": _("morning"),
        "afternoon": _("afternoon"),
        "evening": _("evening"),
    }[filters.part_of_day(local.hour)]
    return _("%(day)s %(part)s") % {"day": dateformat.format(local, "l"), "part": part}


def score(
    specialist: Specialist,
    *,
    answers: Answers,
    facts: Facts,
    now: datetime,
    zone: ZoneInfo | None,
    explain: bool = True,
) -> Match:
    """One candidate's score and the reasons a person would understand. Pure. Without
    `explain`, the next free time is not worded (the whole pool is scored, few are shown)."""
    match = Match(specialist=specialist, score=0)
    shared = facts.topics.get(specialist.pk, [])
    if shared:
        match.score += 3 * len(shared)
        match.reasons.append(_("Works with %(topics)s") % {"topics": _names(shared).lower()})
    if answers.format == "online":
        match.reasons.append(_("Online sessions"))
    elif answers.format == "in_person":
        where = specialist.city or specialist.region or specialist.country
        match.reasons.append(
            _("In person in %(place)s") % {"place": where} if where else _("In person")
        )
    if answers.lives_in:
        match.reasons.append(
            _("Licensed to see clients in %(area)s") % {"area": licensing.name_of(answers.lives_in)}
        )
    if answers.language:
        match.reasons.append(_("Speaks your language"))
    if _fits_budget(specialist, answers):
        match.score += 2
        if specialist.sliding_scale_from is not None:
            match.reasons.append(
                _("Fits your budget (sliding scale from %(fee)s %(currency)s)")
                % {"fee": specialist.sliding_scale_from, "currency": specialist.fee_currency}
            )
        else:
            match.reasons.append(_("Fits your budget"))
    if specialist.pk in facts.payer_ids:
        match.score += 2
        match.reasons.append(_("Accepts %(payer)s") % {"payer": facts.payer_name})
    if (answers.times or answers.days) and specialist.free_times & filters.times_mask(
        days=answers.days, parts=answers.times
    ):
        match.score += 2
        match.reasons.append(_("Has free consultation times that suit you"))
    moment = specialist.next_free_slot_at
    if specialist.offers_free_consultation and moment is not None and moment >= now:
        match.score += 2 if moment <= now + SOON else 1
    if explain and specialist.offers_free_consultation and moment is not None and moment >= now:
        shown_zone = zone or local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
        match.reasons.append(
            _("Free consultation %(when)s") % {"when": _when(moment, shown_zone)}
            + ("" if zone else " " + _("(their time)"))
        )
    return match


def rank(
    pool: list[Specialist], *, answers: Answers, facts: Facts, now: datetime, zone: ZoneInfo | None
) -> list[Match]:
    """The best SHOWN candidates, highest score first; ties keep the directory's order. Pure."""
    scored = [
        score(specialist, answers=answers, facts=facts, now=now, zone=zone, explain=False)
        for specialist in pool
    ]
    order = {id(match): index for index, match in enumerate(scored)}
    scored.sort(key=lambda match: (-match.score, order[id(match)]))
    return [
        score(match.specialist, answers=answers, facts=facts, now=now, zone=zone)
        for match in scored[:SHOWN]
    ]


@dataclass(frozen=True)
class Result:
    matches: list[Match]
    topics: list[str]  # the specialties read from the person's words, by name


def match(
    answers: Answers, *, options: search.Options, now: datetime, reader: ZoneInfo | None = None
) -> Result:
    """The ranked matches for these answers; times in the zone the answers came from, else
    `reader`'s. Queries: the pool, the shared topics, the payer (when asked), and the cards
    shown."""
    topics = topic_ids(answers, options=options)
    pool = list(candidates(answers, topics=topics, options=options, now=now)[:POOL])
    facts = load_facts(pool, topics=topics, answers=answers, options=options)
    zone = local_time.zone_named(answers.tz) or reader
    ranked = rank(pool, answers=answers, facts=facts, now=now, zone=zone)
    shown = [match.specialist.pk for match in ranked]
    cards = {card.pk: card for card in card_rows(Specialist.objects.listed().filter(pk__in=shown))}
    # One unlisted meanwhile is left out rather than shown from the old row.
    matches = [
        replace(match, specialist=cards[pk])
        for match, pk in zip(ranked, shown, strict=True)
        if pk in cards
    ]
    names = {option.pk: option.name for option in options.specialties}
    return Result(matches=matches, topics=[names[pk] for pk in topics])
