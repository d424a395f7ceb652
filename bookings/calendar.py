"""iCalendar: the invitation attached to e-mails, and a specialist's private feed.

Titles are neutral ("Free consultation"); no note, condition or client detail goes into
an event, because calendars are synced to places we do not control.
"""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.models import BookingSettings, Consultation
from directory import local_time

PRODID = "-//First Step//Free consultations//EN"


def _uid(consultation: Consultation) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "firststep"
    return f"consultation-{consultation.pk}@{host}"


def meeting_link(consultation: Consultation, booking_settings: BookingSettings | None) -> str:
    if consultation.mode != Consultation.Mode.VIDEO:
        return ""
    if booking_settings is not None and booking_settings.meeting_link:
        return booking_settings.meeting_link
    return consultation.specialist.meeting_link


def zones(consultation: Consultation) -> dict[str, ZoneInfo]:
    """Each side's zone: the one on their account, else the one the consultation was made
    in (the client's) or the practice works in (the specialist's). Every e-mail and
    invitation a side gets shows times in its own zone."""

    def first(*keys: str) -> ZoneInfo:
        for key in keys:
            zone = local_time.zone_named(key)
            if zone is not None:
                return zone
        return local_time.UTC

    return {
        Consultation.Party.CLIENT: first(
            consultation.client.time_zone, consultation.client_time_zone
        ),
        Consultation.Party.SPECIALIST: first(
            consultation.specialist.owner.time_zone, consultation.specialist.time_zone
        ),
    }


def other_side(party: str) -> str:
    return (
        Consultation.Party.SPECIALIST
        if party == Consultation.Party.CLIENT
        else Consultation.Party.CLIENT
    )


def when(consultation: Consultation, *, party: str) -> str:
    """The consultation's time as this side reads it, with the other side's beside it."""
    by_party = zones(consultation)
    return local_time.both(
        consultation.starts_at, reader=by_party[party], other=by_party[other_side(party)]
    )


def _event(consultation: Consultation, *, link: str, now: datetime, when: str = "") -> Event:
    event = Event()
    event.add("uid", _uid(consultation))
    event.add("dtstamp", now)
    event.add("dtstart", consultation.starts_at)
    event.add("dtend", consultation.ends_at)
    event.add("sequence", consultation.sequence)
    event.add("summary", _("Free consultation (First Step)"))
    page = settings.SITE_URL + reverse("bookings:detail", kwargs={"pk": consultation.pk})
    # Start and end stay in UTC: a wall time with a TZID means the first of two repeated
    # wall times, and every calendar program shows UTC in its own zone.
    lines = [_("When: %(when)s") % {"when": when}] if when else []
    lines.append(_("Details: %(url)s") % {"url": page})
    if link:
        lines.append(_("Join: %(url)s") % {"url": link})
        event.add("location", link)
    elif consultation.mode == Consultation.Mode.PHONE:
        event.add("location", _("Phone call"))
    event.add("description", "\n".join(lines))
    event.add("url", page)
    cancelled = consultation.status == Consultation.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def invite(
    *,
    consultation: Consultation,
    booking_settings: BookingSettings | None,
    party: str,
    now: datetime,
) -> bytes:
    """One event for one side: a REQUEST while active (new or moved), a CANCEL once
    cancelled; its description gives the time as that side reads it."""
    cancelled = consultation.status == Consultation.Status.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(
        _event(
            consultation,
            link=meeting_link(consultation, booking_settings),
            now=now,
            when=when(consultation, party=party),
        )
    )
    return calendar.to_ical()


def feed(
    *,
    consultations: Iterable[Consultation],
    booking_settings: BookingSettings | None,
    now: datetime,
) -> bytes:
    """A specialist's subscribable calendar of their consultations."""
    calendar = _calendar()
    calendar.add("x-wr-calname", _("First Step consultations"))
    for consultation in consultations:
        calendar.add_component(
            _event(consultation, link=meeting_link(consultation, booking_settings), now=now)
        )
    return calendar.to_ical()
