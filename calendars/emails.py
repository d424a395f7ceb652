"""The one e-mail of calendar connections. Its subject carries neutral words only."""

from django.conf import settings
from django.urls import reverse

from calendars.models import CalendarConnection
from config import emails


def sync_failing(*, connection_id: int) -> bool:
    """Tell the specialist that a calendar has failed for a day and no longer blocks times
    (the outbox calls it after the commit). False when that is no longer true: the calendar
    has recovered since, or the connection is being removed or is gone."""
    connection = (
        CalendarConnection.objects.select_related("specialist__owner")
        .filter(pk=connection_id, removing_since=None, failure_notified_at__isnull=False)
        .first()
    )
    if connection is None:
        return False
    emails.send(
        "calendar_sync_failing",
        to=[connection.specialist.owner.email],
        context={
            "connection": connection,
            "specialist": connection.specialist,
            "page_url": settings.SITE_URL + reverse("calendars:list"),
        },
    )
    return True
