"""A specialist's hours and booking rules as slot reads see them.

The checks a change of hours passes, the lock every change takes first, and the cached
copy of the hours, keyed by a version token that each committed change replaces.
"""

import itertools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _

from bookings.models import (
    AvailabilityException,
    BookingSettings,
    Weekday,
    WeeklyHours,
    new_feed_token,
)
from bookings.slots import Exception_, Interval, Rules, wall_minutes, weekly_map
from directory.models import Specialist


class AvailabilityError(Exception):
    """The hours given cannot be saved; the message is safe to show."""


def check_ranges(ranges: Sequence[tuple[int, time, time]]) -> None:
    """Raise AvailabilityError unless every range ends after it starts and none overlap."""
    by_day: dict[int, list[Interval]] = defaultdict(list)
    for weekday, starts, ends in ranges:
        interval = (wall_minutes(starts), wall_minutes(ends, end=True))
        if interval[1] <= interval[0]:
            raise AvailabilityError(_("The end must be after the start."))
        by_day[weekday].append(interval)
    for weekday, intervals in sorted(by_day.items()):
        intervals.sort()
        for (_first_start, first_end), (second_start, _second_end) in itertools.pairwise(intervals):
            if second_start < first_end:
                raise AvailabilityError(
                    _("Two ranges on %(day)s overlap.") % {"day": Weekday(weekday).label}
                )


HOURS_CACHE_SECONDS = 600  # also bounds how long an edit made in the admin takes to show


@dataclass(frozen=True)
class Hours:
    """What changes only when the specialist edits it: rules, weekly hours, exceptions."""

    rules: Rules
    weekly: dict[int, list[Interval]]
    exceptions: tuple[Exception_, ...]
    since: date  # exceptions are complete from this date on


def _specialist_key(specialist: Specialist) -> str:
    # The creation time keeps a reused id (SQLite reuses freed ones) from meeting old hours.
    created = specialist.created_at.timestamp() if specialist.created_at else 0
    return f"{specialist.pk}:{created}"


def _token_key(specialist: Specialist) -> str:
    return f"bookings:hours-token:{_specialist_key(specialist)}"


def hours_changed(*, specialist: Specialist) -> None:
    """Call inside the transaction of any change to hours, time off or booking rules: once
    it commits, cached hours are never read again."""
    key = _token_key(specialist)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))


def lock_specialist(*, specialist: Specialist) -> None:
    """Take the specialist's row lock, the first lock of every change to their bookings or
    hours (then the client's, then the consultation's): changes queue, in one order."""
    Specialist.objects.select_for_update().filter(pk=specialist.pk).values_list("pk").first()


# Weekly hours and dated exceptions in one round trip, written out because every booking
# reads them (the ORM took longer to build the union than the database to answer it).
_HOURS_SQL = f"""
SELECT 'w', weekday, NULL, starts, ends FROM {WeeklyHours._meta.db_table}
WHERE specialist_id = %(specialist)s
UNION ALL
SELECT kind, 0, date, starts, ends FROM {AvailabilityException._meta.db_table}
WHERE specialist_id = %(specialist)s AND date >= %(since)s
"""  # noqa: S608 (table names only; every value is a parameter)


def _as_time(value: time | str | None) -> time | None:
    """SQLite gives a written-out query's times as text."""
    return time.fromisoformat(value) if isinstance(value, str) else value


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def read_hours(*, specialist: Specialist, since: date, rules: Rules | None = None) -> Hours:
    """Two queries: the settings (none when loaded with select_related, or when the caller
    gives the `rules` it has just read), then the weekly hours and the exceptions from
    `since` on, in one round trip."""
    if rules is not None:
        booking_settings = None
    elif Specialist.booking_settings.is_cached(specialist):
        booking_settings = getattr(specialist, "booking_settings", None)
    else:
        booking_settings = BookingSettings.objects.filter(specialist=specialist).first()
    with connection.cursor() as cursor:
        cursor.execute(
            _HOURS_SQL,
            {
                "specialist": specialist.pk,
                "since": connection.ops.adapt_datefield_value(since),
            },
        )
        rows = cursor.fetchall()
    weekly: list[tuple[int, time, time]] = []
    exceptions: list[Exception_] = []
    for kind, weekday, day, start, end in rows:
        start, end = _as_time(start), _as_time(end)
        if kind == "w" and start is not None and end is not None:
            weekly.append((weekday, start, end))
        elif kind != "w":
            exceptions.append(
                Exception_(
                    date=_as_date(day),
                    off=kind == AvailabilityException.Kind.OFF,
                    starts=start,
                    ends=end,
                )
            )
    return Hours(
        rules=rules or Rules.from_settings(booking_settings),
        weekly=weekly_map(weekly),
        exceptions=tuple(exceptions),
        since=since,
    )


def hours_for(*, specialist: Specialist, since: date) -> Hours:
    """The specialist's hours, from the cache when it holds them: one cache round trip.

    The entry carries the version token read before the hours were, and counts only while
    that token is current. Every committed edit replaces the token (`hours_changed`), so a
    reader that read the old hours can never make them current again. The cache is filled
    only outside transactions, so it never holds a write that may still be rolled back.
    """
    token_key, key = _token_key(specialist), f"bookings:hours:v3:{_specialist_key(specialist)}"
    found = cache.get_many([token_key, key])
    token = found.get(token_key)
    cached = found.get(key)
    if token is not None and isinstance(cached, tuple) and len(cached) == 2:
        cached_token, hours = cached
        if cached_token == token and isinstance(hours, Hours) and hours.since <= since:
            return hours
    if token is None:
        cache.add(token_key, uuid.uuid4().hex, None)
        token = cache.get(token_key)
    hours = read_hours(specialist=specialist, since=since)
    if token is not None and not connection.in_atomic_block:
        cache.set(key, (token, hours), HOURS_CACHE_SECONDS)
    return hours


def settings_for(*, specialist: Specialist) -> BookingSettings:
    """The specialist's settings row, created with the defaults the first time it is needed."""
    booking_settings, _created = BookingSettings.objects.get_or_create(specialist=specialist)
    return booking_settings


def new_feed_address(*, specialist: Specialist) -> BookingSettings:
    """Give the specialist's calendar feed a new secret address; the old one stops working."""
    booking_settings = settings_for(specialist=specialist)
    booking_settings.feed_token = new_feed_token()
    booking_settings.save(update_fields=["feed_token"])
    return booking_settings
