"""The specialist's private iCalendar feed, and replacing its address."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bookings import calendar, hours
from bookings.models import BookingSettings, Consultation
from bookings.views.access import CONSULTATIONS_PROMPT, own_specialist
from directory.access import AuthenticatedHttpRequest, login_prompt_required


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_POST
def new_feed_url(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Replace the private feed address, for when it was shared by mistake."""
    hours.new_feed_address(specialist=own_specialist(request))
    messages.success(
        request, _("Your calendar feed has a new address; the old one stopped working.")
    )
    return redirect("bookings:practice")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A specialist's consultations as iCalendar; the unguessable token is the key."""
    booking_settings = get_object_or_404(
        BookingSettings.objects.select_related("specialist"), feed_token=token
    )
    since = timezone.now() - timedelta(days=60)
    consultations = Consultation.objects.filter(
        specialist=booking_settings.specialist, starts_at__gte=since
    ).select_related("specialist")
    body = calendar.feed(
        consultations=consultations, booking_settings=booking_settings, now=timezone.now()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
