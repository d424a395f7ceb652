from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
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


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and monitoring."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "degraded"} | {
        name: "ok" if ok else "unavailable" for name, ok in checks.items()
    }
    return JsonResponse(body, status=200 if healthy else 503)


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
