"""Weekly hours, dated exceptions and busy times: what a specialist's availability is made of."""

from datetime import time

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import Specialist

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
