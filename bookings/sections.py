"""The free-consultation call to action on the public profile page (two queries; three
with a client's place on a waitlist)."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from bookings import availability, waitlist
from bookings.forms import slot_value
from bookings.models import Consultation, WaitlistEntry
from directory import local_time
from directory.models import Specialist, User
from directory.sections import Section, drawn

SHOWN = 6
LOOK_AHEAD = timedelta(days=14)
TEMPLATE = "bookings/_profile_section.html"
# What the section draws for times to book (the templates of a booked consultation are
# drawn for each visit: they hold the visitor's form token).
TIMES_TEMPLATES = (TEMPLATE, "bookings/_zone_note.html")


def existing_consultation(
    *, client: User | AnonymousUser, specialist: Specialist
) -> Consultation | None:
    """The client's free consultation with the specialist, booked or held; a client has at
    most one that is not cancelled (the constraint consultation_one_free_per_client_and_
    specialist), so they are shown it rather than times they could not book."""
    if not client.is_authenticated:
        return None
    return Consultation.objects.active().filter(client=client, specialist=specialist).first()


# The profile asks this at every visit of a logged-in client, so it is written out, with
# whether the client waits for an earlier time (then their place is read: rarely).
_EXISTING_SQL = f"""
SELECT c.id, c.status, CAST(c.starts_at AS text),
  EXISTS (SELECT 1 FROM {WaitlistEntry._meta.db_table} w
          WHERE w.client_id = c.client_id AND w.specialist_id = c.specialist_id)
FROM {Consultation._meta.db_table} c
WHERE c.client_id = %(client)s AND c.specialist_id = %(specialist)s AND c.status <> %(cancelled)s
ORDER BY c.starts_at LIMIT 1
"""  # noqa: S608 (table names only; every value is a parameter)


def _existing_for_profile(
    *, client: User, specialist: Specialist
) -> tuple[Consultation, bool] | None:
    """What the profile shows of `existing_consultation` (its id, status and start) and
    whether the client is on the specialist's waitlist: one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _EXISTING_SQL,
            {
                "client": client.pk,
                "specialist": specialist.pk,
                "cancelled": Consultation.Status.CANCELLED.value,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, status, starts_at, waiting = row
    starts = datetime.fromisoformat(starts_at)
    if starts.tzinfo is None:  # SQLite's text is naive UTC
        starts = starts.replace(tzinfo=UTC)
    consultation = Consultation(pk=pk, status=status, starts_at=starts, specialist=specialist)
    return consultation, bool(waiting)


def free_consultation(specialist: Specialist, request: HttpRequest) -> Section | None:
    if not specialist.offers_free_consultation:
        return None
    now = timezone.now()
    reader = local_time.for_request(request, fallback=specialist.time_zone)
    client = request.user
    existing = (
        _existing_for_profile(client=client, specialist=specialist)
        if isinstance(client, User) and client.is_authenticated
        else None
    )
    if existing is not None:
        consultation, on_waitlist = existing
        upcoming = (
            consultation.status == Consultation.Status.CONFIRMED and consultation.starts_at > now
        )
        return Section(
            template=TEMPLATE,
            order=10,
            context={
                "existing": consultation,
                "upcoming": upcoming,
                "zone": reader.key,
                "waiting": waitlist.entry_of(client=client, specialist=specialist, now=now)
                if upcoming and on_waitlist
                else None,
            },
        )
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + LOOK_AHEAD
    )[:SHOWN]
    picker = reverse("bookings:pick", kwargs={"slug": specialist.slug})
    book = reverse("bookings:book", kwargs={"slug": specialist.slug})
    # A zone given in the address (no cookies, no JavaScript) travels on with the links.
    carried = ""
    if local_time.zone_named(request.GET.get("tz")):
        carried = "&" + urlencode({"tz": reader.key})
        picker += "?" + carried[1:]
    context = {
        "slots": [(slot.starts_at, slot_value(slot.starts_at)) for slot in found],
        "reader": reader,
        "specialist_zone": specialist.time_zone,
        "picker_url": picker,
        "book_url": book,
        "carried": carried,
        "here": request.get_full_path(),
    }
    # The times are read for each visit; only their drawing is kept, under what it shows.
    html = drawn(
        templates=TIMES_TEMPLATES,
        shown=context,
        draw=lambda: render_to_string(TEMPLATE, {"section": context, "specialist": specialist}),
    )
    return Section(template="", order=10, html=mark_safe(html))  # noqa: S308 - our templates'
