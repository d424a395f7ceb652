"""The specialist's practice: their consultations week by week, and their availability."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, cast

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import hours, meeting, schedule, time_off, weekly_hours
from bookings.forms import (
    BaseWeeklyFormSet,
    BookingSettingsForm,
    CloseForm,
    ExceptionForm,
    TimeOffDecisionForm,
    WeeklyFormSet,
    parse_day,
)
from bookings.models import AvailabilityException, Consultation, WeeklyHours
from bookings.views.access import CONSULTATIONS_PROMPT, own_specialist
from config import paging
from directory import local_time
from directory.access import AuthenticatedHttpRequest, login_prompt_required
from directory.models import Specialist


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_GET
def practice(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The specialist's consultations: upcoming, a week view, and ones to close."""
    specialist = own_specialist(request)
    now = timezone.now()
    zone = local_time.for_request(request, fallback=specialist.time_zone).zone
    today = now.astimezone(zone).date()
    # Seven days from today, not the calendar week: on a Sunday that week is nearly over.
    week_start = parse_day(request.GET.get("week"), today=today) or today
    upcoming, upcoming_links = paging.paginate(
        request, schedule.upcoming(specialist=specialist, now=now), per_page=20
    )
    feed = reverse(
        "bookings:feed", kwargs={"token": hours.settings_for(specialist=specialist).feed_token}
    )
    context = {
        "specialist": specialist,
        "zone": zone.key,
        "upcoming": upcoming,
        "upcoming_links": upcoming_links,
        "to_close": schedule.to_close(specialist=specialist, now=now),
        "week_days": schedule.week(specialist=specialist, zone=zone, first=week_start),
        "week_start": week_start,
        "previous_week": (week_start - timedelta(days=7)).isoformat(),
        "next_week": (week_start + timedelta(days=7)).isoformat(),
        "feed_url": request.build_absolute_uri(feed),
        "close_form": CloseForm(),
    }
    return render(request, "bookings/practice.html", context)


def _availability_page(
    request: AuthenticatedHttpRequest,
    specialist: Specialist,
    *,
    formset: BaseWeeklyFormSet | None = None,
    settings_form: BookingSettingsForm | None = None,
    exception_form: ExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    booking_settings = hours.settings_for(specialist=specialist)
    rows = WeeklyHours.objects.filter(specialist=specialist)
    initial = [
        {
            "weekday": row.weekday,
            "starts": f"{row.starts:%H:%M}",
            "ends": "24:00" if row.ends.hour == row.ends.minute == 0 else f"{row.ends:%H:%M}",
        }
        for row in rows
    ]
    context = {
        "specialist": specialist,
        "formset": formset or WeeklyFormSet(prefix="hours", initial=initial),
        "settings_form": settings_form or BookingSettingsForm(instance=booking_settings),
        "exception_form": exception_form or ExceptionForm(),
        "periods": time_off.upcoming_periods(specialist=specialist, now=timezone.now()),
        "offers_video": meeting.offers_video(
            specialist=specialist, booking_settings=booking_settings
        ),
    }
    return render(request, "bookings/availability.html", context, status=status)


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_http_methods(["GET", "POST"])
def availability_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Weekly hours and booking rules on one page; dated exceptions below."""
    specialist = own_specialist(request)
    if request.method != "POST":
        return _availability_page(request, specialist)
    formset = cast(BaseWeeklyFormSet, WeeklyFormSet(request.POST, prefix="hours"))
    settings_form = BookingSettingsForm(
        request.POST, instance=hours.settings_for(specialist=specialist)
    )
    if formset.is_valid() and settings_form.is_valid():
        try:
            weekly_hours.save_hours_and_rules(
                specialist=specialist,
                booking_settings=settings_form.save(commit=False),
                ranges=formset.ranges(),
                now=timezone.now(),
            )
        except hours.AvailabilityError as error:
            settings_form.add_error(None, str(error))
        else:
            messages.success(request, _("Your availability is saved."))
            return redirect("bookings:availability")
    return _availability_page(
        request, specialist, formset=formset, settings_form=settings_form, status=400
    )


@login_prompt_required(CONSULTATIONS_PROMPT)
@require_POST
def add_exception(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Time off or extra hours; over booked consultations, a page to decide about them
    first, which posts here again."""
    specialist = own_specialist(request)
    form = ExceptionForm(request.POST)
    decision_form = TimeOffDecisionForm(request.POST)
    if form.is_valid() and decision_form.is_valid():
        decided = decision_form.cleaned_data
        try:
            added = time_off.add(
                specialist=specialist,
                dates=form.cleaned_data["dates"],
                seen=decided["seen"],
                decision=decided["decision"],
                message=decided["message"],
                now=timezone.now(),
            )
        except time_off.DecisionNeeded as needed:
            return _time_off_confirm(request, specialist, form, decided, needed.consultations)
        except hours.AvailabilityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _added_message(added))
            return redirect("bookings:availability")
    return _availability_page(request, specialist, exception_form=form, status=400)


def _time_off_confirm(
    request: AuthenticatedHttpRequest,
    specialist: Specialist,
    form: ExceptionForm,
    decided: dict[str, Any],
    consultations: Sequence[Consultation],
) -> HttpResponse:
    """What to do with the consultations booked in the time off: the dates are carried over,
    and a 409 says when a decision was missing or made on an outdated list."""
    notice = ""
    if decided["seen"] and not decided["decision"]:
        notice = _("Please choose what should happen to them.")
    elif decided["seen"]:
        notice = _("Someone booked in that time since you looked. Please decide again.")
    seen = ",".join(str(c.pk) for c in consultations)
    context = {
        "specialist": specialist,
        "dates": form.cleaned_data["dates"],
        "carried": [(name, request.POST.get(name, "")) for name in form.fields],
        "consultations": consultations,
        "decision_form": TimeOffDecisionForm(initial={"seen": seen, "message": decided["message"]}),
        "notice": notice,
        "zone": specialist.time_zone,
    }
    status = 409 if notice else 200
    return render(request, "bookings/time_off_confirm.html", context, status=status)


def _added_message(added: time_off.Added) -> str:
    if added.cancelled:
        return ngettext(
            "Added. %(count)d consultation is cancelled; we have told the client.",
            "Added. %(count)d consultations are cancelled; we have told each client.",
            len(added.cancelled),
        ) % {"count": len(added.cancelled)}
    if added.kept:
        return _("Added. The consultations booked in that time are kept.")
    return _("Added.")


@login_prompt_required(CONSULTATIONS_PROMPT)
@require_POST
def remove_exception(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove one entry: the date, or with `through`, the run of days it starts."""
    exception = get_object_or_404(
        AvailabilityException.objects.select_related("specialist"),
        pk=pk,
        specialist__owner=request.user,
    )
    try:
        through = date.fromisoformat(request.POST.get("through", "")[:10])
    except ValueError:
        through = exception.date
    time_off.remove(exception=exception, through=through, now=timezone.now())
    messages.success(request, _("Removed."))
    return redirect("bookings:availability")
