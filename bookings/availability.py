"""Free 30-minute slots: a pure calculation, and the three queries that feed it.

Availability is wall-clock time in the specialist's IANA zone. A slot is the moment a
wall time on a date names in that zone, lasting 30 real minutes:
- a wall time that does not exist (the spring-forward gap) is never offered;
- a repeated wall time (the autumn fold) is offered twice, once at each occurrence, and
  the pages label the two apart by their offset;
- 09:00 stays 09:00 on both sides of a transition.
"""

import bisect
import dataclasses
import itertools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _

from bookings.models import (
    CONSULTATION_MINUTES,
    AvailabilityException,
    BookingSettings,
    BusyTime,
    Consultation,
    Hold,
    WaitlistEntry,
    WeeklyHours,
)
from directory import local_time
from directory.models import Specialist

SLOT = timedelta(minutes=CONSULTATION_MINUTES)
DAY_MINUTES = 24 * 60

Interval = tuple[int, int]  # minutes since local midnight, end exclusive


@dataclass(frozen=True)
class Rules:
    """A specialist's booking rules (BookingSettings, or its defaults)."""

    buffer: timedelta = timedelta(0)
    notice: timedelta = timedelta(hours=12)
    horizon: timedelta = timedelta(days=30)
    daily_cap: int | None = None

    @classmethod
    def from_settings(cls, booking_settings: BookingSettings | None) -> "Rules":
        if booking_settings is None:
            return cls()
        return cls(
            buffer=timedelta(minutes=booking_settings.buffer_minutes),
            notice=timedelta(hours=booking_settings.notice_hours),
            horizon=timedelta(days=booking_settings.horizon_days),
            daily_cap=booking_settings.daily_cap,
        )


@dataclass(frozen=True)
class Exception_:
    date: date
    off: bool
    starts: time | None
    ends: time | None


@dataclass(frozen=True)
class Calendar:
    """Everything slot generation needs for one specialist, loaded once."""

    zone: ZoneInfo
    rules: Rules
    weekly: dict[int, list[Interval]] = field(default_factory=dict)
    exceptions: Sequence[Exception_] = ()
    busy: Sequence[tuple[datetime, datetime]] = ()
    # Times the specialist is busy elsewhere (their own calendars): they block slots, with the
    # buffer, but are not consultations, so the daily cap does not count them.
    blocked: Sequence[tuple[datetime, datetime]] = ()
    # The range of slot starts for which `busy` is complete (None: no such promise).
    covers: tuple[datetime, datetime] | None = None


class Slot(NamedTuple):
    starts_at: datetime
    ends_at: datetime


def _minutes(value: time, *, end: bool = False) -> int:
    minutes = value.hour * 60 + value.minute
    return DAY_MINUTES if end and minutes == 0 else minutes


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[Interval], holes: Iterable[Interval]) -> list[Interval]:
    result = intervals
    for hole_start, hole_end in holes:
        next_result: list[Interval] = []
        for start, end in result:
            if hole_end <= start or hole_start >= end:
                next_result.append((start, end))
                continue
            if start < hole_start:
                next_result.append((start, hole_start))
            if hole_end < end:
                next_result.append((hole_end, end))
        result = next_result
    return result


def open_intervals(calendar: Calendar, day: date) -> list[Interval]:
    """The wall-clock intervals open on `day`: weekly hours, plus extra hours, minus time off."""
    todays = [e for e in calendar.exceptions if e.date == day]
    intervals = list(calendar.weekly.get(day.weekday(), []))
    for exception in todays:
        if not exception.off and exception.starts is not None and exception.ends is not None:
            intervals.append((_minutes(exception.starts), _minutes(exception.ends, end=True)))
    holes = []
    for exception in todays:
        if exception.off:
            if exception.starts is None or exception.ends is None:
                return []
            holes.append((_minutes(exception.starts), _minutes(exception.ends, end=True)))
    return _subtract(_merge(intervals), holes)


