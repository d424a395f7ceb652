"""The waitlist and the times held from it for a waiting client."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Specialist


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
