"""Featured listings an admin schedules, and the log of their changes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models.profiles import Specialist


class Promotion(models.Model):
    """A listing an admin features for a date range (both days included).

    Only specialists who are published and offer a free consultation are shown as featured;
    see directory.promotions.
    """

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="promotions")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    note = models.CharField(
        _("internal note"), max_length=200, blank=True, help_text=_("Never shown to visitors.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="promotion_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialist.name}, {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"


class PromotionChange(models.Model):
    """Who changed which promotion, when, and how: an append-only log."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    promotion_id_at_change = models.PositiveBigIntegerField(_("promotion"))
    specialist = models.ForeignKey(
        Specialist, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    details = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} promotion #{self.promotion_id_at_change}"