def _wall_slots(day: date, zone: ZoneInfo, intervals: list[Interval]) -> Iterable[datetime]:
    """Aware starts for each 30-minute wall step: none in a gap, two for a repeated wall time."""
    step = CONSULTATION_MINUTES
    midnight = datetime.combine(day, time(0))
    offset = midnight.replace(tzinfo=zone).utcoffset()
    next_offset = (midnight + timedelta(days=1)).replace(tzinfo=zone).utcoffset()
    if offset is not None and offset == next_offset and _steady(midnight, zone, offset):
        # The usual day: one UTC offset throughout, so wall minutes map by addition.
        base = (midnight - offset).replace(tzinfo=UTC)
        for start, end in intervals:
            for minute in range(start, end - step + 1, step):
                yield base + timedelta(minutes=minute)
        return
    for start, end in intervals:
        for minute in range(start, end - step + 1, step):
            wall = midnight + timedelta(minutes=minute)
            moment = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first occurrence
            if moment.astimezone(zone).replace(tzinfo=None) != wall:
                continue  # inside a spring-forward gap: this wall time does not exist
            yield moment
            second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
            if second != moment:
                yield second  # the same wall time again, after the clocks went back


def _steady(midnight: datetime, zone: ZoneInfo, offset: timedelta) -> bool:
    """No transition inside the day (one that went and came back would show at noon)."""
    return (midnight + timedelta(hours=12)).replace(tzinfo=zone).utcoffset() == offset


def slots(
    calendar: Calendar,
    *,
    now: datetime,
    starts: datetime,
    ends: datetime,
    ignore: tuple[datetime, datetime] | None = None,
) -> list[Slot]:
    """Bookable slots starting in [starts, ends): pure, no queries.

    Respects the notice window and horizon measured from `now`, the buffer around busy
    times (`ignore` is one busy range to leave out, the consultation being moved) and the
    daily cap per local date of the specialist.
    """
    zone, rules = calendar.zone, calendar.rules
    earliest = max(starts, now + rules.notice)
    latest = min(ends, now + rules.horizon)
    if earliest >= latest:
        return []
    consultations = [b for b in calendar.busy if b != ignore]
    per_day: dict[date, int] = defaultdict(int)
    if rules.daily_cap is not None:
        for busy_start, _busy_end in consultations:
            per_day[busy_start.astimezone(zone).date()] += 1
    busy = sorted([*consultations, *calendar.blocked])
    # Busy starts in order, and the latest end among the first i of them: a slot clashes
    # when some busy range starting before its end (plus buffer) ends after its start.
    busy_starts = [busy_start for busy_start, _busy_end in busy]
    latest_end: list[datetime] = []
    for _busy_start, busy_end in busy:
        latest_end.append(max(busy_end, latest_end[-1]) if latest_end else busy_end)
    # Slots in range come from the local dates of its two ends and those between, and from
    # the day after when the end falls in a repeated hour (which may reach back over midnight).
    first_day = earliest.astimezone(zone).date()
    local_latest = latest.astimezone(zone)
    last_day = local_latest.date() + timedelta(days=local_latest.fold)
    found: list[Slot] = []
    day = first_day
    while day <= last_day:
        if rules.daily_cap is not None and per_day[day] >= rules.daily_cap:
            day += timedelta(days=1)
            continue
        for moment in _wall_slots(day, zone, open_intervals(calendar, day)):
            if not earliest <= moment < latest:
                continue
            end = moment + SLOT
            before = bisect.bisect_left(busy_starts, end + rules.buffer)
            if before and latest_end[before - 1] + rules.buffer > moment:
                continue
            found.append(Slot(moment, end))
        day += timedelta(days=1)
    found.sort()
    return found


def first_slot(calendar: Calendar, *, now: datetime) -> Slot | None:
    """The earliest bookable slot within the horizon, or None."""
    horizon_end = now + calendar.rules.horizon
    window_start = now
    # Look a week at a time: most specialists have a free slot in the first one.
    while window_start < horizon_end:
        window_end = min(window_start + timedelta(days=7), horizon_end)
        found = slots(calendar, now=now, starts=window_start, ends=window_end)
        if found:
            return found[0]
        window_start = window_end
    return None


# --- Loading from the database ----------------------------------------------------------


def _weekly_map(rows: Iterable[tuple[int, time, time]]) -> dict[int, list[Interval]]:
    weekly: dict[int, list[Interval]] = defaultdict(list)
    for weekday, start, end in rows:
        weekly[weekday].append((_minutes(start), _minutes(end, end=True)))
    return {weekday: _merge(intervals) for weekday, intervals in weekly.items()}


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
        weekly=_weekly_map(weekly),
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


