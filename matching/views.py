from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from content import screening
from directory import search
from directory.models import Specialist, User
from matching import answers, comparison, ranking, shortlist


@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest) -> HttpResponse:
    """The questions; the answers go to the session and the person to their matches."""
    options = search.load_options()
    if request.method == "POST":
        form = answers.AnswersForm(request.POST, options=options)
        if form.is_valid():
            answers.save(request.session, form.answers())
            return redirect("matching:results")
        return render(request, "matching/questionnaire.html", {"form": form}, status=400)
    earlier = answers.load(request.session)
    form = answers.AnswersForm(initial=answers.initial(earlier), options=options)
    return render(request, "matching/questionnaire.html", {"form": form, "earlier": earlier})


@never_cache
@require_safe
def results(request: HttpRequest) -> HttpResponse:
    given = answers.load(request.session)
    if given is None:
        return redirect("matching:questionnaire")
    result = ranking.match(
        given, options=search.load_options(), now=timezone.now(), reader=_reader(request)
    )
    context = {
        "answers": given,
        "result": result,
        "crisis": screening.needs_crisis_review(given.about),
    }
    return render(request, "matching/results.html", context)


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    answers.clear(request.session)
    return redirect("matching:questionnaire")


def _reader(request: HttpRequest) -> ZoneInfo | None:
    """The visitor's zone, as config.middleware found it (None: unknown)."""
    return getattr(request, "reader_zone", None)


def _account(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None  # type: ignore[return-value]


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require_POST
def shortlist_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    """Save or remove one specialist (`action` says which), then go back where the heart was."""
    specialist = get_object_or_404(Specialist.objects.listed(), slug=slug)
    user = _account(request)
    action = request.POST.get("action")
    if action not in ("add", "remove"):
        return render(request, "400.html", status=400)
    if action == "remove":
        shortlist.remove(user=user, session=request.session, specialist_id=specialist.pk)
        messages.success(request, _("Removed from your shortlist."))
    else:
        try:
            shortlist.add(user=user, session=request.session, specialist=specialist)
        except shortlist.ShortlistError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved to your shortlist."))
    return redirect(_back(request, reverse("matching:shortlist")))


@never_cache
@require_safe
def shortlist_page(request: HttpRequest) -> HttpResponse:
    """The shortlist, up to four of it compared side by side (`?compare=` picks which)."""
    ids = shortlist.ids_for(user=_account(request), session=request.session)
    chosen = [int(v) for v in request.GET.getlist("compare") if v.isascii() and v.isdigit()]
    saved = {s.pk: s for s in Specialist.objects.listed().filter(pk__in=ids)}
    ordered_ids = [pk for pk in ids if pk in saved]
    columns = [
        comparison.column(saved[pk], now=timezone.now(), reader=_reader(request))
        for pk in shortlist.compared(ordered_ids, chosen[:9])
    ]
    context = {
        "saved": [saved[pk] for pk in ordered_ids],
        "columns": columns,
        "rows": comparison.rows(columns),
        "compared_ids": {column.specialist.pk for column in columns},
        "max_compared": shortlist.COMPARED,
    }
    return render(request, "matching/shortlist.html", context)
