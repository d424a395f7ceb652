"""A specialist's own calendars: where busy times come from, and where consultations go.

A connection is one source (a subscribed iCalendar address, or a CalDAV account with the
calendars found in it). Secrets are stored sealed (`sealing.py`) and shown only masked.
Other kinds of connection (Google or Microsoft with OAuth) would be a new `Kind` with its
own fetch and write; busy times from every kind go through `bookings.busy`.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Consultation
from directory.models import Specialist
from outbox.claims import Claimed, ClaimQuerySet

SYNC_EVERY = timedelta(minutes=10)
REMOVAL_GIVES_UP = timedelta(hours=24)


class CalendarConnection(Claimed):
    class Kind(models.TextChoices):
        ICS = "ics", _("Subscribed calendar (iCalendar address)")
        CALDAV = "caldav", _("CalDAV account")

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="calendar_connections"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Sealed: the iCalendar address (a secret: anyone holding it reads the calendar) or
    # the CalDAV server address, user name and app password.
    url_sealed = models.TextField()
    username_sealed = models.TextField(blank=True)
    password_sealed = models.TextField(blank=True)
    # What the pages show instead: the scheme and host, never the secret path.
    masked_url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    # Conditional GET of a subscribed calendar.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # For servers that send neither: the same bytes again are not parsed again.
    content_hash = models.CharField(max_length=64, blank=True)
    # The busy intervals last stored: the same set again is not written again.
    busy_hash = models.CharField(max_length=64, blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    # Scheduling: each connection is due at its own moment, so that syncs spread out.
    next_sync_at = models.DateTimeField(db_index=True)

    # Status shown to the specialist.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    busy_count = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    failure_notified_at = models.DateTimeField(null=True, blank=True)
    # Set when the specialist removes it while our consultations are still in one of its
    # calendars: it is no longer read, and its credentials are kept (sealed) only until
    # the write-back sweep has taken those events out, REMOVAL_GIVES_UP at most.
    removing_since = models.DateTimeField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"calendar connection #{self.pk}"

    @property
    def source(self) -> str:
        """The name its busy times are written under in `bookings.busy`."""
        return f"calendar:{self.pk}"


class RemoteCalendar(models.Model):
    """One calendar inside a CalDAV account: read for busy times, and/or the one that
    receives new consultations (at most one per specialist, by a constraint)."""

    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="calendars"
    )
    # Repeated from the connection so that the database can hold "one per specialist".
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=1000)
    name = models.CharField(max_length=200)
    read_busy = models.BooleanField(default=True)
    receives_consultations = models.BooleanField(default=False)
    # The server's sync token when its busy times were last read: unchanged, no search.
    sync_token = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "url"], name="remote_calendar_unique"),
            models.UniqueConstraint(
                fields=["specialist"],
                condition=Q(receives_consultations=True),
                name="remote_calendar_one_receives_consultations",
            ),
        ]

    def __str__(self) -> str:
        return f"remote calendar #{self.pk}"


class RemoteObject(models.Model):
    """The busy moments of one object (event) of a CalDAV calendar, as last read, so that
    a sync token's changes update them without reading the whole calendar again. Only
    moments: never a title."""

    calendar = models.ForeignKey(RemoteCalendar, on_delete=models.CASCADE, related_name="+")
    href = models.CharField(max_length=1000)
    busy = models.JSONField(default=list)  # [[start, end], ...] as ISO 8601 UTC

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["calendar", "href"], name="remote_object_unique"),
        ]

    def __str__(self) -> str:
        return f"remote object #{self.pk}"


class WrittenEvent(Claimed):
    """A consultation as an event in a specialist's CalDAV calendar.

    The write-back sweep claims the row with a conditional UPDATE, writes the consultation
    as it is now (or deletes the event once cancelled) and records the `sequence` written,
    so that a row whose sequence differs from the consultation's is work to do.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    calendar = models.ForeignKey(RemoteCalendar, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(max_length=200)
    href = models.CharField(max_length=1000, blank=True)
    written_sequence = models.IntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "calendar"], name="written_event_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"written event #{self.pk}"