def load_calendar(
    *, specialist: Specialist, starts: datetime, ends: datetime | None = None
) -> Calendar:
    """What `slots()` needs for [starts, ends): one query for the bookings, plus the
    specialist's hours (two queries when they are not cached).

    Without `ends`, up to the end of the specialist's booking horizon from `starts`.
    """
    zone = local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
    hours = hours_for(
        specialist=specialist, since=starts.astimezone(zone).date() - timedelta(days=1)
    )
    calendar = Calendar(
        zone=zone, rules=hours.rules, weekly=hours.weekly, exceptions=hours.exceptions
    )
    return with_window(calendar, specialist=specialist, starts=starts, ends=ends)


# Every slot read runs this, so it is written out: the ORM took longer to build the union
# than the database to answer it. Consultations and live holds (1; a hold is a booking to
# everyone but its holder, who books it from its own page), and busy times from elsewhere (0).
# Moments come as text, read by datetime.fromisoformat: Django's loader of timestamptz is
# pure Python and took 10 ms for a calendar's 500 busy times.
_BUSY_SQL = f"""
SELECT CAST(starts_at AS text), CAST(ends_at AS text), 1 FROM {Consultation._meta.db_table}
WHERE specialist_id = %(specialist)s AND status <> %(cancelled)s
  AND starts_at < %(booked_until)s AND ends_at > %(booked_from)s
UNION ALL
SELECT CAST(starts_at AS text), CAST(ends_at AS text), 1 FROM {Hold._meta.db_table}
WHERE specialist_id = %(specialist)s AND status = %(held)s
  AND starts_at < %(booked_until)s AND ends_at > %(booked_from)s
UNION ALL
SELECT CAST(starts_at AS text), CAST(ends_at AS text), 0 FROM {BusyTime._meta.db_table}
WHERE specialist_id = %(specialist)s AND starts_at < %(busy_until)s AND ends_at > %(busy_from)s
"""  # noqa: S608 (table names only; every value is a parameter)


def _moment(value: datetime | str) -> datetime:
    """A written-out union's moments as text: naive UTC (SQLite) or with the offset."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def with_window(
    calendar: Calendar, *, specialist: Specialist, starts: datetime, ends: datetime | None = None
) -> Calendar:
    """The same hours with the bookings that matter to slots in [starts, ends): one query.

    Those a slot there could touch with its buffer, and with a daily cap every booking of
    the local days involved (a local day lasts up to 25 hours).
    """
    rules = calendar.rules
    if ends is None:
        ends = starts + rules.horizon
    margin = rules.buffer + (SLOT if rules.daily_cap is None else timedelta(days=2))
    moment = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _BUSY_SQL,
            {
                "specialist": specialist.pk,
                "cancelled": Consultation.Status.CANCELLED.value,
                "held": Hold.Status.HELD.value,
                "booked_until": moment(ends + margin),
                "booked_from": moment(starts - margin),
                "busy_until": moment(ends + rules.buffer + SLOT),
                "busy_from": moment(starts - rules.buffer),
            },
        )
        rows = cursor.fetchall()
    busy: list[tuple[datetime, datetime]] = []
    blocked: list[tuple[datetime, datetime]] = []
    for busy_start, busy_end, is_consultation in rows:
        (busy if is_consultation else blocked).append((_moment(busy_start), _moment(busy_end)))
    return dataclasses.replace(calendar, busy=busy, blocked=blocked, covers=(starts, ends))


def slots_for(
    *,
    specialist: Specialist,
    now: datetime,
    starts: datetime,
    ends: datetime,
    ignore: tuple[datetime, datetime] | None = None,
) -> list[Slot]:
    """Bookable slots of one specialist starting in [starts, ends), in three queries."""
    calendar = load_calendar(specialist=specialist, starts=starts, ends=ends)
    return slots(calendar, now=now, starts=starts, ends=ends, ignore=ignore)


def offers(
    calendar: Calendar,
    *,
    starts_at: datetime,
    now: datetime,
    ignore: tuple[datetime, datetime] | None = None,
) -> bool:
    """Whether `starts_at` is one of the calendar's bookable slots (pure)."""
    found = slots(calendar, now=now, starts=starts_at, ends=starts_at + SLOT, ignore=ignore)
    return any(slot.starts_at == starts_at for slot in found)


