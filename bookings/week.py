"""The week of free times a client picks from, as days in the client's zone."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings import availability, slots
from bookings.slots import Slot
from directory.models import Specialist

DAYS = 7
# However far an address asks, weeks are shown at most this far ahead.
FURTHEST = timedelta(days=366)


@dataclass(frozen=True)
class Week:
    """Seven days from `first`, with the free slots of each day that has any."""

    first: date
    days: list[tuple[date, list[Slot]]]
    previous: date | None  # the week before; None when this one starts today
    next: date | None  # the week after; None when it starts beyond the booking horizon

    @property
    def last(self) -> date:
        return self.first + timedelta(days=DAYS - 1)


def by_day(found: list[Slot], zone: ZoneInfo) -> list[tuple[date, list[Slot]]]:
    """The slots grouped by their date in `zone`, the days in order. Pure."""
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in found:
        days[slot.starts_at.astimezone(zone).date()].append(slot)
    return sorted(days.items())


def free_week(
    *,
    specialist: Specialist,
    zone: ZoneInfo,
    asked: date | None,
    now: datetime,
    ignore: tuple[datetime, datetime] | None = None,
) -> Week:
    """The specialist's free slots in the seven days from `asked` in `zone` (today's week
    when None); the week starts between today and a year ahead, whatever was asked.

    `ignore` is the consultation being moved: its time frees the times around it, and is
    itself never offered (moving to the same time is no move)."""
    today = now.astimezone(zone).date()
    first = min(max(asked or today, today), today + FURTHEST)
    after = first + timedelta(days=DAYS)
    starts = datetime.combine(first, time(), tzinfo=zone)
    ends = datetime.combine(after, time(), tzinfo=zone)
    calendar = availability.load_calendar(specialist=specialist, starts=starts, ends=ends)
    found = slots.slots(calendar, now=now, starts=starts, ends=ends, ignore=ignore)
    if ignore is not None:
        found = [slot for slot in found if slot.starts_at != ignore[0]]
    horizon_end = (now + calendar.rules.horizon).astimezone(zone).date()
    return Week(
        first=first,
        days=by_day(found, zone),
        previous=first - timedelta(days=DAYS) if first > today else None,
        next=after if after <= horizon_end else None,
    )
