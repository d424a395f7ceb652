"""Consultations written into the specialist's chosen CalDAV calendar.

Nothing in `bookings` calls this: a sweep finds the consultations whose event is not
current (no row yet, or a row whose written `sequence` differs from the consultation's),
and a worker claims each row with a conditional UPDATE before writing, so two workers
never write one event. A cancelled consultation's event is deleted. The event says only
"Free consultation — First Step" and a link; never the client's note or anything else.
"""

import secrets
from datetime import UTC, datetime

import icalendar
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from bookings.models import Consultation
from calendars import caldav_sync, sealing
from calendars.models import REMOVAL_GIVES_UP, CalendarConnection, RemoteCalendar, WrittenEvent

TITLE = "Free consultation — First Step"
MAX_PER_SWEEP = 1000
BATCH = 20


def add_missing_rows(*, now: datetime) -> int:
    """A row for each upcoming confirmed consultation of a specialist with a receiving
    calendar that has no row yet; the number added."""
    added = 0
    receiving = RemoteCalendar.objects.filter(
        receives_consultations=True, connection__removing_since=None
    )
    for calendar in receiving:
        written = WrittenEvent.objects.filter(consultation__specialist_id=calendar.specialist_id)
        missing = (
            Consultation.objects.filter(
                specialist_id=calendar.specialist_id,
                status=Consultation.Status.CONFIRMED,
                ends_at__gt=now,
            )
            # A row elsewhere is taken out first (a receiving calendar changed), then added.
            .exclude(pk__in=written.values("consultation"))
            .values_list("pk", flat=True)
        )
        rows = [
            WrittenEvent(
                consultation_id=pk,
                calendar=calendar,
                uid=f"{caldav_sync.OWN_UID_MARK}-{pk}-{secrets.token_hex(6)}",
            )
            for pk in missing
        ]
        added += len(WrittenEvent.objects.bulk_create(rows, ignore_conflicts=True))
    return added


def _stale() -> Q:
    return Q(written_sequence=None) | ~Q(written_sequence=F("consultation__sequence"))


def _retracted(now: datetime) -> Q:
    """Events to take out: every one in a connection being removed, and the upcoming ones
    in a calendar that no longer receives consultations (they move to the one that does)."""
    return Q(calendar__connection__removing_since__isnull=False) | Q(
        calendar__receives_consultations=False, consultation__ends_at__gt=now
    )


# An event in the calendar, or one being written there now.
_IN_CALENDAR = ~Q(href="") | Q(claimed_at__isnull=False)


def written_to(*, connection: CalendarConnection) -> "QuerySet[WrittenEvent]":
    """Our events in the connection's calendars, or being written there now."""
    return WrittenEvent.objects.filter(calendar__connection=connection).filter(_IN_CALENDAR)


def finish_removals(*, now: datetime) -> int:
    """Delete, with their sealed credentials, the removed connections whose events are out
    of their calendars, or that have tried for REMOVAL_GIVES_UP; how many went."""
    removed = CalendarConnection.objects.filter(removing_since__isnull=False).exclude(
        Exists(WrittenEvent.objects.filter(_IN_CALENDAR, calendar__connection=OuterRef("pk")))
        & Q(removing_since__gt=now - REMOVAL_GIVES_UP)
    )
    return removed.delete()[1].get(CalendarConnection._meta.label, 0)


def due_batches(*, now: datetime) -> list[list[int]]:
    """Rows whose event is not current, or is to be taken out, and that no worker holds,
    in batches. Removed connections that are done go first."""
    finish_removals(now=now)
    add_missing_rows(now=now)
    ids = list(
        WrittenEvent.objects.unclaimed(now=now)
        .filter(_stale() | _retracted(now))
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_PER_SWEEP]
    )
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def event_data(*, consultation: Consultation, uid: str, now: datetime) -> bytes:
    """The iCalendar text of a consultation's event: the moments, a neutral title, a link."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//First Step//Consultations//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", consultation.starts_at.astimezone(UTC))
    event.add("dtend", consultation.ends_at.astimezone(UTC))
    event.add("summary", TITLE)
    event.add("description", settings.SITE_URL + consultation.get_absolute_url())
    event.add("sequence", consultation.sequence)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()


def write_event(*, event_id: int, now: datetime) -> bool:
    """Bring one consultation's event up to date, once, or take it out (see _retracted).
    False when there was nothing to do (another worker holds it, or it is current). A
    failure is kept on the row and the row is tried again at a later sweep."""
    token, claimed = (
        WrittenEvent.objects.filter(pk=event_id).filter(_stale() | _retracted(now)).claim(now=now)
    )
    if not claimed:
        return False
    row = WrittenEvent.objects.select_related("consultation", "calendar__connection").get(
        pk=event_id
    )
    retract = WrittenEvent.objects.filter(pk=event_id).filter(_retracted(now)).exists()
    consultation = row.consultation
    done: dict[str, object] = {}
    try:
        client = caldav_sync.client_for(row.calendar.connection)
        calendar = caldav_sync.calendar_at(client=client, url=row.calendar.url)
        href = row.href or f"{str(calendar.url).rstrip('/')}/{row.uid}.ics"
        with caldav_sync.plain_errors():
            if retract or consultation.status == Consultation.Status.CANCELLED:
                if row.href:
                    caldav_sync.delete_event(client=client, href=href)
                href = ""
            else:
                data = event_data(consultation=consultation, uid=row.uid, now=now)
                caldav_sync.put_event(client=client, href=href, data=data)
    except caldav_sync.CalDAVError as error:
        done["last_error"] = str(error)[:300]
    except sealing.UnsealError:
        done["last_error"] = _("The stored address can no longer be read; please add it again.")
    else:
        if retract:
            WrittenEvent.objects.filter(pk=event_id, claim=token).delete()
            return True
        done.update(written_sequence=consultation.sequence, href=href, last_error="")
    WrittenEvent.objects.filter(pk=event_id, claim=token).release(**done)
    return True