def hours_calendar(*, specialist: Specialist, starts: datetime) -> Calendar:
    """The specialist's zone, rules and hours from `starts` on, with no bookings read (none
    covered): no query when the hours are cached."""
    zone = local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
    hours = hours_for(
        specialist=specialist, since=starts.astimezone(zone).date() - timedelta(days=1)
    )
    return Calendar(zone=zone, rules=hours.rules, weekly=hours.weekly, exceptions=hours.exceptions)


@dataclasses.dataclass(frozen=True)
class SlotWindow:
    """The moments the bookings around a slot are read between (see `offers_after_checks`):
    any booking inside [clash_from, clash_until) is within the buffer of the slot, and
    [day_from, day_until) is the slot's local day, for the daily cap."""

    clash_from: datetime
    clash_until: datetime
    day_from: datetime
    day_until: datetime


def slot_window(calendar: Calendar, *, starts_at: datetime) -> SlotWindow:
    buffer, zone = calendar.rules.buffer, calendar.zone
    day = starts_at.astimezone(zone).date()
    return SlotWindow(
        clash_from=starts_at - buffer,
        clash_until=starts_at + SLOT + buffer,
        day_from=datetime.combine(day, time(0), tzinfo=zone),
        day_until=datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )


def offers_after_checks(
    calendar: Calendar, *, starts_at: datetime, now: datetime, clashes: bool, day_bookings: int
) -> bool:
    """What `offers()` answers, given whether a booking lies in the slot's window and how
    many bookings its local day holds (pure)."""
    if clashes:
        return False
    cap = calendar.rules.daily_cap
    if cap is not None and day_bookings >= cap:
        return False
    return offers(dataclasses.replace(calendar, busy=()), starts_at=starts_at, now=now)


def load_calendars(*, specialist_ids: Sequence[int], now: datetime) -> dict[int, Calendar]:
    """Calendars of many specialists over their horizons, in four queries whatever the count."""
    specialists = dict(
        Specialist.objects.filter(pk__in=specialist_ids).values_list("pk", "time_zone")
    )
    settings_by_id = {
        s.pk: s for s in BookingSettings.objects.filter(specialist_id__in=specialist_ids)
    }
    weekly: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
    for specialist_id, weekday, start, end in WeeklyHours.objects.filter(
        specialist_id__in=specialist_ids
    ).values_list("specialist_id", "weekday", "starts", "ends"):
        weekly[specialist_id].append((weekday, start, end))
    exceptions: dict[int, list[Exception_]] = defaultdict(list)
    for specialist_id, day, kind, off_start, off_end in AvailabilityException.objects.filter(
        specialist_id__in=specialist_ids,
        date__gte=(now - timedelta(days=2)).date(),
        date__lte=(now + timedelta(days=367)).date(),
    ).values_list("specialist_id", "date", "kind", "starts", "ends"):
        exceptions[specialist_id].append(
            Exception_(
                date=day,
                off=kind == AvailabilityException.Kind.OFF,
                starts=off_start,
                ends=off_end,
            )
        )
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    held = (
        Hold.objects.filter(specialist_id__in=specialist_ids, status=Hold.Status.HELD)
        .order_by()
        .values_list("specialist_id", "starts_at", "ends_at")
    )
    for specialist_id, busy_start, busy_end in (
        Consultation.objects.active()
        .filter(specialist_id__in=specialist_ids, ends_at__gt=now - timedelta(days=1))
        .order_by()
        .values_list("specialist_id", "starts_at", "ends_at")
        .union(held, all=True)
    ):
        busy[specialist_id].append((busy_start, busy_end))
    blocked: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for specialist_id, busy_start, busy_end in BusyTime.objects.filter(
        specialist_id__in=specialist_ids, ends_at__gt=now
    ).values_list("specialist_id", "starts_at", "ends_at"):
        blocked[specialist_id].append((busy_start, busy_end))
    return {
        specialist_id: Calendar(
            zone=local_time.zone_named(zone_key) or ZoneInfo("UTC"),
            rules=Rules.from_settings(settings_by_id.get(specialist_id)),
            weekly=_weekly_map(weekly[specialist_id]),
            exceptions=exceptions[specialist_id],
            busy=busy[specialist_id],
            blocked=blocked[specialist_id],
        )
        for specialist_id, zone_key in specialists.items()
    }


