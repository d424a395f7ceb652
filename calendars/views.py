"""The specialist's calendar connections page. Views translate HTTP: load what is the
user's (404 otherwise), validate, call one function of `connections`, redirect."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calendars import connections
from calendars.forms import CalDAVForm, ChooseCalendarsForm, SubscriptionForm
from calendars.models import CalendarConnection
from directory.access import AuthenticatedHttpRequest, login_prompt_required
from directory.models import Specialist

PROMPT = gettext_lazy("To connect your calendars, please log in to your account")


def _own_specialist(request: AuthenticatedHttpRequest) -> Specialist:
    try:
        return Specialist.objects.get(owner=request.user)
    except Specialist.DoesNotExist:
        raise Http404 from None


def _own_connection(
    request: AuthenticatedHttpRequest, pk: int, **only: object
) -> CalendarConnection:
    return get_object_or_404(
        CalendarConnection.objects.select_related("specialist"),
        pk=pk,
        specialist__owner=request.user,
        removing_since=None,
        **only,
    )


def _choose_form(connection: CalendarConnection) -> ChooseCalendarsForm | None:
    if connection.kind != CalendarConnection.Kind.CALDAV:
        return None
    return ChooseCalendarsForm(connection=connection)


def _page(
    request: AuthenticatedHttpRequest,
    specialist: Specialist,
    *,
    subscription_form: SubscriptionForm | None = None,
    caldav_form: CalDAVForm | None = None,
    status: int = 200,
) -> HttpResponse:
    found = list(
        CalendarConnection.objects.filter(
            specialist=specialist, removing_since=None
        ).prefetch_related("calendars")
    )
    context = {
        "specialist": specialist,
        "rows": [
            (
                connection,
                ChooseCalendarsForm(connection=connection) if connection.kind == "caldav" else None,
            )
            for connection in found
        ],
        "subscription_form": subscription_form or SubscriptionForm(),
        "caldav_form": caldav_form or CalDAVForm(),
    }
    return render(request, "calendars/connections.html", context, status=status)


@never_cache
@login_prompt_required(PROMPT)
@require_GET
def connections_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, _own_specialist(request))


@login_prompt_required(PROMPT)
@require_POST
def subscribe(request: AuthenticatedHttpRequest) -> HttpResponse:
    specialist = _own_specialist(request)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        try:
            connections.add_subscription(
                specialist=specialist, url=form.cleaned_data["url"], now=timezone.now()
            )
        except connections.CalendarError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Calendar added. Its busy times are read within a minute."))
            return redirect("calendars:list")
    return _page(request, specialist, subscription_form=form, status=400)


@login_prompt_required(PROMPT)
@require_POST
def add_caldav(request: AuthenticatedHttpRequest) -> HttpResponse:
    specialist = _own_specialist(request)
    form = CalDAVForm(request.POST)
    if form.is_valid():
        try:
            connections.add_caldav_account(
                specialist=specialist,
                url=form.cleaned_data["url"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                now=timezone.now(),
            )
        except connections.CalendarError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Account connected. Choose its calendars below."))
            return redirect("calendars:list")
    return _page(request, specialist, caldav_form=form, status=400)


@login_prompt_required(PROMPT)
@require_POST
def choose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    connection = _own_connection(request, pk, kind=CalendarConnection.Kind.CALDAV)
    form = ChooseCalendarsForm(request.POST, connection=connection)
    if not form.is_valid():
        messages.error(request, _("Please choose calendars from the list."))
        return _page(request, connection.specialist, status=400)
    receiving = form.cleaned_data["receiving"]
    try:
        connections.choose_calendars(
            connection=connection,
            read_busy={calendar.pk for calendar in form.cleaned_data["read_busy"]},
            receiving=receiving.pk if receiving else None,
            now=timezone.now(),
        )
    except connections.CalendarError as error:
        messages.error(request, str(error))
        return _page(request, connection.specialist, status=409)
    messages.success(request, _("Saved. Busy times are read again within a minute."))
    return redirect("calendars:list")


@login_prompt_required(PROMPT)
@require_POST
def sync_now(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    connection = _own_connection(request, pk)
    try:
        connections.request_sync(connection=connection, now=timezone.now())
    except connections.CalendarError as error:
        messages.error(request, str(error))
        return _page(request, connection.specialist, status=429)
    messages.success(request, _("Sync started. The status below updates within a minute."))
    return redirect("calendars:list")


@never_cache
@login_prompt_required(PROMPT)
@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    connection = _own_connection(request, pk)
    if request.method == "POST":
        count = connections.remove_connection(connection=connection, now=timezone.now())
        messages.success(request, _("Calendar removed. Its busy times no longer block your slots."))
        if count:
            messages.info(
                request,
                ngettext(
                    "We are removing the consultation we added to your calendar.",
                    "We are removing the %(count)s consultations we added to your calendar.",
                    count,
                )
                % {"count": count},
            )
        return redirect("calendars:list")
    count = connections.events_to_remove(connection=connection)
    return render(request, "calendars/remove.html", {"connection": connection, "count": count})
