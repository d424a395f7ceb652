"""Busy intervals from an iCalendar file: a pure function over bytes, no database.

Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded with
recurring-ical-events over the booking horizon only, and at most MAX_OCCURRENCES of them.
Google's X-WR-TIMEZONE is applied first (x-wr-timezone), VTIMEZONE blocks and Windows zone
names are read by icalendar, and floating times and all-day dates are the specialist's
wall clock. Events marked free (TRANSP:TRANSPARENT, or Outlook's busy status FREE) and
cancelled ones do not block. Only the moments leave this module: never a title.
"""

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from django.utils.translation import gettext as _

MAX_OCCURRENCES = 5000
SUB_DAILY = {"SECONDLY", "MINUTELY", "HOURLY"}
UTC = ZoneInfo("UTC")
Interval = tuple[datetime, datetime]


class ParseError(Exception):
    """The file is not a calendar we can read; the message is plain words, safe to show."""


def _moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A start or end as an aware UTC moment: dates and floating times in `zone`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _blocks(event: icalendar.Event) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() != "FREE"


def _listed(value: object) -> list:  # type: ignore[type-arg]
    """A property that may appear once or several times, as a list."""
    return value if isinstance(value, list) else [value] if value else []


def _most_occurrences(calendar: icalendar.Calendar, days: int) -> float:
    """An upper bound of the occurrences in `days` days: a daily-or-slower rule yields at
    most its BYHOUR x BYMINUTE x BYSECOND combinations a day; a faster one has no bound."""
    bound = 0.0
    for event in calendar.walk("VEVENT"):
        rdates = _listed(event.get("RDATE"))
        bound += 1 + sum(len(getattr(rdate, "dts", ())) for rdate in rdates)
        for rule in _listed(event.get("RRULE")):
            if str((rule.get("FREQ") or ["DAILY"])[0]).upper() in SUB_DAILY:
                return float("inf")
            per_day = 1
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                per_day *= max(1, len(rule.get(part) or ()))
            bound += per_day * days
    return bound


def _occurrences(
    calendar: icalendar.Calendar, zone: ZoneInfo, start: datetime, end: datetime, limit: int
) -> Iterator[icalendar.Event]:
    """The occurrences from `start`; expanded at once when the rules cannot exceed `limit`
    (several times faster), else lazily in time order (the caller stops at `limit`)."""
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    if _most_occurrences(calendar, (end - start).days + 1) <= limit:
        found = query.between(start.astimezone(zone), end.astimezone(zone))
        return iter(sorted(found, key=lambda event: _moment(event.start, zone)))
    return query.after(start.astimezone(zone))  # type: ignore[no-any-return]


# The only properties a busy time needs (and the time zones' own). Everything else (titles,
# descriptions, guests, alarms) is dropped before parsing: never held, and much less work.
KEPT = frozenset(
    b"BEGIN END VERSION PRODID CALSCALE X-WR-TIMEZONE UID SEQUENCE STATUS TRANSP "
    b"X-MICROSOFT-CDO-BUSYSTATUS DTSTART DTEND DURATION RRULE RDATE EXDATE EXRULE "
    b"RECURRENCE-ID TZID TZOFFSETFROM TZOFFSETTO TZNAME".split()
)
SKIPPED_COMPONENTS = frozenset({b"VALARM", b"VTODO", b"VJOURNAL", b"VAVAILABILITY"})
_FOLD = re.compile(rb"\r?\n[ \t]")
_NAME = re.compile(rb"[^;:]*")


def _moments_only(data: bytes) -> bytes:
    """The file with only the lines in KEPT, outside skipped components (unfolded)."""
    kept: list[bytes] = []
    skipping: bytes | None = None
    for line in _FOLD.sub(b"", data.lstrip(b"\xef\xbb\xbf \t\r\n")).splitlines():
        name = _NAME.match(line).group().upper()  # type: ignore[union-attr]
        value = line[len(name) + 1 :].strip().upper()
        if skipping is not None:
            if name == b"END" and value == skipping:
                skipping = None
        elif name == b"BEGIN" and value in SKIPPED_COMPONENTS:
            skipping = value
        elif name in KEPT:
            kept.append(line)
    return b"\r\n".join(kept) + b"\r\n"


def read_calendar(data: bytes) -> icalendar.Calendar:
    """The calendar in `data`, Google's X-WR-TIMEZONE applied; raises ParseError."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        raise ParseError(_("Not an iCalendar file."))
    try:
        calendar = icalendar.Calendar.from_ical(_moments_only(data))
        if "X-WR-TIMEZONE" not in calendar:
            return calendar  # nothing to convert; the conversion copies the whole calendar
        return x_wr_timezone.to_standard(calendar)  # type: ignore[no-any-return]
    # The file is anyone's input and the parser's errors are not all ValueErrors.
    except Exception as error:
        raise ParseError(_("The iCalendar file is damaged and cannot be read.")) from error


def busy_intervals(
    *,
    data: bytes,
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    limit: int = MAX_OCCURRENCES,
) -> list[Interval]:
    """The busy moments between `start` and `end` in an iCalendar file, earliest first.

    `zone` is the specialist's: it places floating times and all-day dates. At most
    `limit` occurrences are expanded. Raises ParseError for a file we cannot read.
    """
    calendar = read_calendar(data)
    found: list[Interval] = []
    try:
        occurrences = _occurrences(calendar, zone, start, end, limit)
        for event in islice(occurrences, limit):
            starts_at, ends_at = _moment(event.start, zone), _moment(event.end, zone)
            if starts_at >= end:
                break
            if ends_at > starts_at and _blocks(event):
                found.append((starts_at, ends_at))
    except Exception as error:
        raise ParseError(_("The iCalendar file is damaged and cannot be read.")) from error
    return found