# --- Changes a specialist makes, and the next free slot search shows --------------------


class AvailabilityError(Exception):
    """The hours given cannot be saved; the message is safe to show."""


def check_ranges(ranges: Sequence[tuple[int, time, time]]) -> None:
    """Raise AvailabilityError unless every range ends after it starts and none overlap."""
    by_day: dict[int, list[Interval]] = defaultdict(list)
    for weekday, starts, ends in ranges:
        interval = (_minutes(starts), _minutes(ends, end=True))
        if interval[1] <= interval[0]:
            raise AvailabilityError(_("Each range must end after it starts."))
        by_day[weekday].append(interval)
    for intervals in by_day.values():
        intervals.sort()
        for (_first_start, first_end), (second_start, _second_end) in itertools.pairwise(intervals):
            if second_start < first_end:
                raise AvailabilityError(_("Two ranges on the same day overlap."))


@transaction.atomic
def set_weekly_hours(
    *, specialist: Specialist, ranges: Sequence[tuple[int, time, time]], now: datetime
) -> None:
    """Replace the specialist's weekly hours, then refresh their next free slot.

    Raises AvailabilityError when a range is empty or two ranges overlap.
    Consultations already booked are kept, whatever the new hours.
    """
    check_ranges(ranges)
    lock_specialist(specialist=specialist)
    hours_changed(specialist=specialist)
    WeeklyHours.objects.filter(specialist=specialist).delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=weekday, starts=start, ends=end)
        for weekday, start, end in ranges
    )
    refresh_next_free_slot(specialist=specialist, now=now)


@transaction.atomic
def add_exception(
    *,
    specialist: Specialist,
    day: date,
    kind: str,
    starts: time | None,
    ends: time | None,
    now: datetime,
) -> AvailabilityException:
    """Add extra hours or time off on one date. Raises AvailabilityError for a past date."""
    zone = local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
    if day < now.astimezone(zone).date():
        raise AvailabilityError(_("That date has already passed."))
    if (starts is None) != (ends is None):
        raise AvailabilityError(_("Give both a start and an end time, or neither."))
    if starts is None and kind == AvailabilityException.Kind.EXTRA:
        raise AvailabilityError(_("Extra hours need a start and an end time."))
    if starts is not None and ends is not None:
        check_ranges([(0, starts, ends)])
    lock_specialist(specialist=specialist)
    hours_changed(specialist=specialist)
    exception = AvailabilityException.objects.create(
        specialist=specialist, date=day, kind=kind, starts=starts, ends=ends
    )
    refresh_next_free_slot(specialist=specialist, now=now)
    return exception


@transaction.atomic
def remove_exception(*, exception: AvailabilityException, now: datetime) -> None:
    specialist = exception.specialist
    lock_specialist(specialist=specialist)
    hours_changed(specialist=specialist)
    exception.delete()
    refresh_next_free_slot(specialist=specialist, now=now)


def settings_for(*, specialist: Specialist) -> BookingSettings:
    """The specialist's settings row, created with the defaults the first time it is needed."""
    booking_settings, _created = BookingSettings.objects.get_or_create(specialist=specialist)
    return booking_settings


SEARCH_WEEK = timedelta(days=7)


def next_free_slot(
    *, specialist: Specialist, now: datetime, since: datetime, calendar: Calendar | None = None
) -> Slot | None:
    """The earliest bookable slot starting at or after `since`, or None.

    Reads a week of bookings at a time, and none for the part `calendar` already covers
    (it must be current). The hours are read once.
    """
    if calendar is None:
        calendar = load_calendar(specialist=specialist, starts=since, ends=since + SEARCH_WEEK)
    horizon_end = now + calendar.rules.horizon
    window_start = since
    while window_start < horizon_end:
        covers = calendar.covers
        if covers is not None and covers[0] <= window_start < covers[1]:
            window_end = covers[1]
        else:
            window_end = window_start + SEARCH_WEEK
            calendar = with_window(
                calendar, specialist=specialist, starts=window_start, ends=window_end
            )
        found = slots(calendar, now=now, starts=window_start, ends=min(window_end, horizon_end))
        if found:
            return found[0]
        window_start = window_end
    return None


