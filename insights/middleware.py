from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from insights import counting
from insights.models import DailyCount

# The pages whose visits are counted, by URL name: a profile view, and "book" (the picker
# or a time chosen), each for the specialist in the URL.
COUNTED = {
    "directory:profile": DailyCount.Metric.PROFILE_VIEW,
    "bookings:pick": DailyCount.Metric.BOOK_CLICK,
    "bookings:book": DailyCount.Metric.BOOK_CLICK,
}


class CountingMiddleware:
    """Counts profile views and clicks on "book" after the page is served (see counting)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        metric = COUNTED.get(match.view_name) if match is not None else None
        if metric is None or request.method != "GET" or response.status_code >= 400:
            return response
        slug = match.kwargs.get("slug", "") if match is not None else ""
        if counting.is_counted(request, slug=slug):
            counting.record(
                events=[
                    counting.Event(
                        metric=metric, specialist=slug, source=counting.source_of(request)
                    )
                ],
                now=timezone.now(),
            )
        return response
