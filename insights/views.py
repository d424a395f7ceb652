"""The booking widget (framed on specialists' websites) and the specialist's pages about it."""

import csv
import hashlib
from datetime import UTC, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods, require_safe

from bookings.sections import existing_consultation
from directory import local_time
from directory.access import CREATE_PROFILE, AuthenticatedHttpRequest, login_prompt_required
from directory.models import Promotion, Specialist
from directory.promotions import FEATURED_PER_PAGE
from insights import charts, promotion_report, reports, sites, widget
from insights.forms import WidgetSitesForm

BOOKED_PROMPT = gettext_lazy("To see your free consultation, please log in to your account")


def _own_specialist(request: AuthenticatedHttpRequest) -> Specialist:
    try:
        return Specialist.objects.get(owner=request.user)
    except Specialist.DoesNotExist:
        raise Http404 from None


def _listed(slug: str) -> Specialist:
    return get_object_or_404(Specialist.objects.listed(), slug=slug)


@xframe_options_exempt
@require_safe
def widget_page(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The framed widget. A warm cache answers without touching the database: the
    specialist's sites first (they choose the way back), then the page for that way back."""
    own, specialist = _widget_sites(slug)
    back = sites.return_address(sites=own, came_from=request.GET.get("back", ""))
    zone = local_time.zone_named(request.GET.get("tz"))
    way_back = hashlib.sha256(back.encode()).hexdigest()[:16]  # a short key whatever its length
    key = f"insights:widget:{slug}:{zone.key if zone else ''}:{get_language()}:{way_back}"
    body = cache.get(key)
    if body is None:
        body = _widget_body(specialist or _listed(slug), zone=zone, back=back)
        cache.set(key, body, widget.CACHE_SECONDS)
    response = HttpResponse(body)
    patch_cache_control(response, public=True, max_age=widget.CACHE_SECONDS)

    # The sites allowed to frame it are the specialist's, so the policy changes per response.
    @csp_replace(widget.policy_changes(framing=own.framing()))
    def framable(request: HttpRequest) -> HttpResponseBase:
        return response

    return framable(request)


def _widget_sites(slug: str) -> tuple[sites.Sites, Specialist | None]:
    """The specialist's sites, cached; the specialist too when the cache was cold and they
    were read."""
    key = f"insights:widget:{slug}:sites"
    own = cache.get(key)
    if own is not None:
        return own, None
    specialist = _listed(slug)
    own = sites.sites_of(specialist=specialist)
    cache.set(key, own, widget.CACHE_SECONDS)
    return own, specialist


def _widget_body(specialist: Specialist, *, zone: ZoneInfo | None, back: str) -> str:
    """The widget's page in the zone asked for, else the specialist's."""
    shown = zone or local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
    then = widget.booked_path(specialist=specialist, back=back)
    context = {
        "specialist": specialist,
        "slots": widget.next_times(
            specialist=specialist, zone=shown, now=timezone.now(), then=then
        ),
        "zone": shown.key,
        "zone_given": zone is not None,
        "SITE_NAME": settings.SITE_NAME,
        "LANGUAGE_CODE": get_language(),
        "button_url": widget.button_url(specialist=specialist, zone=shown, then=then),
        "photo_url": settings.SITE_URL + specialist.photo_thumbnail.url
        if specialist.photo_thumbnail
        else "",
    }
    return render_to_string("insights/widget.html", context)


@never_cache
@login_prompt_required(BOOKED_PROMPT)
@require_safe
def widget_booked(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Where a booking made through the widget ends: the consultation, and the way back to
    the specialist's own site (only ever an address they saved)."""
    specialist = _listed(slug)
    consultation = existing_consultation(client=request.user, specialist=specialist)
    if consultation is None:
        return redirect(specialist.get_absolute_url())
    back = sites.return_address(
        sites=sites.sites_of(specialist=specialist), came_from=request.GET.get("back", "")
    )
    return render(
        request,
        "insights/widget_booked.html",
        {
            "specialist": specialist,
            "consultation": consultation,
            "zone": local_time.for_request(request, fallback=consultation.client_time_zone).key,
            "back": back,
            "back_host": urlsplit(back).netloc,
        },
    )


@require_safe
def embed_script(request: HttpRequest) -> HttpResponse:
    """The script of the widget snippet, at an address that never changes between releases."""
    response = render(
        request,
        "insights/embed.js",
        {"site_url": settings.SITE_URL},
        content_type="text/javascript",
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


@never_cache
@login_prompt_required(CREATE_PROFILE)
@require_http_methods(["GET", "POST"])
def widget_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    specialist = _own_specialist(request)
    if request.method == "POST":
        form = WidgetSitesForm(request.POST)
        if form.is_valid():
            sites.save(specialist=specialist, sites=form.chosen())
            messages.success(request, _("Saved. Your widget follows within three minutes."))
            return redirect("insights:widget_settings")
        status = 400
    else:
        form = WidgetSitesForm.for_sites(sites.sites_of(specialist=specialist))
        status = 200
    return render(
        request,
        "insights/widget_settings.html",
        {
            "specialist": specialist,
            "snippets": widget.snippets(specialist=specialist),
            "form": form,
        },
        status=status,
    )


@never_cache
@login_prompt_required(CREATE_PROFILE)
@require_safe
def insights_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    specialist = _own_specialist(request)
    report = reports.weekly(specialist=specialist, now=timezone.now())
    return render(
        request,
        "insights/insights.html",
        {"sources": charts.sources(report), "charts": charts.page(report)},
    )


@never_cache
@login_prompt_required(CREATE_PROFILE)
@require_safe
def insights_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same figures as the page, one row per week."""
    specialist = _own_specialist(request)
    report = reports.weekly(specialist=specialist, now=timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="first-step-insights.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Week starting"),
            *(str(label) for _key, label in reports.FIGURES),
            str(reports.REPLY_LABEL),
        ]
    )
    for week in report.weeks:
        writer.writerow(
            [
                week.starts.isoformat(),
                *(week.figures[key] for key, _l in reports.FIGURES),
                charts.reply_hours(week.reply) or "",
            ]
        )
    return response


CALENDAR_WEEKS = 8
REPORTED = 50


@staff_member_required
@require_safe
def promotions_page(request: HttpRequest) -> HttpResponse:
    """For staff: what each recent promotion did, and who is promoted in the weeks ahead."""
    now = timezone.now()
    today = now.astimezone(UTC).date()
    recent = list(
        Promotion.objects.filter(ends_on__gte=today - timedelta(days=180), starts_on__lte=today)
        .select_related("specialist")
        .order_by("-starts_on", "pk")[:REPORTED]
    )
    ahead = list(
        Promotion.objects.filter(
            ends_on__gte=today, starts_on__lte=today + timedelta(weeks=CALENDAR_WEEKS)
        ).select_related("specialist")
    )
    return render(
        request,
        "insights/promotions.html",
        {
            "rows": promotion_report.report(promotions=recent, now=now),
            "calendar": promotion_report.calendar(
                promotions=ahead, first=today, weeks=CALENDAR_WEEKS
            ),
            "today": today,
            "per_page": FEATURED_PER_PAGE,
        },
    )
