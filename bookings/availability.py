"""A specialist's calendar as slot generation needs it, read from the database: the hours
(cached, see `hours`), the bookings and holds, and the times they are busy elsewhere."""

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from bookings.hours import hours_for
from bookings.models import (
    AvailabilityException,
    BookingSettings,
    BusyTime,
    Consultation,
    Hold,
    WeeklyHours,
)
from bookings.slots import SLOT, Calendar, Exception_, Rules, Slot, slots, weekly_map
from directory import local_time
from directory.models import Specialist


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


def hours_calendar(*, specialist: Specialist, starts: datetime) -> Calendar:
    """The specialist's zone, rules and hours from `starts` on, with no bookings read (none
    covered): no query when the hours are cached."""
    zone = local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
    hours = hours_for(
        specialist=specialist, since=starts.astimezone(zone).date() - timedelta(days=1)
    )
    return Calendar(zone=zone, rules=hours.rules, weekly=hours.weekly, exceptions=hours.exceptions)


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
            weekly=weekly_map(weekly[specialist_id]),
            exceptions=exceptions[specialist_id],
            busy=busy[specialist_id],
            blocked=blocked[specialist_id],
        )
        for specialist_id, zone_key in specialists.items()
    }
