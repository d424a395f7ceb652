"""Availability, free consultations and their reminders.

Invariants live in the database: no two active consultations of one specialist overlap
(an exclusion constraint on PostgreSQL, added by migration 0002; on SQLite a unique slot
start plus an overlap check inside an IMMEDIATE transaction), one free consultation per
client and specialist, one reminder of each kind per consultation.
"""

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Specialist

CONSULTATION_MINUTES = 30
MIDNIGHT = time(0, 0)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# An end of 00:00 means the end of the day, so that 23:30-00:00 can be offered.
_ENDS_AFTER_STARTS = Q(ends__gt=F("starts")) | Q(ends=MIDNIGHT)


class WeeklyHours(models.Model):
    """One range of wall-clock hours on a weekday, in the specialist's own time zone."""

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(condition=_ENDS_AFTER_STARTS, name="weekly_hours_ends_after"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_hours_weekday"),
            models.UniqueConstraint(
                fields=["specialist", "weekday", "starts"], name="weekly_hours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A dated change to the weekly hours: extra hours, or time off (all day when no times)."""

    class Kind(models.TextChoices):
        EXTRA = "extra", _("Extra hours")
        OFF = "off", _("Time off")

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    starts = models.TimeField(null=True, blank=True)
    ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "starts"]
        indexes = [models.Index(fields=["specialist", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(starts=None, ends=None, kind="off"))
                | (Q(starts__isnull=False, ends__isnull=False) & _ENDS_AFTER_STARTS),
                name="availability_exception_times",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    @property
    def all_day(self) -> bool:
        return self.starts is None


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class BookingSettings(models.Model):
    """A specialist's booking rules; absent rows mean the defaults below."""

    specialist = models.OneToOneField(
        Specialist, on_delete=models.CASCADE, primary_key=True, related_name="booking_settings"
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between consultations (minutes)"), default=0
    )
    notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=12)
    horizon_days = models.PositiveSmallIntegerField(_("booking horizon (days)"), default=30)
    daily_cap = models.PositiveSmallIntegerField(
        _("at most this many consultations a day"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    meeting_link = models.URLField(
        _("meeting link for free consultations"),
        blank=True,
        help_text=_("Leave empty to use the meeting link on your profile."),
    )
    # Without a link, a video consultation is offered only on this promise (bookings.meeting).
    link_by_email = models.BooleanField(
        _("I will send a link by e-mail before the call"), default=False
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    class Meta:
        verbose_name_plural = "booking settings"
        constraints = [
            # The messages are what the settings form shows: the form does not restate these.
            models.CheckConstraint(
                condition=Q(buffer_minutes__lte=240),
                name="settings_buffer",
                violation_error_message=_("The buffer is at most 240 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(notice_hours__lte=24 * 14),
                name="settings_notice",
                violation_error_message=_("The notice is at most 336 hours (two weeks)."),
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1, horizon_days__lte=365),
                name="settings_horizon",
                violation_error_message=_("The horizon is between 1 and 365 days."),
            ),
            models.CheckConstraint(
                condition=Q(daily_cap=None) | Q(daily_cap__gte=1, daily_cap__lte=48),
                name="settings_daily_cap",
                violation_error_message=_(
                    "The daily limit is between 1 and 48, or empty for no limit."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"booking settings of specialist #{self.pk}"


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def active(self) -> "ConsultationQuerySet":
        return self.exclude(status=Consultation.Status.CANCELLED)

    def upcoming(self, *, now) -> "ConsultationQuerySet":  # type: ignore[no-untyped-def]
        return self.filter(status=Consultation.Status.CONFIRMED, ends_at__gt=now)


class Consultation(models.Model):
    """A free 30-minute first consultation between a client and a specialist."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("Client did not attend")

    class Mode(models.TextChoices):
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone call")

    class Party(models.TextChoices):
        CLIENT = "client", _("the client")
        SPECIALIST = "specialist", _("the specialist")

    class Fit(models.TextChoices):
        GOOD = "good", _("A good fit")
        NOT_FIT = "not_fit", _("Not a fit")

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="consultations"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultations"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.VIDEO)
    phone = models.CharField(max_length=40, blank=True)
    # Private to the specialist; never logged, never in a subject line or a calendar feed.
    note = models.TextField(blank=True)
    client_time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    # Bumped on every change so that calendar programs replace the event they hold.
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=20, choices=Party.choices, blank=True)
    change_reason = models.CharField(max_length=500, blank=True)
    fit = models.CharField(max_length=10, choices=Fit.choices, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["specialist", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="consultation_ends_after_start"
            ),
            # Every database: two active consultations never start together for one
            # specialist. PostgreSQL adds an exclusion constraint over the whole range.
            models.UniqueConstraint(
                fields=["specialist", "starts_at"],
                condition=~Q(status="cancelled"),
                name="consultation_one_per_slot",
            ),
            models.UniqueConstraint(
                fields=["client", "specialist"],
                condition=~Q(status="cancelled"),
                name="consultation_one_free_per_client_and_specialist",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancelled_at=None),
                name="consultation_cancelled_at_only_when_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"consultation #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("bookings:detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


# A claim held this long belongs to a worker that died; the next sweep takes it over.
STALE_CLAIM = timedelta(minutes=10)


class ClaimQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def unclaimed(self, *, now: datetime) -> "ClaimQuerySet":
        """Rows no worker holds: never claimed, or claimed STALE_CLAIM ago or more."""
        return self.filter(Q(claimed_at=None) | Q(claimed_at__lt=now - STALE_CLAIM))


class SentOnce(models.Model):
    """An e-mail sent once: a worker claims the row with a conditional UPDATE (its token in
    `claim`), sends, and sets `sent_at`."""

    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        abstract = True


class Reminder(SentOnce):
    """An e-mail due at a moment; the sweep claims and sends it once."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "day_before", _("Reminder the day before")
        HOUR_BEFORE = "hour_before", _("Reminder shortly before")
        FOLLOW_UP = "follow_up", _("Follow-up after the consultation")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "kind"], name="reminder_one_per_kind"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(sent_at=None), name="reminder_unsent_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder #{self.pk}"


class Notice(SentOnce):
    """An e-mail to both sides about a change (booked, cancelled, moved): the outbox.

    Written in the change's own transaction and sent by a sweep every few seconds, so a
    booking never waits on the broker and no notice is lost while the broker is down.
    """

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booking confirmation")
        CANCELLED = "cancelled", _("Cancellation notice")
        RESCHEDULED = "rescheduled", _("New time notice")
        HELD = "held", _("A time held from the waitlist")

    # A notice is about a consultation, or (kind "held") about a time held for a client.
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="notices", null=True, blank=True
    )
    hold = models.ForeignKey(
        "Hold", on_delete=models.CASCADE, related_name="notices", null=True, blank=True
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Who made the change, so that each side reads "you moved it" or "they moved it".
    by = models.CharField(max_length=20, choices=Consultation.Party.choices, blank=True)
    created_at = models.DateTimeField()
    # A notice waits a moment before it goes out, so that changes made within it reach
    # each side as one e-mail (or none, when a booking is cancelled before it was told).
    due_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], condition=Q(sent_at=None), name="notice_unsent_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="held", consultation=None, hold__isnull=False)
                | (~Q(kind="held") & Q(consultation__isnull=False, hold=None)),
                name="notice_about_a_consultation_or_a_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice #{self.pk}"


class BusyTime(models.Model):
    """A time the specialist is busy elsewhere (from a connected calendar): no slot overlaps it.

    Only the moments are kept: never the title, place or guests of the specialist's own events.
    `source` names who wrote the rows (for example "calendar:12"), so that each source
    replaces only its own.
    """

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="busy_times")
    source = models.CharField(max_length=64)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["specialist", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="busy_time_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"busy time #{self.pk}"


class WaitlistEntry(models.Model):
    """A client waiting for an earlier free consultation with one specialist.

    At most three per client (bookings.waitlist, under the client's lock); one per client and
    specialist (a constraint).
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    created_at = models.DateTimeField()
    # Only times that start before this are offered (None: any time within the horizon).
    before = models.DateTimeField(null=True, blank=True)
    # When the sweep next looks for a time to hold: at once after a change that may free
    # one (a cancellation, new hours), and every few minutes anyway.
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            models.Index(fields=["due_at"], name="waitlist_due"),
            models.Index(fields=["specialist", "created_at"], name="waitlist_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "specialist"], name="waitlist_one_per_client_and_specialist"
            ),
        ]

    def __str__(self) -> str:
        return f"waitlist entry #{self.pk}"


class Hold(models.Model):
    """A free time kept for one waiting client for a few minutes: slot reads treat it as a
    booking, and only its holder may book it.

    A live hold (status "held") never overlaps another live hold of the specialist, nor an
    active consultation: on PostgreSQL an exclusion constraint and, on both databases,
    triggers on both tables (migration 0007). It stays live until the sweep settles it
    (expired), its holder books (booked) or lets it go (released).
    """

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        BOOKED = "booked", _("Booked")
        EXPIRED = "expired", _("Expired")
        RELEASED = "released", _("Let go")

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="holds")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holds"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["specialist", "starts_at"], name="hold_specialist_start"),
            models.Index(fields=["expires_at"], condition=Q(status="held"), name="hold_live"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="hold_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["specialist", "starts_at"],
                condition=Q(status="held"),
                name="hold_one_per_slot",
            ),
            models.UniqueConstraint(
                fields=["client", "specialist"],
                condition=Q(status="held"),
                name="hold_one_per_client_and_specialist",
            ),
        ]

    def __str__(self) -> str:
        return f"hold #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("bookings:hold", kwargs={"pk": self.pk})
