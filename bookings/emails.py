"""The e-mails of free consultations: one small function each.

Subjects are neutral and carry no names or free text; the client's note goes only to the
specialist, in the body of the booking e-mail.
"""

from collections.abc import Callable, Sequence
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bookings import calendar, meeting, parties
from bookings.models import BookingSettings, Consultation, Hold, Notice, Reminder
from config import emails
from directory import local_time

ICS_TYPE = "text/calendar; charset=utf-8"
REMINDER_HEADER = "X-First-Step-Reminder"
# What reminders() reads, so that the sweep loads nothing more (profiles carry long texts).
REMINDER_FIELDS = (
    "kind",
    "consultation__starts_at",
    "consultation__client_time_zone",
    "consultation__specialist__name",
    "consultation__specialist__time_zone",
    "consultation__client__email",
    "consultation__client__time_zone",
    "consultation__client__first_name",
    "consultation__mode",
    "consultation__phone",
    "consultation__specialist__meeting_link",
    "consultation__specialist__booking_settings__meeting_link",
    "consultation__specialist__booking_settings__link_by_email",
)


def _load(consultation_id: int) -> tuple[Consultation, BookingSettings | None]:
    consultation = Consultation.objects.select_related("specialist__owner", "client").get(
        pk=consultation_id
    )
    booking_settings = BookingSettings.objects.filter(specialist=consultation.specialist).first()
    return consultation, booking_settings


def _context(
    consultation: Consultation, booking_settings: BookingSettings | None, *, party: str
) -> dict[str, object]:
    page = settings.SITE_URL + reverse("bookings:detail", kwargs={"pk": consultation.pk})
    return {
        "consultation": consultation,
        "party": party,
        "when": calendar.when(consultation, party=party),
        "page_url": page,
        "cancel_url": settings.SITE_URL
        + reverse("bookings:cancel", kwargs={"pk": consultation.pk}),
        "reschedule_url": settings.SITE_URL
        + reverse("bookings:reschedule", kwargs={"pk": consultation.pk}),
        "meeting_link": meeting.link(consultation, booking_settings),
        "how": meeting.how(consultation, booking_settings, party=party),
        "add_links": calendar.add_links(consultation, booking_settings, party=party),
        "client_name": consultation.client.display_name,
        "specialist_name": consultation.specialist.name,
    }


def _with_invite(
    message: EmailMultiAlternatives,
    consultation: Consultation,
    booking_settings: BookingSettings | None,
    *,
    party: str,
) -> EmailMultiAlternatives:
    invite = calendar.invite(
        consultation=consultation,
        booking_settings=booking_settings,
        party=party,
        now=timezone.now(),
    )
    message.attach("consultation.ics", invite.decode(), ICS_TYPE)
    return message


NOTICE_TEMPLATES: dict[str, str] = {
    Notice.Kind.BOOKED: "booking_confirmed",
    Notice.Kind.CANCELLED: "consultation_cancelled",
    Notice.Kind.RESCHEDULED: "consultation_rescheduled",
}


def notice(*, notice: Notice) -> list[EmailMultiAlternatives]:
    """Both sides' copies of a notice (built, not sent), each with an .ics invitation that
    adds, updates or removes the calendar event; they show the consultation as it is now.
    A side whose account was deleted gets nothing. A held time is offered to its client."""
    if notice.hold is not None:
        return [held(hold=notice.hold)] if notice.hold.client.is_active else []
    # Every other kind is about a consultation (a constraint on Notice).
    consultation, booking_settings = _load(cast(int, notice.consultation_id))
    messages = []
    for party, person in (
        (Consultation.Party.CLIENT, consultation.client),
        (Consultation.Party.SPECIALIST, consultation.specialist.owner),
    ):
        if not person.is_active:
            continue
        address = person.email
        context = {**_context(consultation, booking_settings, party=party), "by": notice.by}
        message = emails.message(NOTICE_TEMPLATES[notice.kind], to=[address], context=context)
        messages.append(_with_invite(message, consultation, booking_settings, party=party))
    return messages


