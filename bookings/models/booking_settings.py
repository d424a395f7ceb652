"""A specialist's booking rules and the token of their calendar feed."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Specialist


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
