from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from content import screening
from directory import search
from matching import answers, ranking


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
    result = ranking.match(given, options=search.load_options(), now=timezone.now())
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
