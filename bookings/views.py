"""Views translate HTTP: load what is the user's (404 otherwise), validate, call one domain
function, turn a BookingError into a form error, redirect after POST."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import (
    availability,
    booking,
    calendar,
    hours,
    meeting,
    sections,
    slots,
    time_off,
    weekly_hours,
)
from bookings.forms import (
    BaseWeeklyFormSet,
    BookingForm,
    BookingSettingsForm,
    ChangeForm,
    CloseForm,
    ExceptionForm,
    FitForm,
    RescheduleForm,
    TimeOffDecisionForm,
    WeeklyFormSet,
    parse_day,
    parse_slot,
    slot_value,
)
from bookings.models import (
    AvailabilityException,
    BookingSettings,
    Consultation,
    WeeklyHours,
    new_feed_token,
)
from bookings.slots import Slot
from directory import local_time
from directory.access import AuthenticatedHttpRequest, login_prompt_required
from directory.models import TIME_ZONE_CHOICES, Specialist

BOOK_PROMPT = gettext_lazy("To book a free consultation, please log in or create an account")
CONSULTATIONS_PROMPT = gettext_lazy("To see your consultations, please log in to your account")
PICKER_DAYS = 7


def _client_zone(
    request: HttpRequest, specialist: Specialist, *, default: str | None = None
) -> tuple[ZoneInfo, bool]:
    """The zone to show times in: the one a booking form was shown in, else the reader's,
    else `default` (the zone a consultation was booked in), else the specialist's (a guess)."""
    zone = local_time.zone_named(request.POST.get("tz"))
    if zone is not None:
        return zone, True
    reader = local_time.for_request(request, fallback=default or specialist.time_zone)
    return reader.zone, reader.chosen or default is not None


def _without_zone(request: HttpRequest) -> str:
    """This page's address without ?tz=, which would outrank a zone picked here."""
    query = request.GET.copy()
    query.pop("tz", None)
    return request.path + ("?" + query.urlencode() if query else "")


def _then(request: HttpRequest) -> str:
    """Where booking goes on to afterwards: a page of this site named by ?next= (the booking
    widget names its own), carried from the picker to the booking; never another site."""
    then = request.GET.get("next", "")
    safe = then.startswith("/") and url_has_allowed_host_and_scheme(then, allowed_hosts=None)
    return then if safe else ""


def _days(found: list[Slot], zone: ZoneInfo) -> list[tuple[date, list[Slot]]]:
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in found:
        by_day[slot.starts_at.astimezone(zone).date()].append(slot)
    return sorted(by_day.items())


def _picker_context(
    request: HttpRequest,
    specialist: Specialist,
    *,
    ignore: tuple[datetime, datetime] | None = None,
    default_zone: str | None = None,
) -> dict[str, object]:
    """Slots for one week in the visitor's zone, with links to the weeks around it.

    `ignore` is the consultation being moved: its time frees the times around it, and is
    itself never offered (moving to the same time is no move)."""
    now = timezone.now()
    zone, detected = _client_zone(request, specialist, default=default_zone)
    today = now.astimezone(zone).date()
    first = parse_day(request.GET.get("week"), today=today) or today
    first = min(max(first, today), today + timedelta(days=366))
    starts = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    ends = datetime.combine(first + timedelta(days=PICKER_DAYS), datetime.min.time(), tzinfo=zone)
    calendar_ = availability.load_calendar(specialist=specialist, starts=starts, ends=ends)
    found = slots.slots(calendar_, now=now, starts=starts, ends=ends, ignore=ignore)
    if ignore is not None:
        found = [slot for slot in found if slot.starts_at != ignore[0]]
    horizon_end = (now + calendar_.rules.horizon).astimezone(zone).date()
    return {
        "specialist": specialist,
        "days": [
            (day, [(slot, slot_value(slot.starts_at)) for slot in day_slots])
            for day, day_slots in _days(found, zone)
        ],
        "zone": zone.key,
        "zone_detected": detected,
        "specialist_zone": specialist.time_zone,
        "week_start": first,
        "week_end": first + timedelta(days=PICKER_DAYS - 1),
        "previous_week": (first - timedelta(days=PICKER_DAYS)).isoformat()
        if first > today
        else None,
        "next_week": (first + timedelta(days=PICKER_DAYS)).isoformat()
        if first + timedelta(days=PICKER_DAYS) <= horizon_end
        else None,
        "time_zones": TIME_ZONE_CHOICES,
        "here": _without_zone(request),
        "then": _then(request),
    }


@require_GET
def pick_slot(request: HttpRequest, slug: str) -> HttpResponse:
    specialist = get_object_or_404(
        Specialist.objects.offering_free_consultations().select_related("booking_settings"),
        slug=slug,
    )
    existing = sections.existing_consultation(client=request.user, specialist=specialist)
    if existing is not None:
        return redirect(specialist.get_absolute_url() + "#free-consultation")
    return render(request, "bookings/pick_slot.html", _picker_context(request, specialist))


