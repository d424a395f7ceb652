from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config import paging
from directory import crisis as crisis_lines
from directory import (
    filters,
    licensing,
    local_time,
    nearby,
    profile_page,
    profiles,
    promotions,
    reach,
    search,
    sections,
)
from directory.access import CREATE_PROFILE, AuthenticatedHttpRequest, login_prompt_required
from directory.forms import NameForm, ProfileForm, TimeZoneForm
from directory.models import Specialist


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth answers an invalid or expired verification link with a 200; it is a 404."""

    def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().get(*args, **kwargs)
        if self.object is None:
            response.status_code = 404
        return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "directory/home.html", {"featured": promotions.home_page(now=timezone.now())}
    )


@require_safe
def crisis(request: HttpRequest) -> HttpResponse:
    context = {
        "countries": crisis_lines.visitor_first(request.headers.get("Accept-Language", "")[:200]),
        "elsewhere": crisis_lines.ELSEWHERE,
    }
    return render(request, "directory/crisis.html", context)


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/accessibility.html")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account page; its one form is the name and pronouns."""
    if request.method == "POST":
        form = NameForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved. This is the name we will use."))
            return redirect("account")
        status = 400
    else:
        form = NameForm(instance=request.user)
        status = 200
    return render(request, "account/overview.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def time_zone(request: HttpRequest) -> HttpResponse:
    """Pick the zone every time is shown in: kept in a cookie, and on the account."""
    if request.method != "POST":
        reader = local_time.for_request(request)
        initial = {"tz": reader.key if reader.chosen else "", "next": request.GET.get("next", "")}
        return render(request, "directory/time_zone.html", {"form": TimeZoneForm(initial=initial)})
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        return render(request, "directory/time_zone.html", {"form": form}, status=400)
    zone = local_time.zone_named(form.cleaned_data["tz"]) or local_time.UTC
    local_time.choose(user=request.user, zone=zone)
    messages.success(
        request, _("Times are now shown in %(place)s time.") % {"place": local_time.place(zone)}
    )
    response = redirect(_on_this_site(request, form.cleaned_data["next"]))
    response.set_cookie(
        local_time.COOKIE,
        zone.key,
        max_age=local_time.COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _on_this_site(request: HttpRequest, target: str) -> str:
    """`target` when it is an address on this site, else the home page."""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """The directory: the URL holds the whole search, so it can be shared and bookmarked."""
    parsed = search.parse(request.GET)
    options = search.load_options()
    results = search.find(parsed, options=options, now=timezone.now())
    reach.shown_in_search(
        request,
        listed=[card.pk for card in results.page.object_list],
        featured=[card.pk for card in results.featured],
    )
    return render(request, "directory/search.html", _search_context(parsed, options, results))


# The search form's fixed choices, drawn only when its cached fragment is out of date.
SEARCH_FORM_CHOICES = {
    "availability_choices": (
        (3, gettext_lazy("the next 3 days")),
        (7, gettext_lazy("a week")),
        (14, gettext_lazy("two weeks")),
        (30, gettext_lazy("a month")),
    ),
    "sorts": (
        (search.SORT_RELEVANCE, gettext_lazy("Best match")),
        (search.SORT_SOONEST, gettext_lazy("Soonest availability")),
        (search.SORT_DISTANCE, gettext_lazy("Nearest first (in person)")),
    ),
    "currencies": filters.CURRENCIES,
    "genders": tuple(filters.GENDERS.items()),
    "days": tuple(filters.DAYS.items()),
    "parts_of_day": tuple(filters.PARTS.items()),
}


def _search_context(
    parsed: search.Search, options: search.Options, results: search.Results
) -> dict[str, object]:
    page = results.page
    return {
        **SEARCH_FORM_CHOICES,
        "results": results,
        # Shown twice (the title and the heading), so put into words once.
        "result_count": ngettext("%(total)s specialist", "%(total)s specialists", results.count)
        % {"total": intcomma(results.count)},
        "search": parsed,
        "options": options,
        # The form shows the search and the lists it picks from, and nothing else; a place
        # we could not find narrows nothing, so only `near` keeps it in the key.
        "form_key": f"{parsed.querystring(page=None, near=parsed.near)}|{options.version}",
        "page_obj": page,
        "distances": sorted({*nearby.DISTANCE_CHOICES, parsed.within or nearby.DEFAULT_KM}),
        "within": parsed.within or nearby.DEFAULT_KM,
        "areas": licensing.grouped_choices(),
        "place_suggestions": [
            (name, parsed.querystring(near=name, page=None)) for name in parsed.place_suggestions
        ],
        "removals": _filter_removals(parsed, options),
        "suggestion_querystring": parsed.querystring(q=results.suggestion, page=None)
        if results.suggestion
        else "",
        "page_links": paging.PageLinks(
            number=page.number,
            total=results.last_page_shown,
            previous=parsed.querystring(page=page.previous_page_number())
            if page.has_previous()
            else "",
            next=parsed.querystring(page=page.number + 1) if results.has_next else "",
        ),
    }


def _filter_removals(parsed: search.Search, options: search.Options) -> list[tuple[str, str]]:
    """For each narrowing part of a search, its label and the search without it."""
    names = {
        "specialty": ("specialties", parsed.specialty),
        "approach": ("approaches", parsed.approach),
        "language": ("languages", parsed.language),
        **{name: (kind, getattr(parsed.more, name)) for name, (kind, _l) in filters.LISTS.items()},
    }
    removals = []
    if parsed.q:
        removals.append((_("“%(q)s”") % {"q": parsed.q}, parsed.querystring(q="", page=None)))
    for name, value in parsed.filters.items():
        if name in names:
            option = options.find(*names[name])
            label = option.name if option else value
        elif name in filters.Filters.__dataclass_fields__:
            described = filters.describe(name, value, filters=parsed.more)
            if described is None:
                continue
            label = described
        elif name == "format":
            label = _("Online") if value == "online" else _("In person")
        elif name == "free_consultation":
            label = _("Free consultation")
        elif name == "available_within":
            label = _("Free within %(days)s days") % {"days": value}
        elif name == "near" and parsed.place is not None:
            label = _("Within %(km)s km of %(place)s") % {
                "km": parsed.within,
                "place": parsed.place.name,
            }
        elif name == "lives_in":
            label = _("Licensed in %(area)s") % {"area": licensing.name_of(value)}
            if not parsed.licensed_only:
                label = _("%(area)s first") % {"area": label}
        elif name in ("within", "licensed_only"):
            continue  # shown with the place, or with where the client lives
        else:
            label = value
        removed: dict[str, object] = {name: None, "page": None}
        if name == "max_fee":
            removed["currency"] = None
        if name == "near":
            removed["within"] = None
            if parsed.sort == search.SORT_DISTANCE:
                removed["sort"] = None
        if name == "lives_in":
            removed["licensed_only"] = None
        removals.append((label, parsed.querystring(**removed)))
    return removals


def _profile_context(
    specialist: Specialist, *, lists: profiles.Lists, preview: bool = False
) -> dict[str, object]:
    return {
        "specialist": specialist,
        "parts": profile_page.parts_for(specialist=specialist, lists=lists, preview=preview),
        "preview": preview,
    }


@require_safe
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    found = profiles.public_profile(slug=slug)
    if found is None:
        raise Http404
    specialist, lists = found
    context = _profile_context(specialist, lists=lists)
    # Those ordered below 20 (the booking call to action) come before the biography.
    shown = sections.sections_for(specialist, request)
    context["sections_before"] = [section for section in shown if section.order < 20]
    context["sections_after"] = [section for section in shown if section.order >= 20]
    return render(request, "directory/profile.html", context)


@never_cache
@login_prompt_required(CREATE_PROFILE)
@require_safe
def profile_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The owner's profile as the public would see it, whatever its state."""
    specialist = get_object_or_404(Specialist, owner=request.user)
    lists = profiles.lists_for(specialist_id=specialist.pk)
    context = _profile_context(specialist, lists=lists, preview=True)
    return render(request, "directory/profile.html", context)


@never_cache
@login_prompt_required(CREATE_PROFILE)
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create the profile (the person becomes a specialist) or edit it."""
    specialist = Specialist.objects.filter(owner=request.user).first()
    form = ProfileForm(request.POST or None, request.FILES or None, instance=specialist)
    if request.method != "POST":
        return _profile_edit_page(request, form, specialist)
    if not profiles.may_save(owner=request.user, with_photo="photo_upload" in request.FILES):
        return _too_many_saves(request, specialist)
    if form.is_valid():
        try:
            _save_profile(request, form, specialist)
        except profiles.ProfileError as error:
            form.add_error(None, str(error))
        else:
            return redirect("directory:profile_edit")
    return _profile_edit_page(request, form, specialist, status=400)


def _save_profile(
    request: AuthenticatedHttpRequest, form: ProfileForm, specialist: Specialist | None
) -> None:
    """Create or update the profile and say what happens next; raises ProfileError."""
    data, photo = form.cleaned_data, form.processed_photo
    if specialist is None:
        profiles.create_profile(owner=request.user, data=data, photo=photo)
        messages.success(
            request, _("Your profile is saved as a draft. Preview it, then submit it for review.")
        )
    elif profiles.update_profile(specialist=specialist, data=data, photo=photo):
        messages.warning(
            request,
            _(
                "Saved. Because your name, titles or license changed, your profile "
                "is hidden until we have reviewed it again (usually within a day)."
            ),
        )
    else:
        messages.success(request, _("Your profile is saved."))


def _too_many_saves(
    request: AuthenticatedHttpRequest, specialist: Specialist | None
) -> HttpResponse:
    """The text is kept for another try; the photo is not even opened."""
    form = ProfileForm(request.POST, instance=specialist)
    form.is_valid()
    form.add_error(
        None,
        _(
            "You have saved your profile or uploaded photos many times in the last hour. "
            "Please wait a while before saving again."
        ),
    )
    return _profile_edit_page(request, form, specialist, status=429)


def _profile_edit_page(
    request: AuthenticatedHttpRequest,
    form: ProfileForm,
    specialist: Specialist | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "specialist": specialist,
        "missing": profiles.missing_for_review(specialist) if specialist else [],
        "reviewed_fields": profiles.reviewed_field_labels(),
    }
    return render(request, "directory/profile_edit.html", context, status=status)


@login_prompt_required(CREATE_PROFILE)
@require_POST
def profile_submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    specialist = get_object_or_404(Specialist, owner=request.user)
    try:
        profiles.submit_for_review(specialist=specialist)
    except profiles.ProfileError as error:
        messages.error(request, str(error))
        return redirect("directory:profile_edit")
    messages.success(
        request,
        _("Thank you. Your profile is waiting for review; we will e-mail you when it is done."),
    )
    return redirect("directory:profile_edit")
