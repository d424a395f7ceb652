"""Promoted listings: who is featured, fairly rotated, and a record of every change.

A promotion makes a published specialist who offers a free consultation appear as
"Featured" at the top of the searches they match and on the home page, at most
`FEATURED_PER_PAGE` at a time. When more are eligible, they take turns: the window moves
every `ROTATION_SECONDS` and each results page starts where the previous one stopped, so
every promoted specialist is shown as often as the others.
"""

import operator
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.cards import DEFAULT_ORDER, card_rows
from directory.models import Promotion, PromotionChange, Specialist, User

FEATURED_PER_PAGE = 3
ROTATION_SECONDS = 60
# Who is promoted today is kept a minute, so that a results page with nobody promoted asks
# the database nothing; promote, change and remove forget it at once.
PROMOTED_SECONDS = 60
PROMOTED_KEY = "promotions:promoted"
PROMOTED_DAYS_KEPT = 4
T = TypeVar("T")
FREE_CONSULTATION_ONLY = gettext_lazy(
    "Only specialists who offer a free consultation can be featured."
)


class PromotionError(Exception):
    """A promotion rule was broken; the message is safe to show to the admin."""


def rotate(candidates: Sequence[T], *, turn: int, limit: int = FEATURED_PER_PAGE) -> list[T]:
    """`limit` consecutive candidates starting at `turn`, wrapping around: over `len` turns
    each candidate appears `limit` times and in each position once."""
    if not candidates:
        return []
    count = len(candidates)
    return [candidates[(turn + offset) % count] for offset in range(min(limit, count))]


def turn_for(*, now: datetime, page_number: int) -> int:
    window = int(now.timestamp()) // ROTATION_SECONDS
    return (window + page_number - 1) * FEATURED_PER_PAGE


def active_on(day: date) -> QuerySet[Promotion]:
    return Promotion.objects.filter(starts_on__lte=day, ends_on__gte=day)


def promoted_ids(day: date, *, cached: dict[str, Any] | None = None) -> list[int]:
    """The specialists promoted on `day` (a handful), from the cache (or from `cached`, what
    a caller read from the cache in the same round trip as its own keys)."""
    entry = cache.get(PROMOTED_KEY) if cached is None else cached.get(PROMOTED_KEY)
    known: dict[date, list[int]] = entry or {}
    if day not in known:
        ids = sorted(set(active_on(day).values_list("specialist_id", flat=True)))
        recent = sorted(known.items())[-(PROMOTED_DAYS_KEPT - 1) :]
        known = {**dict(recent), day: ids}
        cache.set(PROMOTED_KEY, known, PROMOTED_SECONDS)
    return known[day]


def _forget_promoted() -> None:
    transaction.on_commit(lambda: cache.delete(PROMOTED_KEY))


def featured(
    *,
    queryset: QuerySet[Specialist],
    page_number: int,
    now: datetime,
    cached: dict[str, Any] | None = None,
) -> list[Specialist]:
    """The featured cards for one results page of `queryset`: published profiles, already
    narrowed to the search. `cached`: see `promoted_ids`.

    At most one query, none when nobody is promoted today: promotions are few, so every
    eligible card is read and the turn picked here.
    """
    promoted = promoted_ids(timezone.localdate(now), cached=cached)
    if not promoted:
        return []
    # Ordered here: the handful read needs no ORDER BY built for it.
    eligible = sorted(
        card_rows(queryset.filter(offers_free_consultation=True, pk__in=promoted)),
        key=operator.attrgetter("pk"),
    )
    for card in eligible:
        card.is_featured = True  # type: ignore[attr-defined]
    return rotate(eligible, turn=turn_for(now=now, page_number=page_number))


def _snapshot(promotion: Promotion) -> dict[str, Any]:
    return {
        "specialist_id": promotion.specialist_id,
        "starts_on": promotion.starts_on.isoformat(),
        "ends_on": promotion.ends_on.isoformat(),
        "note": promotion.note,
    }


def check(*, specialist: Specialist, starts_on: date, ends_on: date) -> None:
    """Raise PromotionError when this promotion could never be shown."""
    if ends_on < starts_on:
        raise PromotionError(_("The last day must be on or after the first day."))
    if not specialist.offers_free_consultation:
        raise PromotionError(str(FREE_CONSULTATION_ONLY))


@transaction.atomic
def promote(
    *, specialist: Specialist, starts_on: date, ends_on: date, actor: User, note: str = ""
) -> Promotion:
    """Promote a listing for a date range (both days included) and record who did it.

    Raises PromotionError for an inverted range or a specialist without free consultations.
    Only staff may call this: the admin is the only way in.
    """
    check(specialist=specialist, starts_on=starts_on, ends_on=ends_on)
    try:
        with transaction.atomic():
            promotion = Promotion.objects.create(
                specialist=specialist,
                starts_on=starts_on,
                ends_on=ends_on,
                note=note,
                created_by=actor,
            )
    except IntegrityError:
        # The database's trigger (migration 0014): the offer was withdrawn meanwhile.
        raise PromotionError(str(FREE_CONSULTATION_ONLY)) from None
    PromotionChange.objects.create(
        promotion_id_at_change=promotion.pk,
        specialist=specialist,
        actor=actor,
        action=PromotionChange.Action.CREATED,
        details={"after": _snapshot(promotion)},
    )
    _forget_promoted()
    return promotion


@transaction.atomic
def change(
    *, promotion: Promotion, starts_on: date, ends_on: date, note: str, actor: User
) -> Promotion:
    """Change a promotion's dates or note; the log keeps before and after."""
    locked = Promotion.objects.select_for_update().select_related("specialist").get(pk=promotion.pk)
    check(specialist=locked.specialist, starts_on=starts_on, ends_on=ends_on)
    before = _snapshot(locked)
    locked.starts_on, locked.ends_on, locked.note = starts_on, ends_on, note
    try:
        with transaction.atomic():
            locked.save(update_fields=["starts_on", "ends_on", "note"])
    except IntegrityError:
        raise PromotionError(str(FREE_CONSULTATION_ONLY)) from None
    PromotionChange.objects.create(
        promotion_id_at_change=locked.pk,
        specialist=locked.specialist,
        actor=actor,
        action=PromotionChange.Action.CHANGED,
        details={"before": before, "after": _snapshot(locked)},
    )
    _forget_promoted()
    return locked


@transaction.atomic
def remove(*, promotion: Promotion, actor: User) -> None:
    """Delete a promotion; the log keeps what it was."""
    PromotionChange.objects.create(
        promotion_id_at_change=promotion.pk,
        specialist_id=promotion.specialist_id,
        actor=actor,
        action=PromotionChange.Action.DELETED,
        details={"before": _snapshot(promotion)},
    )
    promotion.delete()
    _forget_promoted()


def home_page(*, now: datetime) -> list[Specialist]:
    """Featured listings for the home page: promoted first, topped up with others who offer
    a free consultation, so the section is never empty while anyone offers one."""
    promoted = featured(queryset=Specialist.objects.listed(), page_number=1, now=now)
    missing = FEATURED_PER_PAGE - len(promoted)
    others: list[Specialist] = []
    if missing > 0:
        others = list(
            card_rows(
                Specialist.objects.offering_free_consultations()
                .exclude(pk__in=[s.pk for s in promoted])
                .order_by(*DEFAULT_ORDER)
            )[:missing]
        )
    return [*promoted, *others]
