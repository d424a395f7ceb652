from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from directory.access import AuthenticatedHttpRequest
from directory.forms import DeleteAccountForm
from privacy import erasure, export


@never_cache
@login_required
@require_safe
def data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "account/data.html")


@never_cache
@login_required
@require_safe
def download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own data as a JSON file; never cached anywhere (never_cache: no-store)."""
    response = JsonResponse(
        export.export_for(user=request.user, now=timezone.now()),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Content-Disposition"] = 'attachment; filename="first-step-data.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            erasure.erase_account(user=request.user, now=timezone.now())
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
        return render(request, "account/delete.html", {"form": form}, status=400)
    return render(request, "account/delete.html", {"form": form})
