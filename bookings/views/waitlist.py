"""The waitlist's pages: join, my waitlists, leave (logged in or by the e-mail's signed
link), and the page of a time held for the client."""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bookings import booking, emails, parties, waitlist
from bookings.forms import slot_value
from bookings.models import Hold, WaitlistEntry
from directory import local_time
from directory.access import AuthenticatedHttpRequest, login_prompt_required
from directory.models import Specialist

WAITLIST_PROMPT = gettext_lazy("To join a waitlist, please log in or create an account")


def _page(request: AuthenticatedHttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    entries = waitlist.entries_of(client=request.user, now=timezone.now())
    context = {
        "entries": entries,
        "error": error,
        "reader": local_time.for_request(request),
        "most": waitlist.MAX_WAITLISTS_PER_CLIENT,
    }
    return render(request, "bookings/waitlists.html", context, status=status)


@never_cache
@login_prompt_required(WAITLIST_PROMPT)
@require_http_methods(["GET"])
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request)


@login_prompt_required(WAITLIST_PROMPT)
@require_POST
def join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    specialist = get_object_or_404(Specialist.objects.offering_free_consultations(), slug=slug)
    try:
        waitlist.join(client=request.user, specialist=specialist, now=timezone.now())
    except waitlist.WaitlistError as error:
        return _page(request, error=str(error), status=400)
    messages.success(
        request,
        _("You are on the waitlist. We will e-mail you when an earlier time opens."),
    )
    return redirect("bookings:waitlists")


@login_prompt_required(WAITLIST_PROMPT)
@require_POST
def leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("specialist"), pk=pk, client=request.user
    )
    waitlist.leave(client=request.user, specialist=entry.specialist, now=timezone.now())
    messages.success(request, _("You have left the waitlist."))
    return redirect("bookings:waitlists")


@never_cache
@require_http_methods(["GET", "POST"])
def leave_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail's link: it works without logging in. Only the button (a POST) changes
    anything, so a mail program that opens links ahead leaves everyone on their list."""
    try:
        client_id, specialist_id = signing.loads(token, salt=emails.LEAVE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    entry = (
        WaitlistEntry.objects.select_related("specialist", "client")
        .filter(client_id=client_id, specialist_id=specialist_id)
        .first()
    )
    if request.method == "POST" and entry is not None:
        waitlist.leave(client=entry.client, specialist=entry.specialist, now=timezone.now())
        messages.success(request, _("You have left the waitlist."))
        entry = None
        left = True
    else:
        left = False
    return render(request, "bookings/waitlist_leave.html", {"entry": entry, "left": left})


def _held_for(request: AuthenticatedHttpRequest, pk: int) -> Hold:
    return get_object_or_404(Hold.objects.select_related("specialist"), pk=pk, client=request.user)


@never_cache
@login_prompt_required(WAITLIST_PROMPT)
@require_http_methods(["GET"])
def hold(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _hold_page(request, _held_for(request, pk))


def _hold_page(
    request: AuthenticatedHttpRequest, held: Hold, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The held time: booked from the usual confirmation, or, for a client who has a
    consultation with the specialist, moved to with one button."""
    now = timezone.now()
    reader = local_time.for_request(request, fallback=held.specialist.time_zone)
    book_url = (
        reverse("bookings:book", kwargs={"slug": held.specialist.slug})
        + "?"
        + urlencode({"slot": slot_value(held.starts_at), "tz": reader.key})
    )
    context = {
        "hold": held,
        "live": waitlist.live_hold(hold=held, now=now),
        "moving": parties.movable_consultation(
            client=request.user, specialist=held.specialist, now=now
        ),
        "reader": reader,
        "book_url": book_url,
        "error": error,
    }
    return render(request, "bookings/hold.html", context, status=status)


@login_prompt_required(WAITLIST_PROMPT)
@require_POST
def move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    held = _held_for(request, pk)
    try:
        consultation = waitlist.move_to_hold(hold=held, client=request.user, now=timezone.now())
    except booking.BookingError as error:
        return _hold_page(request, held, error=str(error), status=400)
    messages.success(request, _("Moved to the earlier time. We have told them."))
    return redirect(consultation)


@login_prompt_required(WAITLIST_PROMPT)
@require_POST
def let_go(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    held = _held_for(request, pk)
    if waitlist.let_go(hold=held, client=request.user, now=timezone.now()):
        messages.success(request, _("The time is offered to the next person waiting."))
    return redirect("bookings:waitlists")
