"""The one e-mail of calendar connections. Its subject carries neutral words only."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from calendars.models import CalendarConnection


def sync_failing(*, connection: CalendarConnection) -> None:
    """Tell the specialist that a calendar has failed for a day and no longer blocks times."""
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "connection": connection,
        "specialist": connection.specialist,
        "page_url": settings.SITE_URL + reverse("calendars:list"),
    }
    name = "emails/calendar_sync_failing"
    message = EmailMultiAlternatives(
        subject=" ".join(render_to_string(f"{name}/subject.txt", context).split()),
        body=render_to_string(f"{name}/body.txt", context),
        to=[connection.specialist.owner.email],
    )
    message.attach_alternative(render_to_string(f"{name}/body.html", context), "text/html")
    message.send()
