"""The one e-mail of calendar connections. Its subject carries neutral words only."""

from django.conf import settings
from django.urls import reverse

from calendars.models import CalendarConnection
from config import emails


def sync_failing(*, connection: CalendarConnection) -> None:
    """Tell the specialist that a calendar has failed for a day and no longer blocks times."""
    emails.send(
        "calendar_sync_failing",
        to=[connection.specialist.owner.email],
        context={
            "connection": connection,
            "specialist": connection.specialist,
            "page_url": settings.SITE_URL + reverse("calendars:list"),
        },
    )