def _store_next_free_slot(specialist: Specialist, value: datetime | None) -> datetime | None:
    if value != specialist.next_free_slot_at:
        Specialist.objects.filter(pk=specialist.pk).update(next_free_slot_at=value)
        specialist.next_free_slot_at = value
    return value


def refresh_next_free_slot(
    *, specialist: Specialist, now: datetime, calendar: Calendar | None = None
) -> datetime | None:
    """Store the specialist's earliest bookable slot (None when they have none) for search.

    `calendar`, when given, must be current (the caller has just loaded it and applied its
    own change); the bookings it covers are not read again. Whatever freed a slot, the
    waitlist hears of it.
    """
    wake_waitlist(specialist=specialist, now=now)
    if not _offers(specialist):
        return _store_next_free_slot(specialist, None)
    slot = next_free_slot(specialist=specialist, now=now, since=now, calendar=calendar)
    return _store_next_free_slot(specialist, slot.starts_at if slot else None)


def wake_waitlist(*, specialist: Specialist, now: datetime) -> None:
    """Slots may have opened: the clients waiting for this specialist are looked at in the
    next waitlist sweep (bookings.waitlist), not minutes later."""
    WaitlistEntry.objects.filter(specialist=specialist, due_at__gt=now).update(due_at=now)


def refresh_after_booking(
    *, specialist: Specialist, now: datetime, booked: datetime, calendar: Calendar
) -> datetime | None:
    """Keep next_free_slot_at right after the slot at `booked` was taken.

    A booking only removes slots: those its range (plus the buffer) overlaps and, when the
    daily cap is reached, the rest of its local day. So a stored next free slot that is
    still outside the notice window and none of those stays as it is. Otherwise the new
    one is no earlier than the stored one, and the search starts there.
    `specialist.next_free_slot_at` must be the stored value, read in this transaction;
    `calendar` must be current, with the booking in it, or cover no bookings (the search
    then reads them a week at a time).
    """
    rules, zone = calendar.rules, calendar.zone
    current = specialist.next_free_slot_at
    valid = current is not None and now + rules.notice <= current <= booked
    if valid and current is not None:
        clear = booked >= current + SLOT + rules.buffer
        same_day = current.astimezone(zone).date() == booked.astimezone(zone).date()
        if clear and (rules.daily_cap is None or not same_day):
            return current
    if not _offers(specialist):
        return _store_next_free_slot(specialist, None)
    since = current if valid and current is not None else now
    slot = next_free_slot(specialist=specialist, now=now, since=since, calendar=calendar)
    return _store_next_free_slot(specialist, slot.starts_at if slot else None)


def _offers(specialist: Specialist) -> bool:
    return specialist.is_listed and specialist.offers_free_consultation


def refresh_all_next_free_slots(*, now: datetime, chunk: int = 1000) -> int:
    """Recompute next_free_slot_at for every specialist, a chunk at a time.

    The notice window moves with the clock, so yesterday's answer goes stale by itself.
    Four queries and one bulk update per chunk, whatever the calendars hold.
    """
    offering = Specialist.objects.offering_free_consultations()
    # Those who stopped offering, or were unpublished, show no slot.
    Specialist.objects.exclude(pk__in=offering.values("pk")).exclude(next_free_slot_at=None).update(
        next_free_slot_at=None
    )
    ids = list(offering.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for index in range(0, len(ids), chunk):
        part = ids[index : index + chunk]
        calendars = load_calendars(specialist_ids=part, now=now)
        current = dict(
            Specialist.objects.filter(pk__in=part).values_list("pk", "next_free_slot_at")
        )
        updates = []
        for specialist_id, calendar in calendars.items():
            slot = first_slot(calendar, now=now)
            value = slot.starts_at if slot else None
            if current.get(specialist_id) != value:
                updates.append(Specialist(pk=specialist_id, next_free_slot_at=value))
        with transaction.atomic():
            Specialist.objects.bulk_update(updates, ["next_free_slot_at"], batch_size=500)
        changed += len(updates)
    return changed
