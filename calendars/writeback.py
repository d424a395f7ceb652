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
from django.db.models import F, Q

from bookings.models import Consultation
from calendars import caldav_sync
from calendars.models import RemoteCalendar, WrittenEvent

TITLE = "Free consultation — First Step"
MAX_PER_SWEEP = 1000
BATCH = 20


def add_missing_rows(*, now: datetime) -> int:
    """A row for each upcoming confirmed consultation of a specialist with a receiving
    calendar that has no row yet; the number added."""
    added = 0
    for calendar in RemoteCalendar.objects.filter(receives_consultations=True):
        written = WrittenEvent.objects.filter(consultation__specialist_id=calendar.specialist_id)
        missing = (
            Consultation.objects.filter(
                specialist_id=calendar.specialist_id,
                status=Consultation.Status.CONFIRMED,
                ends_at__gt=now,
            )
            # Once written, a consultation stays in its calendar when another is chosen.
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


def due_batches(*, now: datetime) -> list[list[int]]:
    """Rows whose event is not current and that no worker holds, in batches."""
    add_missing_rows(now=now)
    ids = list(
        WrittenEvent.objects.unclaimed(now=now)
        .filter(_stale())
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
    """Bring one consultation's event up to date, once. False when there was nothing to do
    (another worker holds it, or it is current). A failure is kept on the row and the
    row is tried again at a later sweep."""
    token = secrets.token_hex(16)
    claimed = (
        WrittenEvent.objects.filter(pk=event_id)
        .unclaimed(now=now)
        .filter(_stale())
        .update(claimed_at=now, claim=token)
    )
    if not claimed:
        return False
    row = WrittenEvent.objects.select_related("consultation", "calendar__connection").get(
        pk=event_id
    )
    consultation = row.consultation
    done: dict[str, object] = {"claimed_at": None, "claim": ""}
    try:
        client = caldav_sync.client_for(row.calendar.connection)
        calendar = caldav_sync.calendar_at(client=client, url=row.calendar.url)
        href = row.href or f"{str(calendar.url).rstrip('/')}/{row.uid}.ics"
        with caldav_sync.plain_errors():
            if consultation.status == Consultation.Status.CANCELLED:
                if row.href:
                    caldav_sync.delete_event(client=client, href=href)
                href = ""
            else:
                data = event_data(consultation=consultation, uid=row.uid, now=now)
                caldav_sync.put_event(client=client, href=href, data=data)
    except caldav_sync.CalDAVError as error:
        done["last_error"] = str(error)[:300]
    else:
        done.update(written_sequence=consultation.sequence, href=href, last_error="")
    WrittenEvent.objects.filter(pk=event_id, claim=token).update(**done)
    return True