def _booking_details(request: HttpRequest, slug: str) -> str | None:
    """The specialist and the time a visitor was booking, for the log-in prompt."""
    specialist = Specialist.objects.offering_free_consultations().filter(slug=slug).first()
    if specialist is None:
        return None
    slot = parse_slot(request.GET.get("slot", ""))
    if slot is None:
        return specialist.name
    zone, _detected = _client_zone(request, specialist)
    return _("%(name)s · %(when)s (%(zone)s)") % {
        "name": specialist.name,
        "when": date_format(slot.astimezone(zone), "l j F Y, H:i"),
        "zone": zone.key,
    }


@never_cache
@login_prompt_required(BOOK_PROMPT, details=_booking_details)
@require_http_methods(["GET", "POST"])
def book(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    specialist = get_object_or_404(
        Specialist.objects.offering_free_consultations().select_related("booking_settings"),
        slug=slug,
    )
    zone, detected = _client_zone(request, specialist)
    then = _then(request)
    if request.method == "GET" and sections.existing_consultation(
        client=request.user, specialist=specialist
    ):
        return redirect(specialist.get_absolute_url() + "#free-consultation")
    booking_settings = getattr(specialist, "booking_settings", None)
    modes = meeting.modes(specialist=specialist, booking_settings=booking_settings)
    promise = meeting.promise(specialist=specialist, booking_settings=booking_settings)
    if request.method == "POST":
        form = BookingForm(request.POST, modes=modes, promise=promise)
        if form.is_valid():
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
                return redirect(then or consultation)
        status = 400
    else:
        form = BookingForm(
            initial={"slot": request.GET.get("slot", ""), "tz": zone.key},
            modes=modes,
            promise=promise,
        )
        status = 200
    slot = parse_slot(str(form["slot"].value() or ""))
    if request.method == "GET" and slot is None:
        messages.error(request, _("Please pick a time first."))
        return redirect(reverse("bookings:pick", kwargs={"slug": specialist.slug}))
    context = {
        "specialist": specialist,
        "form": form,
        "slot": slot,
        "zone": zone.key,
        "zone_detected": detected,
        "picker_url": reverse("bookings:pick", kwargs={"slug": specialist.slug})
        + "?"
        + urlencode({"tz": zone.key, **({"next": then} if then else {})}),
    }
    return render(request, "bookings/book.html", context, status=status)


def _mine(request: AuthenticatedHttpRequest, pk: int) -> tuple[Consultation, str]:
    """The consultation if this person is one of its two sides; 404 for anyone else."""
    consultation = get_object_or_404(
        Consultation.objects.select_related(
            "specialist__booking_settings", "specialist__owner", "client"
        ).filter(Q(client=request.user) | Q(specialist__owner=request.user)),
        pk=pk,
    )
    party = booking.party_of(consultation=consultation, user=request.user)
    if party is None:
        raise Http404
    return consultation, party


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
    consultation, party = _mine(request, pk)
    return _detail_page(request, consultation, party)


def _detail_page(
    request: HttpRequest,
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
        "changeable": consultation.status == Consultation.Status.CONFIRMED
        and consultation.starts_at > now,
        "closable": party == Consultation.Party.SPECIALIST
        and consultation.status == Consultation.Status.CONFIRMED
        and consultation.starts_at <= now,
        "can_answer_fit": party == Consultation.Party.CLIENT
        and consultation.is_active
        and consultation.ends_at <= now,
        "close_form": close_form,
    }
    return render(request, "bookings/detail.html", context, status=status)


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_GET
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation, party = _mine(request, pk)
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
    consultation, party = _mine(request, pk)
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
    consultation, party = _mine(request, pk)
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
    context = _picker_context(
        request,
        consultation.specialist,
        ignore=(consultation.starts_at, consultation.ends_at),
        default_zone=_zone_for(request, consultation, party),
    )
    context.update(
        {
            "consultation": consultation,
            "party": party,
            "form": form,
            "selected": request.POST.get("slot", ""),
        }
    )
    return render(request, "bookings/reschedule.html", context, status=status)


def _page(request: HttpRequest, queryset, per_page: int = 20):  # type: ignore[no-untyped-def]
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_GET
def my_consultations(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = Consultation.objects.filter(client=request.user).select_related("specialist")
    upcoming = list(mine.upcoming(now=now))
    past = _page(request, mine.exclude(pk__in=[c.pk for c in upcoming]).order_by("-starts_at"))
    fallback = upcoming[0].client_time_zone if upcoming else None
    context = {
        "upcoming": upcoming,
        "past": past,
        "zone": local_time.for_request(request, fallback=fallback).key,
        "now": now,
    }
    return render(request, "bookings/my_consultations.html", context)


def _own_specialist(request: AuthenticatedHttpRequest) -> Specialist:
    try:
        return Specialist.objects.get(owner=request.user)
    except Specialist.DoesNotExist:
        raise Http404 from None


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_GET
def practice(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The specialist's consultations: upcoming, a week view, and ones to close."""
    specialist = _own_specialist(request)
    now = timezone.now()
    zone = local_time.for_request(request, fallback=specialist.time_zone).zone
    today = now.astimezone(zone).date()
    # Seven days from today, not the calendar week: on a Sunday that week is nearly over.
    week_start = parse_day(request.GET.get("week"), today=today) or today
    week_from = datetime.combine(week_start, datetime.min.time(), tzinfo=zone)
    week_to = week_from + timedelta(days=7)
    mine = Consultation.objects.filter(specialist=specialist).select_related("client")
    week = list(mine.active().filter(starts_at__gte=week_from, starts_at__lt=week_to))
    by_day: dict[date, list[Consultation]] = defaultdict(list)
    for consultation in week:
        by_day[consultation.starts_at.astimezone(zone).date()].append(consultation)
    booking_settings = hours.settings_for(specialist=specialist)
    context = {
        "specialist": specialist,
        "zone": zone.key,
        "upcoming": _page(request, mine.upcoming(now=now)),
        "to_close": list(
            mine.filter(status=Consultation.Status.CONFIRMED, starts_at__lte=now).order_by(
                "-starts_at"
            )[:20]
        ),
        "week_days": [
            (week_start + timedelta(days=i), by_day[week_start + timedelta(days=i)])
            for i in range(7)
        ],
        "week_start": week_start,
        "previous_week": (week_start - timedelta(days=7)).isoformat(),
        "next_week": (week_start + timedelta(days=7)).isoformat(),
        "feed_url": request.build_absolute_uri(
            reverse("bookings:feed", kwargs={"token": booking_settings.feed_token})
        ),
        "close_form": CloseForm(),
    }
    return render(request, "bookings/practice.html", context)


@login_prompt_required(CONSULTATIONS_PROMPT)
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation, party = _mine(request, pk)
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


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_POST
def new_feed_url(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Replace the private feed address, for when it was shared by mistake."""
    specialist = _own_specialist(request)
    booking_settings = hours.settings_for(specialist=specialist)
    booking_settings.feed_token = new_feed_token()
    booking_settings.save(update_fields=["feed_token"])
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


@never_cache
@login_prompt_required(CONSULTATIONS_PROMPT)
@require_http_methods(["GET", "POST"])
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Was this a good fit? "Not a fit" shows three similar specialists free this week."""
    consultation, party = _mine(request, pk)
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
    similar: list[Specialist] = []
    if consultation.fit == Consultation.Fit.NOT_FIT:
        similar = _similar(consultation.specialist, now=timezone.now())
    context = {"consultation": consultation, "form": form, "similar": similar}
    return render(request, "bookings/feedback.html", context, status=status)


def _similar(specialist: Specialist, *, now: datetime) -> list[Specialist]:
    shared = specialist.specialties.values("pk")
    candidates = (
        Specialist.objects.offering_free_consultations()
        .exclude(pk=specialist.pk)
        .filter(next_free_slot_at__gte=now, next_free_slot_at__lt=now + timedelta(days=7))
    )
    matching = list(
        candidates.filter(specialties__in=shared).distinct().order_by("next_free_slot_at")[:3]
    )
    if len(matching) < 3:
        matching += list(
            candidates.exclude(pk__in=[s.pk for s in matching]).order_by("next_free_slot_at")[
                : 3 - len(matching)
            ]
        )
    return matching


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
    specialist = _own_specialist(request)
    if request.method != "POST":
        return _availability_page(request, specialist)
    formset = cast(BaseWeeklyFormSet, WeeklyFormSet(request.POST, prefix="hours"))
    settings_form = BookingSettingsForm(
        request.POST, instance=hours.settings_for(specialist=specialist)
    )
    if formset.is_valid() and settings_form.is_valid():
        try:
            with transaction.atomic():
                settings_form.save()
                weekly_hours.set_weekly_hours(
                    specialist=specialist, ranges=formset.ranges(), now=timezone.now()
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
    specialist = _own_specialist(request)
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
            seen = ",".join(str(c.pk) for c in needed.consultations)
            notice = ""
            if decided["seen"] and not decided["decision"]:
                notice = _("Please choose what should happen to them.")
            elif decided["seen"]:
                notice = _("Someone booked in that time since you looked. Please decide again.")
            context = {
                "specialist": specialist,
                "dates": form.cleaned_data["dates"],
                "carried": [(name, request.POST.get(name, "")) for name in form.fields],
                "consultations": needed.consultations,
                "decision_form": TimeOffDecisionForm(
                    initial={"seen": seen, "message": decided["message"]}
                ),
                "notice": notice,
                "zone": specialist.time_zone,
            }
            return render(
                request, "bookings/time_off_confirm.html", context, status=409 if notice else 200
            )
        except hours.AvailabilityError as error:
            form.add_error(None, str(error))
        else:
            if added.cancelled:
                text = ngettext(
                    "Added. %(count)d consultation is cancelled; we have told the client.",
                    "Added. %(count)d consultations are cancelled; we have told each client.",
                    len(added.cancelled),
                ) % {"count": len(added.cancelled)}
            elif added.kept:
                text = _("Added. The consultations booked in that time are kept.")
            else:
                text = _("Added.")
            messages.success(request, text)
            return redirect("bookings:availability")
    return _availability_page(request, specialist, exception_form=form, status=400)


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
