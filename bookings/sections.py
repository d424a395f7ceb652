"""The free-consultation call to action on the public profile page (three queries)."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings import availability, waitlist
from bookings.forms import slot_value
from bookings.models import Consultation
from directory import local_time
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
    reader = local_time.for_request(request, fallback=specialist.time_zone)
    existing = existing_consultation(client=request.user, specialist=specialist)
    if existing is not None:
        upcoming = existing.status == Consultation.Status.CONFIRMED and existing.starts_at > now
        return Section(
            template="bookings/_profile_section.html",
            order=10,
            context={
                "existing": existing,
                "upcoming": upcoming,
                "zone": reader.key,
                "waiting": waitlist.entry_of(client=request.user, specialist=specialist, now=now)
                if upcoming
                else None,
            },
        )
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + LOOK_AHEAD
    )[:SHOWN]
    picker = reverse("bookings:pick", kwargs={"slug": specialist.slug})
    book = reverse("bookings:book", kwargs={"slug": specialist.slug})
    # A zone given in the address (no cookies, no JavaScript) travels on with the links.
    carried = ""
    if local_time.zone_named(request.GET.get("tz")):
        carried = "&" + urlencode({"tz": reader.key})
        picker += "?" + carried[1:]
    return Section(
        template="bookings/_profile_section.html",
        order=10,
        context={
            "slots": [(slot.starts_at, slot_value(slot.starts_at)) for slot in found],
            "reader": reader,
            "specialist_zone": specialist.time_zone,
            "picker_url": picker,
            "book_url": book,
            "carried": carried,
            "here": request.get_full_path(),
        },
    )
