"""The week of free times a visitor picks from, shown in their own zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from bookings import week
from bookings.forms import parse_day, slot_value
from directory import local_time
from directory.models import Specialist


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


def picker_context(
    request: HttpRequest,
    specialist: Specialist,
    *,
    ignore: tuple[datetime, datetime] | None = None,
    default_zone: str | None = None,
) -> dict[str, object]:
    """Slots for one week in the visitor's zone, with links to the weeks around it; `ignore`
    is the consultation being moved (bookings.week.free_week)."""
    now = timezone.now()
    zone, detected = client_zone(request, specialist, default=default_zone)
    asked = parse_day(request.GET.get("week"), today=now.astimezone(zone).date())
    shown = week.free_week(specialist=specialist, zone=zone, asked=asked, now=now, ignore=ignore)
    return {
        "specialist": specialist,
        "days": [
            (day, [(slot, slot_value(slot.starts_at)) for slot in day_slots])
            for day, day_slots in shown.days
        ],
        "zone": zone.key,
        "zone_detected": detected,
        "specialist_zone": specialist.time_zone,
        "week_start": shown.first,
        "week_end": shown.last,
        "previous_week": shown.previous.isoformat() if shown.previous else None,
        "next_week": shown.next.isoformat() if shown.next else None,
        "here": _without_zone(request),
        "then": next_page(request),
    }
