import sys

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve

from config import mailbox
from config.celery import app as celery_app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


# A service the site depends on is out of reach (PostgreSQL, or Redis as broker or cache):
# not a bug of ours, and over by itself once the service is back.
OUTAGES = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
RETRY_AFTER_SECONDS = 30


def _unavailable(response: HttpResponse) -> HttpResponse:
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and monitoring; 503 with Retry-After
    and the name of what is down while anything is."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "degraded"} | {
        name: "ok" if ok else "unavailable" for name, ok in checks.items()
    }
    response = JsonResponse(body)
    return response if healthy else _unavailable(response)  # type: ignore[return-value]


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. While the database or Redis is out of reach, a calm 503 page with
    Retry-After (rendered without the database: no context processors); anything else is
    the plain 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGES):
        return _unavailable(HttpResponse(loader.render_to_string("503.html")))
    return HttpResponseServerError(loader.render_to_string("500.html"))


@staff_member_required
@require_GET
def mail_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dev/mail_list.html", {"messages_sent": mailbox.list_mail()})


@staff_member_required
@require_GET
def mail_detail(request: HttpRequest, name: str) -> HttpResponse:
    try:
        message = mailbox.read_mail(name=name)
    except FileNotFoundError:
        raise Http404 from None
    return render(request, "dev/mail_detail.html", {"mail": message})


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files on local disk (the default storage), in production as in development.

    Profile photos only: small, re-encoded by directory.photos and saved under a new name
    at each upload, so they can be cached for a long time. serve() refuses any path that
    leaves MEDIA_ROOT. With object storage configured, URLs point at the bucket instead.
    """
    try:
        response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except OSError:  # a name the file system refuses (too long, say) names no photo
        raise Http404 from None
    response["Cache-Control"] = "public, max-age=604800"
    return response
