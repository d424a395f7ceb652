"""One consultation, for either side of it: its page, its invitation, cancelling, moving,
and (for the specialist) saying how it went."""

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import booking, calendar, meeting, parties, waitlist
from bookings.forms import ChangeForm, CloseForm, RescheduleForm
from bookings.models import Consultation, WaitlistEntry
from bookings.views.access import CONSULTATIONS_PROMPT, own_consultation
from bookings.views.picker import picker_context
from directory import local_time
from directory.access import AuthenticatedHttpRequest, login_prompt_required


def _zone_for(request: HttpRequest, consultation: Consultation, party: str) -> str:
    """The reader's zone, else the one their side of the consultation is in."""
    key = (
        consultation.client_time_zone
        if party == Consultation.Party.CLIENT
        else consultation.specialist.time_zone
    )
    return local_time.for_request(request, fallback=key).key


def _other_zone(consultation: Consultation, party: str) -> str:
    """The zone of the other side, whose wall time is shown beside the reader's."""
    return (
        consultation.specialist.time_zone
        if party == Consultation.Party.CLIENT
        else consultation.client_time_zone
    )


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation, party = own_consultation(request, pk)
    return _detail_page(request, consultation, party)


def _detail_page(
    request: AuthenticatedHttpRequest,
    consultation: Consultation,
    party: str,
    *,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    booking_settings = getattr(consultation.specialist, "booking_settings", None)
    now = timezone.now()
    context = {
        "consultation": consultation,
        "party": party,
        "zone": _zone_for(request, consultation, party),
        "other_zone": _other_zone(consultation, party),
        "meeting_link": meeting.link(consultation, booking_settings),
        "how": meeting.how(consultation, booking_settings, party=party),
        "add_links": calendar.add_links(consultation, booking_settings, party=party),
        "changeable": parties.can_change(consultation=consultation, by=request.user, now=now),
        "closable": parties.awaits_close(consultation=consultation, by=request.user, now=now),
        "can_answer_fit": parties.can_answer_fit(
            consultation=consultation, by=request.user, now=now
        ),
        "close_form": close_form,
        "waiting": _waiting(request, consultation, party, now=now),
    }
    return render(request, "bookings/detail.html", context, status=status)


def _waiting(
    request: AuthenticatedHttpRequest, consultation: Consultation, party: str, *, now: datetime
) -> WaitlistEntry | None:
    """The client's wait for an earlier time with this specialist; none for the specialist."""
    if party != Consultation.Party.CLIENT:
        return None
    return waitlist.entry_of(client=request.user, specialist=consultation.specialist, now=now)


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_GET
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation, party = own_consultation(request, pk)
    booking_settings = getattr(consultation.specialist, "booking_settings", None)
    body = calendar.invite(
        consultation=consultation,
        booking_settings=booking_settings,
        party=party,
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consultation.ics"'
    return response


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A GET only asks for confirmation: mail scanners follow links."""
    consultation, party = own_consultation(request, pk)
    form = ChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking.cancel(
                    consultation=consultation,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            except booking.BookingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The consultation is cancelled. We have told them."))
                return redirect(consultation)
        status = 400
    context = {
        "consultation": consultation,
        "party": party,
        "form": form,
        "zone": _zone_for(request, consultation, party),
        "other_zone": _other_zone(consultation, party),
    }
    return render(request, "bookings/cancel.html", context, status=status)


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_http_methods(["GET", "POST"])
def reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A GET shows the free times; only the POST moves the consultation."""
    consultation, party = own_consultation(request, pk)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking.reschedule(
                    consultation=consultation,
                    by=request.user,
                    starts_at=form.cleaned_data["slot"],
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            except booking.BookingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Moved to the new time. We have told them."))
                return redirect(consultation)
        status = 400
    return _reschedule_page(request, consultation, party, form=form, status=status)


def _reschedule_page(
    request: AuthenticatedHttpRequest,
    consultation: Consultation,
    party: str,
    *,
    form: RescheduleForm,
    status: int,
) -> HttpResponse:
    """The free times around the consultation's own, in the reader's zone."""
    context = picker_context(
        request,
        consultation.specialist,
        ignore=(consultation.starts_at, consultation.ends_at),
        default_zone=_zone_for(request, consultation, party),
    )
    context.update(
        consultation=consultation,
        party=party,
        form=form,
        selected=request.POST.get("slot", ""),
    )
    return render(request, "bookings/reschedule.html", context, status=status)


@login_prompt_required(CONSULTATIONS_PROMPT)
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation, party = own_consultation(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, consultation, party, close_form=form, status=400)
    try:
        booking.close(
            consultation=consultation,
            by=request.user,
            status=form.cleaned_data["status"],
            now=timezone.now(),
        )
    except booking.BookingError as error:
        form.add_error(None, str(error))
        return _detail_page(request, consultation, party, close_form=form, status=400)
    messages.success(request, _("Saved."))
    return redirect("bookings:practice")
