"""Counting what visitors do with a listing, cheaply and privately.

A request adds to aggregated counters: with Redis, fields of one hash incremented with
HINCRBY (atomic, so simultaneous requests never lose or double a count); a beat job renames
the hash (atomic too, so counts made meanwhile go to a new one), adds what it held to the
daily rows in one transaction, then deletes it. A flush that dies before its commit loses
those counts rather than adding them twice. Without Redis (development) each count is an
atomic UPDATE of its daily row. Nothing per visitor is stored: no address, no cookie, no id;
bots and the specialist's own visits are not counted.
"""

import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis import Redis
from redis.exceptions import ResponseError

from directory.models import Specialist
from insights.models import DailyCount

SOURCES = ("search", "article", "promotion", "widget", "share")
OTHER = "other"
# Crawlers, link previews, monitors and headless browsers name themselves; no name, no count.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|monitor|curl|wget|python|headless|http|feed|scan",
    re.IGNORECASE,
)
KEY = "insights:counts"
FLUSH_SECONDS = 300


@dataclass(frozen=True)
class Event:
    """A count for a specialist named by id or, when the request only knows it, by slug."""

    metric: str
    specialist: int | str
    source: str = ""


def source_of(request: HttpRequest) -> str:
    """Where a visit came from, from our own links' ?src=; anything else is "other"."""
    value = request.GET.get("src", "")
    return value if value in SOURCES else OTHER


def is_counted(request: HttpRequest, *, slug: str | None = None) -> bool:
    """Only people count: not bots, and not a specialist looking at their own listing."""
    agent = request.headers.get("User-Agent", "")
    if not agent or BOTS.search(agent):
        return False
    user = getattr(request, "user", None)
    if slug is not None and user is not None and user.is_authenticated and user.is_specialist:
        return not Specialist.objects.filter(owner=user, slug=slug).exists()
    return True


def _redis() -> Redis | None:
    """The Redis server behind the cache, or None when the cache is not Redis."""
    if isinstance(caches["default"], RedisCache):
        return get_redis_connection("default")
    return None


def _field(day: date, event: Event) -> str:
    kind = "id" if isinstance(event.specialist, int) else "slug"
    return f"{day.isoformat()}|{event.metric}|{event.source}|{kind}|{event.specialist}"


def record(*, events: Iterable[Event], now: datetime) -> None:
    """Add one to each event's counter for today (UTC): one round trip to Redis."""
    day = now.date()
    tally = Counter(_field(day, event) for event in events)
    if not tally:
        return
    redis = _redis()
    if redis is not None:
        pipe = redis.pipeline(transaction=False)
        for field, amount in tally.items():
            pipe.hincrby(cache.make_key(KEY), field, amount)
        pipe.execute()
    else:
        _add(tally)


def flush() -> int:
    """Move the counters into daily rows; the number of rows touched. Safe to run in
    several workers at once: only the one whose RENAME succeeds reads a given hash."""
    redis = _redis()
    if redis is None:
        return 0
    taken = cache.make_key(f"{KEY}:flushing:{uuid.uuid4().hex}")
    try:
        redis.rename(cache.make_key(KEY), taken)
    except ResponseError:
        return 0  # nothing counted since the last flush
    redis.expire(taken, 3600)  # if this worker dies now, those counts expire, never doubled
    held = redis.hgetall(taken)
    touched = _add(Counter({_text(field): int(value) for field, value in held.items()}))
    redis.delete(taken)
    return touched


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@transaction.atomic
def _add(tally: Counter[str]) -> int:
    """Add counted amounts to their daily rows (created at 0 first), in one transaction."""
    slugs = {field.rsplit("|", 1)[1] for field in tally if "|slug|" in field}
    ids = dict(Specialist.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    amounts: Counter[tuple[int, date, str, str]] = Counter()
    for field, amount in tally.items():
        day_text, metric, source, kind, who = field.split("|")
        pk = int(who) if kind == "id" else ids.get(who)
        if pk is not None and metric in DailyCount.Metric.values:
            amounts[(pk, date.fromisoformat(day_text), metric, source)] += amount
    DailyCount.objects.bulk_create(
        [
            DailyCount(specialist_id=pk, day=day, metric=metric, source=source)
            for pk, day, metric, source in amounts
        ],
        ignore_conflicts=True,
    )
    for (pk, day, metric, source), amount in sorted(amounts.items()):
        DailyCount.objects.filter(specialist_id=pk, day=day, metric=metric, source=source).update(
            count=F("count") + amount
        )
    return len(amounts)


def count_search(request: HttpRequest, listed: Sequence[int], featured: Sequence[int]) -> None:
    """directory.reach listener: each card on a results page is one appearance in search."""
    if not is_counted(request):
        return
    metric = DailyCount.Metric.SEARCH_IMPRESSION
    record(
        events=[
            *(Event(metric=metric, specialist=pk, source="search") for pk in listed),
            *(Event(metric=metric, specialist=pk, source="promotion") for pk in featured),
        ],
        now=timezone.now(),
    )
