"""The free-consultation call to action on the public profile page (three queries)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings import availability
from bookings.forms import slot_value
from bookings.models import Consultation
from directory.models import Specialist, User
from directory.sections import Section

SHOWN = 6
LOOK_AHEAD = timedelta(days=14)


def existing_consultation(
    *, client: User | AnonymousUser, specialist: Specialist
) -> Consultation | None:
    """The client's free consultation with the specialist, booked or held; a client has at
    most one that is not cancelled (the constraint consultation_one_free_per_client_and_
    specialist), so they are shown it rather than times they could not book."""
    if not client.is_authenticated:
        return None
    return Consultation.objects.active().filter(client=client, specialist=specialist).first()


def free_consultation(specialist: Specialist, request: HttpRequest) -> Section | None:
    if not specialist.offers_free_consultation:
        return None
    now = timezone.now()
    zone = availability.zone_or_none(request.GET.get("tz"))
    detected = zone is not None
    zone = zone or availability.zone_or_none(specialist.time_zone) or ZoneInfo("UTC")
    existing = existing_consultation(client=request.user, specialist=specialist)
    if existing is not None:
        return Section(
            template="bookings/_profile_section.html",
            order=10,
            context={
                "existing": existing,
                "upcoming": existing.status == Consultation.Status.CONFIRMED
                and existing.starts_at > now,
                "zone": existing.client_time_zone or zone.key,
            },
        )
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + LOOK_AHEAD
    )[:SHOWN]
    picker = reverse("bookings:pick", kwargs={"slug": specialist.slug})
    book = reverse("bookings:book", kwargs={"slug": specialist.slug})
    if detected:
        # Without ?tz= the browser adds its own zone to these links (see _tz_script.html).
        picker += "?" + urlencode({"tz": zone.key})
    return Section(
        template="bookings/_profile_section.html",
        order=10,
        context={
            "slots": [(slot.starts_at, slot_value(slot.starts_at)) for slot in found],
            "zone": zone.key,
            "zone_detected": detected,
            "picker_url": picker,
            "book_url": book,
        },
    )
