"""Free 30-minute slots: a pure calculation, no queries.

Availability is wall-clock time in the specialist's IANA zone. A slot is the moment a
wall time on a date names in that zone, lasting 30 real minutes:
- a wall time that does not exist (the spring-forward gap) is never offered;
- a repeated wall time (the autumn fold) is offered twice, once at each occurrence, and
  the pages label the two apart by their offset;
- 09:00 stays 09:00 on both sides of a transition.
"""

import bisect
import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bookings.models import CONSULTATION_MINUTES, BookingSettings

SLOT = timedelta(minutes=CONSULTATION_MINUTES)
MINUTE = timedelta(minutes=1)


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
        return cls.from_values(
            buffer_minutes=booking_settings.buffer_minutes,
            notice_hours=booking_settings.notice_hours,
            horizon_days=booking_settings.horizon_days,
            daily_cap=booking_settings.daily_cap,
        )

    @classmethod
    def from_values(
        cls, *, buffer_minutes: int, notice_hours: int, horizon_days: int, daily_cap: int | None
    ) -> "Rules":
        """The rules of a BookingSettings row read as plain values."""
        return cls(
            buffer=timedelta(minutes=buffer_minutes),
            notice=timedelta(hours=notice_hours),
            horizon=timedelta(days=horizon_days),
            daily_cap=daily_cap,
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


def wall_minutes(value: time, *, end: bool = False) -> int:
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


def weekly_map(rows: Iterable[tuple[int, time, time]]) -> dict[int, list[Interval]]:
    weekly: dict[int, list[Interval]] = defaultdict(list)
    for weekday, start, end in rows:
        weekly[weekday].append((wall_minutes(start), wall_minutes(end, end=True)))
    return {weekday: _merge(intervals) for weekday, intervals in weekly.items()}


def open_intervals(calendar: Calendar, day: date) -> list[Interval]:
    """The wall-clock intervals open on `day`: weekly hours, plus extra hours, minus time off."""
    todays = [e for e in calendar.exceptions if e.date == day]
    intervals = list(calendar.weekly.get(day.weekday(), []))
    for exception in todays:
        if not exception.off and exception.starts is not None and exception.ends is not None:
            intervals.append(
                (wall_minutes(exception.starts), wall_minutes(exception.ends, end=True))
            )
    holes = []
    for exception in todays:
        if exception.off:
            if exception.starts is None or exception.ends is None:
                return []
            holes.append((wall_minutes(exception.starts), wall_minutes(exception.ends, end=True)))
    return _subtract(_merge(intervals), holes)


def _wall_slots(day: date, zone: ZoneInfo, intervals: list[Interval]) -> list[datetime]:
    """Aware starts for each 30-minute wall step: none in a gap, two for a repeated wall time."""
    step = CONSULTATION_MINUTES
    midnight = datetime.combine(day, time(0))
    offset = midnight.replace(tzinfo=zone).utcoffset()
    next_offset = (midnight + timedelta(days=1)).replace(tzinfo=zone).utcoffset()
    if offset is not None and offset == next_offset and _steady(midnight, zone, offset):
        # The usual day: one UTC offset throughout, so wall minutes map by addition.
        base = (midnight - offset).replace(tzinfo=UTC)
        return [
            base + minute * MINUTE
            for start, end in intervals
            for minute in range(start, end - step + 1, step)
        ]
    found = []
    for start, end in intervals:
        for minute in range(start, end - step + 1, step):
            wall = midnight + timedelta(minutes=minute)
            moment = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first occurrence
            if moment.astimezone(zone).replace(tzinfo=None) != wall:
                continue  # inside a spring-forward gap: this wall time does not exist
            found.append(moment)
            second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
            if second != moment:
                found.append(second)  # the same wall time again, after the clocks went back
    return found


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
            if busy_starts:
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
