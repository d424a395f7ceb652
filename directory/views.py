from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView

from directory import accounts, sections
from directory.access import CREATE_PROFILE, AuthenticatedHttpRequest, login_prompt_required
from directory.forms import DeleteAccountForm
from directory.models import Specialist


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth answers an invalid or expired verification link with a 200; it is a 404."""

    def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().get(*args, **kwargs)
        if self.object is None:
            response.status_code = 404
        return response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/home.html")


def crisis(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/crisis.html")


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "account/overview.html")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            accounts.delete_account(user=request.user)
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
        return render(request, "account/delete.html", {"form": form}, status=400)
    return render(request, "account/delete.html", {"form": form})


class SpecialistListView(ListView):
    template_name = "directory/search.html"
    context_object_name = "specialists"
    paginate_by = 20

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Specialist.objects.listed().prefetch_related("specialties")


def profile(request: HttpRequest, slug: str) -> HttpResponse:
    specialist = get_object_or_404(Specialist.objects.listed(), slug=slug)
    context = {"specialist": specialist, "sections": sections.sections_for(specialist, request)}
    return render(request, "directory/profile.html", context)


@login_prompt_required(CREATE_PROFILE)
def profile_edit(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/profile_edit.html")
