"""iCalendar: the invitation attached to e-mails, and a specialist's private feed.

An invitation goes to one side's own mailbox: it names the other person, says when in that
side's zone and how they meet, and carries ORGANIZER and ATTENDEE. The feed, synced to places
we do not control, stays neutral. No note or condition ever goes into an event.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from bookings import meeting
from bookings.models import BookingSettings, Consultation
from directory import local_time

PRODID = "-//First Step//Free consultations//EN"


def _uid(consultation: Consultation) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "firststep"
    return f"consultation-{consultation.pk}@{host}"


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


def title(consultation: Consultation, *, party: str | None) -> str:
    """An invitation names the other person; the feed, synced to places we do not control,
    stays neutral."""
    if party == Consultation.Party.CLIENT:
        return _("Free consultation with %(name)s") % {"name": consultation.specialist.name}
    if party == Consultation.Party.SPECIALIST:
        return _("Free consultation with %(name)s") % {"name": consultation.client.display_name}
    return _("Free consultation (First Step)")


def _details(
    consultation: Consultation, booking_settings: BookingSettings | None, *, party: str
) -> list[str]:
    page = settings.SITE_URL + reverse("bookings:detail", kwargs={"pk": consultation.pk})
    lines = [
        _("When: %(when)s") % {"when": when(consultation, party=party)},
        meeting.how(consultation, booking_settings, party=party),
    ]
    join = meeting.link(consultation, booking_settings)
    if join:
        lines.append(_("Join: %(url)s") % {"url": join})
    lines.append(_("Details: %(url)s") % {"url": page})
    return lines


def _people(event: Event, consultation: Consultation) -> None:
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{sender}")
    organizer.params["cn"] = vText(consultation.specialist.name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{consultation.client.email}")
    attendee.params["cn"] = vText(consultation.client.display_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee, encode=False)


def _event(
    consultation: Consultation,
    booking_settings: BookingSettings | None,
    *,
    now: datetime,
    party: str | None = None,
) -> Event:
    """The consultation as an event; with `party`, that side's invitation (their time, how
    they meet, the other person's name), else a neutral feed entry."""
    event = Event()
    event.add("uid", _uid(consultation))
    event.add("dtstamp", now)
    # Start and end stay in UTC: a wall time with a TZID means the first of two repeated
    # wall times, and every calendar program shows UTC in its own zone.
    event.add("dtstart", consultation.starts_at)
    event.add("dtend", consultation.ends_at)
    event.add("sequence", consultation.sequence)
    event.add("summary", title(consultation, party=party))
    page = settings.SITE_URL + reverse("bookings:detail", kwargs={"pk": consultation.pk})
    join = meeting.link(consultation, booking_settings)
    if party is None:
        lines = [_("Details: %(url)s") % {"url": page}]
        if join:
            lines.append(_("Join: %(url)s") % {"url": join})
    else:
        lines = _details(consultation, booking_settings, party=party)
        _people(event, consultation)
    if join:
        event.add("location", join)
    elif consultation.mode == Consultation.Mode.PHONE:
        event.add("location", _("Phone call"))
    event.add("description", "\n".join(lines))
    event.add("url", page)
    cancelled = consultation.status == Consultation.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def add_links(
    consultation: Consultation, booking_settings: BookingSettings | None, *, party: str
) -> dict[str, str]:
    """ "Add to Google Calendar" and "Add to Outlook" addresses for one side, beside the .ics."""
    text = title(consultation, party=party)
    details = "\n".join(_details(consultation, booking_settings, party=party))
    where = meeting.link(consultation, booking_settings)
    starts, ends = consultation.starts_at.astimezone(UTC), consultation.ends_at.astimezone(UTC)
    google = {
        "action": "TEMPLATE",
        "text": text,
        "dates": f"{starts:%Y%m%dT%H%M%SZ}/{ends:%Y%m%dT%H%M%SZ}",
        "details": details,
        "location": where,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": text,
        "startdt": starts.isoformat(),
        "enddt": ends.isoformat(),
        "body": details,
        "location": where,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook),
    }


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
    calendar.add_component(_event(consultation, booking_settings, now=now, party=party))
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
        calendar.add_component(_event(consultation, booking_settings, now=now))
    return calendar.to_ical()
