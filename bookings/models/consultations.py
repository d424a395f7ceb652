"""Free consultations, their reminders and the outbox of notices about changes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Specialist
from outbox.claims import SentOnce

CONSULTATION_MINUTES = 30


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
