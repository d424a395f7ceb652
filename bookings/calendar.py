"""iCalendar: the invitation attached to e-mails, and a specialist's private feed.

Titles are neutral ("Free consultation"); no note, condition or client detail goes into
an event, because calendars are synced to places we do not control.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.models import BookingSettings, Consultation

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


def _event(consultation: Consultation, *, link: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", _uid(consultation))
    event.add("dtstamp", now)
    event.add("dtstart", consultation.starts_at)
    event.add("dtend", consultation.ends_at)
    event.add("sequence", consultation.sequence)
    event.add("summary", _("Free consultation (First Step)"))
    page = settings.SITE_URL + reverse("bookings:detail", kwargs={"pk": consultation.pk})
    lines = [_("Details: %(url)s") % {"url": page}]
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
    *, consultation: Consultation, booking_settings: BookingSettings | None, now: datetime
) -> bytes:
    """One event: a REQUEST while active (new or moved), a CANCEL once cancelled."""
    cancelled = consultation.status == Consultation.Status.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(
        _event(consultation, link=meeting_link(consultation, booking_settings), now=now)
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
