"""The client's pages: picking a time, booking it, their consultations, and how it went."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bookings import bookable, booking, meeting, waitlist
from bookings.forms import BookingForm, FitForm, parse_slot
from bookings.models import Consultation
from bookings.views.access import CONSULTATIONS_PROMPT, own_consultation
from bookings.views.picker import client_zone, next_page, picker_context
from config import paging
from directory import local_time, similar
from directory.access import AuthenticatedHttpRequest, login_prompt_required
from directory.models import Specialist, User

BOOK_PROMPT = gettext_lazy("To book a free consultation, please log in or create an account")


def _bookable(slug: str, *, client: User | AnonymousUser | None = None) -> bookable.Bookable:
    """A specialist offering free consultations, with their booking rules; 404 otherwise."""
    found = bookable.bookable(slug=slug, client=client)
    if found is None:
        raise Http404
    return found


@require_GET
def pick_slot(request: HttpRequest, slug: str) -> HttpResponse:
    found = _bookable(slug, client=request.user)
    specialist = found.specialist
    if found.has_consultation:
        return redirect(specialist.get_absolute_url() + "#free-consultation")
    context = picker_context(request, specialist)
    context["waiting"] = (
        waitlist.entry_of(client=request.user, specialist=specialist, now=timezone.now())
        if found.waiting
        else None
    )
    return render(request, "bookings/pick_slot.html", context)


def _booking_details(request: HttpRequest, slug: str) -> str | None:
    """The specialist and the time a visitor was booking, for the log-in prompt."""
    specialist = Specialist.objects.offering_free_consultations().filter(slug=slug).first()
    if specialist is None:
        return None
    slot = parse_slot(request.GET.get("slot", ""))
    if slot is None:
        return specialist.name
    zone, _detected = client_zone(request, specialist)
    return _("%(name)s · %(when)s (%(zone)s)") % {
        "name": specialist.name,
        "when": date_format(slot.astimezone(zone), "l j F Y, H:i"),
        "zone": zone.key,
    }


@never_cache
@login_prompt_required(BOOK_PROMPT, details=_booking_details)
@require_http_methods(["GET", "POST"])
def book(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    found = _bookable(slug, client=request.user)
    specialist = found.specialist
    zone, detected = client_zone(request, specialist)
    form = _booking_form(request, specialist, zone)
    if request.method == "GET":
        if found.has_consultation:
            return redirect(specialist.get_absolute_url() + "#free-consultation")
        if parse_slot(request.GET.get("slot", "")) is None:
            messages.error(request, _("Please pick a time first."))
            return redirect("bookings:pick", slug=specialist.slug)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            consultation = booking.book(
                client=request.user,
                specialist=specialist,
                starts_at=data["slot"],
                mode=data["mode"],
                note=data["note"],
                phone=data["phone"],
                client_time_zone=zone.key,
                now=timezone.now(),
            )
        except booking.BookingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Booked. We have e-mailed you the details."))
            return redirect(next_page(request) or consultation)
    return _book_page(request, specialist, form, zone=zone, detected=detected)


def _booking_form(request: HttpRequest, specialist: Specialist, zone: ZoneInfo) -> BookingForm:
    """The form as posted, else for the time picked, in the zone it is shown in."""
    booking_settings = getattr(specialist, "booking_settings", None)
    modes = meeting.modes(specialist=specialist, booking_settings=booking_settings)
    promise = meeting.promise(specialist=specialist, booking_settings=booking_settings)
    if request.method == "POST":
        return BookingForm(request.POST, modes=modes, promise=promise)
    initial = {"slot": request.GET.get("slot", ""), "tz": zone.key}
    return BookingForm(initial=initial, modes=modes, promise=promise)


def _book_page(
    request: HttpRequest,
    specialist: Specialist,
    form: BookingForm,
    *,
    zone: ZoneInfo,
    detected: bool,
) -> HttpResponse:
    then = next_page(request)
    picker = reverse("bookings:pick", kwargs={"slug": specialist.slug})
    query = {"tz": zone.key, **({"next": then} if then else {})}
    context = {
        "specialist": specialist,
        "form": form,
        "slot": parse_slot(str(form["slot"].value() or "")),
        "zone": zone.key,
        "zone_detected": detected,
        "picker_url": f"{picker}?{urlencode(query)}",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "bookings/book.html", context, status=status)


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_GET
def my_consultations(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = Consultation.objects.filter(client=request.user).select_related("specialist")
    upcoming = list(mine.upcoming(now=now))
    past, past_links = paging.paginate(
        request, mine.exclude(pk__in=[c.pk for c in upcoming]).order_by("-starts_at"), per_page=20
    )
    fallback = upcoming[0].client_time_zone if upcoming else None
    context = {
        "upcoming": upcoming,
        "past": past,
        "past_links": past_links,
        "zone": local_time.for_request(request, fallback=fallback).key,
        "now": now,
    }
    return render(request, "bookings/my_consultations.html", context)


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_http_methods(["GET", "POST"])
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Was this a good fit? "Not a fit" shows three similar specialists free this week."""
    consultation, party = own_consultation(request, pk)
    if party != Consultation.Party.CLIENT:
        raise Http404
    form = FitForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking.record_fit(
                    consultation=consultation,
                    client=request.user,
                    fit=form.cleaned_data["fit"],
                    now=timezone.now(),
                )
            except booking.BookingError as error:
                form.add_error(None, str(error))
            else:
                return redirect("bookings:feedback", pk=consultation.pk)
        status = 400
    suggested: list[Specialist] = []
    if consultation.fit == Consultation.Fit.NOT_FIT:
        suggested = similar.free_this_week(specialist=consultation.specialist, now=timezone.now())
    context = {"consultation": consultation, "form": form, "similar": suggested}
    return render(request, "bookings/feedback.html", context, status=status)
