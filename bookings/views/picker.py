"""The week of free times a visitor picks from, shown in their own zone."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from bookings import availability, slots
from bookings.forms import parse_day, slot_value
from bookings.slots import Slot
from directory import local_time
from directory.models import TIME_ZONE_CHOICES, Specialist

PICKER_DAYS = 7


def client_zone(
    request: HttpRequest, specialist: Specialist, *, default: str | None = None
) -> tuple[ZoneInfo, bool]:
    """The zone to show times in: the one a booking form was shown in, else the reader's,
    else `default` (the zone a consultation was booked in), else the specialist's (a guess)."""
    zone = local_time.zone_named(request.POST.get("tz"))
    if zone is not None:
        return zone, True
    reader = local_time.for_request(request, fallback=default or specialist.time_zone)
    return reader.zone, reader.chosen or default is not None


def _without_zone(request: HttpRequest) -> str:
    """This page's address without ?tz=, which would outrank a zone picked here."""
    query = request.GET.copy()
    query.pop("tz", None)
    return request.path + ("?" + query.urlencode() if query else "")


def next_page(request: HttpRequest) -> str:
    """Where booking goes on to afterwards: a page of this site named by ?next= (the booking
    widget names its own), carried from the picker to the booking; never another site."""
    then = request.GET.get("next", "")
    safe = then.startswith("/") and url_has_allowed_host_and_scheme(then, allowed_hosts=None)
    return then if safe else ""


def _days(found: list[Slot], zone: ZoneInfo) -> list[tuple[date, list[Slot]]]:
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in found:
        by_day[slot.starts_at.astimezone(zone).date()].append(slot)
    return sorted(by_day.items())


def picker_context(
    request: HttpRequest,
    specialist: Specialist,
    *,
    ignore: tuple[datetime, datetime] | None = None,
    default_zone: str | None = None,
) -> dict[str, object]:
    """Slots for one week in the visitor's zone, with links to the weeks around it.

    `ignore` is the consultation being moved: its time frees the times around it, and is
    itself never offered (moving to the same time is no move)."""
    now = timezone.now()
    zone, detected = client_zone(request, specialist, default=default_zone)
    today = now.astimezone(zone).date()
    first = parse_day(request.GET.get("week"), today=today) or today
    first = min(max(first, today), today + timedelta(days=366))
    starts = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    ends = datetime.combine(first + timedelta(days=PICKER_DAYS), datetime.min.time(), tzinfo=zone)
    calendar_ = availability.load_calendar(specialist=specialist, starts=starts, ends=ends)
    found = slots.slots(calendar_, now=now, starts=starts, ends=ends, ignore=ignore)
    if ignore is not None:
        found = [slot for slot in found if slot.starts_at != ignore[0]]
    horizon_end = (now + calendar_.rules.horizon).astimezone(zone).date()
    return {
        "specialist": specialist,
        "days": [
            (day, [(slot, slot_value(slot.starts_at)) for slot in day_slots])
            for day, day_slots in _days(found, zone)
        ],
        "zone": zone.key,
        "zone_detected": detected,
        "specialist_zone": specialist.time_zone,
        "week_start": first,
        "week_end": first + timedelta(days=PICKER_DAYS - 1),
        "previous_week": (first - timedelta(days=PICKER_DAYS)).isoformat()
        if first > today
        else None,
        "next_week": (first + timedelta(days=PICKER_DAYS)).isoformat()
        if first + timedelta(days=PICKER_DAYS) <= horizon_end
        else None,
        "time_zones": TIME_ZONE_CHOICES,
        "here": _without_zone(request),
        "then": next_page(request),
    }
