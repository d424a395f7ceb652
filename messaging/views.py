from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config import paging
from directory.access import (
    CONTACT_US,
    SEND_MESSAGES,
    AuthenticatedHttpRequest,
    login_prompt_required,
)
from directory.models import Specialist
from messaging import contact as contact_domain
from messaging import conversations
from messaging.forms import CantLogInForm, ContactForm, MessageForm
from messaging.models import Message, Thread

PAGE_SIZE = 20


def _thread_for(request: AuthenticatedHttpRequest, pk: int) -> Thread:
    """The thread if this person may read it; everyone else gets a 404."""
    return get_object_or_404(
        Thread.objects.for_user(request.user).select_related("client", "specialist"), pk=pk
    )


@never_cache
@login_required
@require_safe
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    threads = (
        Thread.objects.of_party(request.user)
        # A conversation whose only message waits for review is not the specialist's yet.
        .exclude(specialist__owner=request.user, last_message_at__isnull=True)
        .select_related("client", "specialist")
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )
    page, page_links = paging.paginate(request, threads, per_page=PAGE_SIZE)
    rows = [
        {"thread": t, "unread": t.unread_for(request.user), "is_client": t.is_client(request.user)}
        for t in page.object_list
    ]
    return render(request, "messaging/inbox.html", {"rows": rows, "page_links": page_links})


@never_cache
@login_prompt_required(SEND_MESSAGES)
@require_http_methods(["GET", "POST"])
def new_message(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    specialist = get_object_or_404(Specialist.objects.listed(), slug=slug)
    existing = Thread.objects.filter(client=request.user, specialist=specialist).first()
    form = MessageForm(request.POST or None)
    context = {"specialist": specialist, "form": form, "existing": existing}
    if request.method == "POST":
        if form.is_valid():
            try:
                message = conversations.message_specialist(
                    client=request.user, specialist=specialist, body=form.cleaned_data["body"]
                )
            except conversations.MessagingError as error:
                form.add_error(None, str(error))
            else:
                _say_sent(request, message)
                return redirect(message.thread)
        return render(request, "messaging/new_message.html", context, status=400)
    return render(request, "messaging/new_message.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def thread(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = _thread_for(request, pk)
    form = MessageForm(request.POST or None) if conversation.is_party(request.user) else None
    if request.method == "GET":
        conversations.mark_read(thread=conversation, reader=request.user)
    elif form is None:
        raise Http404
    elif form.is_valid():
        try:
            message = conversations.reply(
                thread=conversation, sender=request.user, body=form.cleaned_data["body"]
            )
        except conversations.MessagingError as error:
            form.add_error(None, str(error))
        else:
            _say_sent(request, message)
            return redirect(conversation)
    return _thread_page(request, conversation, form)


def _thread_page(
    request: AuthenticatedHttpRequest, conversation: Thread, form: MessageForm | None
) -> HttpResponse:
    shown = conversations.shown_to(thread=conversation, reader=request.user)
    is_specialist = conversation.specialist.owner_id == request.user.pk
    context = {
        "thread": conversation,
        "thread_messages": shown,
        "form": form,
        "held": any(
            m.status == Message.Status.HELD and m.sender_id == request.user.pk for m in shown
        ),
        "is_specialist": is_specialist,
        "is_blocked": is_specialist
        and conversations.is_blocked(
            specialist_id=conversation.specialist_id, client_id=conversation.client_id
        ),
        "other_name": (
            conversation.client.display_name if is_specialist else conversation.specialist.name
        ),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "messaging/thread.html", context, status=status)


def _say_sent(request: HttpRequest, message: Message) -> None:
    """A message held for review is not sent yet, so nothing is said."""
    if message.status == Message.Status.SENT:
        messages.success(request, _("Your message has been sent."))


@login_required
@require_POST
def block(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(
        Thread.objects.select_related("specialist"), pk=pk, specialist__owner=request.user
    )
    if request.POST.get("action") == "unblock":
        conversations.unblock(specialist=conversation.specialist, client=conversation.client)
        messages.success(request, _("This person can write to you again."))
    else:
        conversations.block(specialist=conversation.specialist, client=conversation.client)
        messages.success(request, _("This person can no longer send you messages."))
    return redirect(conversation)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Thread.objects.of_party(request.user), pk=pk)
    if request.method == "POST":
        conversations.report(thread=conversation, reporter=request.user)
        messages.success(
            request, _("Thank you. Our team will read this conversation and get back to you.")
        )
        return redirect(conversation)
    return render(request, "messaging/report.html", {"thread": conversation})


@never_cache
@login_prompt_required(CONTACT_US)
@require_http_methods(["GET", "POST"])
def contact(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                contact_domain.contact_staff(sender=request.user, **form.cleaned_data)
            except contact_domain.ContactError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your message has been sent"))
                return redirect("messaging:contact")
        return render(request, "messaging/contact.html", {"form": form}, status=400)
    return render(request, "messaging/contact.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def cant_log_in(request: HttpRequest) -> HttpResponse:
    """ "Can't log in?": someone who cannot get in writes to the team; anyone logged in has
    the contact form."""
    if request.user.is_authenticated:
        return redirect("messaging:contact")
    form = CantLogInForm(request.POST or None)
    if request.method == "GET":
        return render(request, "messaging/cant_log_in.html", {"form": form})
    if form.is_from_a_program():
        return redirect("messaging:cant_log_in_sent")  # it learns nothing
    status = 400
    if form.is_valid():
        try:
            contact_domain.write_while_logged_out(
                **form.cleaned_data, ip=get_adapter(request).get_client_ip(request)
            )
        except contact_domain.TooManyMessages as error:
            form.add_error(None, str(error))
            status = 429
        else:
            return redirect("messaging:cant_log_in_sent")
    return render(request, "messaging/cant_log_in.html", {"form": form}, status=status)


@require_safe
def cant_log_in_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/cant_log_in_sent.html")