def held(*, hold: Hold) -> EmailMultiAlternatives:
    """The offer of a time held from the waitlist: book it (or move the client's
    consultation to it), let it go, or leave the list."""
    hold = Hold.objects.select_related("client", "specialist").get(pk=hold.pk)
    chosen = local_time.zone_named(hold.client.time_zone)
    reader = local_time.ReaderZone(
        chosen or local_time.zone_named(hold.specialist.time_zone) or local_time.UTC,
        chosen is not None,
    )
    page = settings.SITE_URL + hold.get_absolute_url()
    booked = parties.movable_consultation(
        client=hold.client, specialist=hold.specialist, now=timezone.now()
    )
    return emails.message(
        "waitlist_held",
        to=[hold.client.email],
        context={
            "specialist_name": hold.specialist.name,
            "when": local_time.both(hold.starts_at, reader=reader, other=None),
            "booked_at": local_time.both(booked.starts_at, reader=reader, other=None)
            if booked
            else "",
            "until": local_time.wall(hold.expires_at, reader.zone, style="time"),
            "hold_url": page,
            "leave_url": settings.SITE_URL
            + reverse("bookings:waitlist_leave_link", kwargs={"token": leave_token(hold)}),
        },
    )


def leave_token(hold: Hold) -> str:
    """A signed link that takes the client off this specialist's waitlist, logged in or not."""
    return signing.dumps([hold.client_id, hold.specialist_id], salt=LEAVE_SALT)


LEAVE_SALT = "bookings.waitlist.leave"


MARK = "\x1e"  # never typed by anyone, and left alone by HTML escaping
PK_MARK = 918273645  # a consultation id that stands for the real one in reversed URLs


class _Merged:
    """One e-mail template rendered once with markers, then filled in per message.

    Rendering a Django template per reminder would cost more than sending it; the sweep
    sends thousands a minute, so each batch renders each template once.
    """

    FIELDS = ("specialist_name", "when", "how", "page_url", "cancel_url", "feedback_url")

    def __init__(self, name: str) -> None:
        context: dict[str, object] = {field: f"{MARK}{field}{MARK}" for field in self.FIELDS}
        self.subject, self.text, self.html = emails.render(name, context)

    def message(self, *, to: str, values: dict[str, str]) -> EmailMultiAlternatives:
        text, html = self.text, self.html
        for field, value in values.items():
            text = text.replace(f"{MARK}{field}{MARK}", value)
            html = html.replace(f"{MARK}{field}{MARK}", escape(value))
        return emails.compose(subject=self.subject, text=text, html=html, to=[to])


def _url_maker(name: str) -> Callable[[int], str]:
    prefix, suffix = reverse(f"bookings:{name}", kwargs={"pk": PK_MARK}).split(str(PK_MARK))
    base = settings.SITE_URL + prefix
    return lambda pk: f"{base}{pk}{suffix}"


def _how(consultation: Consultation) -> str:
    booking_settings = getattr(consultation.specialist, "booking_settings", None)
    line = meeting.how(consultation, booking_settings, party=Consultation.Party.CLIENT)
    join = meeting.link(consultation, booking_settings)
    return f"{line} {join}" if join else line


def _zone(known: dict[str, ZoneInfo], key: str) -> ZoneInfo:
    if key not in known:
        known[key] = local_time.zone_named(key) or local_time.UTC
    return known[key]


def reminders(*, reminders: Sequence[Reminder]) -> list[EmailMultiAlternatives]:
    """The messages for a batch of due reminders (built, not sent), one per reminder.

    Reminders go to the client, who has no calendar feed; the specialist has theirs.
    """
    templates: dict[str, _Merged] = {}
    page, cancel, feedback = _url_maker("detail"), _url_maker("cancel"), _url_maker("feedback")
    known: dict[str, ZoneInfo] = {}
    messages = []
    for reminder in reminders:
        consultation = reminder.consultation
        name = (
            "consultation_follow_up"
            if reminder.kind == Reminder.Kind.FOLLOW_UP
            else "reminder_upcoming"
        )
        if name not in templates:
            templates[name] = _Merged(name)
        reader, other = (
            _zone(known, consultation.client.time_zone or consultation.client_time_zone),
            _zone(known, consultation.specialist.time_zone),
        )
        message = templates[name].message(
            to=consultation.client.email,
            values={
                "specialist_name": consultation.specialist.name,
                "when": local_time.both(consultation.starts_at, reader=reader, other=other),
                "how": _how(consultation),
                "page_url": page(consultation.pk),
                "cancel_url": cancel(consultation.pk),
                "feedback_url": feedback(consultation.pk),
            },
        )
        # An id only: lets support (and the benchmark) tell one reminder's e-mail from another.
        message.extra_headers[REMINDER_HEADER] = str(reminder.pk)
        messages.append(message)
    return messages
