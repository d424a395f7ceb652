from collections.abc import Callable

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse


class InvalidFormStatusMiddleware:
    """A POST that re-renders a form with errors answers 400, not 200.

    allauth and Django's generic form views render invalid forms with a 200; clients,
    tests and monitoring should see that the request was refused.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response):  # type: ignore[no-untyped-def]
        form = (response.context_data or {}).get("form")
        if (
            request.method == "POST"
            and response.status_code == 200
            and isinstance(form, BaseForm)
            and form.is_bound
            and form.errors
        ):
            response.status_code = 400
        return response
