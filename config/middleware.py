from collections.abc import Callable

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
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


# What a view's csp decorators or a nonce leave on the response or the request.
_POLICY_CHANGES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with the site's own policy built once rather than on every
    response: a page that changes it (csp_update, csp_replace, a nonce) gets its own, built
    by django-csp as before. The policy is built again when the settings change."""

    _built: tuple[object, object, str, str] | None = None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:  # type: ignore[override]
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _POLICY_CHANGES
        ):
            return super().process_response(request, response)  # type: ignore[return-value]
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        policy, report_only = self._policies()
        for header, value, exempt, setting in (
            (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                report_only,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(excluded)):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _policies(self) -> tuple[str, str]:
        enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        reported = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = CSPMiddleware._built
        if built is None or built[0] is not enforced or built[1] is not reported:
            built = (enforced, reported, build_policy(), build_policy(report_only=True))
            CSPMiddleware._built = built
        return built[2], built[3]
