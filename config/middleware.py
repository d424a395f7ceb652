from collections.abc import Callable

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from directory import local_time


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


class PrivatePagesNoStoreMiddleware:
    """Pages served to a logged-in person may show personal data: never store them.

    Shared computers and back-button caches must not reveal that someone sought help.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class PermissionsPolicyMiddleware:
    """No page may use the camera, the microphone or the visitor's location.

    The Content-Security-Policy comes from django-csp (CONTENT_SECURITY_POLICY in settings;
    a view changes it with csp.decorators.csp_update / csp_replace).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class ReaderZoneMiddleware:
    """Every time on a page is in the reader's zone: Django's current zone is theirs.

    `request.reader_zone` is the reader's own zone or None (pages then fall back to the
    specialist's zone, labelled). The browser's zone arrives in a cookie on the first visit
    and is stored on an account that has none yet.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = local_time.from_request(request)
        browser = local_time.zone_named(request.COOKIES.get(local_time.COOKIE))
        user = getattr(request, "user", None)
        if browser is not None and user is not None:
            local_time.remember(user=user, zone=browser)
        request.reader_zone = zone  # type: ignore[attr-defined]
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        patch_vary_headers(response, ("Cookie",))
        return response
