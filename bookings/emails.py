"""The e-mails of free consultations: one small function each.

Subjects are neutral and carry no names or free text; the client's note goes only to the
specialist, in the body of the booking e-mail.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from bookings import calendar
from bookings.availability import zone_or_none
from bookings.models import BookingSettings, Consultation, Reminder

ICS_TYPE = "text/calendar; charset=utf-8"


def _message(name: str, *, to: str, context: dict[str, object]) -> EmailMultiAlternatives:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = get_template(f"emails/{name}/subject.txt").render(context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=get_template(f"emails/{name}/body.txt").render(context),
        to=[to],
    )
    message.attach_alternative(
        get_template(f"emails/{name}/body.html").render(context), "text/html"
    )
    return message


def _load(consultation_id: int) -> tuple[Consultation, BookingSettings | None]:
    consultation = Consultation.objects.select_related("specialist__owner", "client").get(
        pk=consultation_id
    )
    booking_settings = BookingSettings.objects.filter(specialist=consultation.specialist).first()
    return consultation, booking_settings


def _zones(consultation: Consultation) -> dict[str, ZoneInfo]:
    utc = ZoneInfo("UTC")
    return {
        "client": zone_or_none(consultation.client_time_zone) or utc,
        "specialist": zone_or_none(consultation.specialist.time_zone) or utc,
    }


def _context(
    consultation: Consultation, booking_settings: BookingSettings | None, *, party: str
) -> dict[str, object]:
    zone = _zones(consultation)[party]
    page = settings.SITE_URL + reverse("bookings:detail", kwargs={"pk": consultation.pk})
    return {
        "consultation": consultation,
        "party": party,
        "starts": consultation.starts_at.astimezone(zone),
        "zone": zone.key,
        "page_url": page,
        "cancel_url": settings.SITE_URL
        + reverse("bookings:cancel", kwargs={"pk": consultation.pk}),
        "reschedule_url": settings.SITE_URL
        + reverse("bookings:reschedule", kwargs={"pk": consultation.pk}),
        "meeting_link": calendar.meeting_link(consultation, booking_settings),
        "client_name": consultation.client.display_name,
        "specialist_name": consultation.specialist.name,
    }


def _with_invite(
    message: EmailMultiAlternatives,
    consultation: Consultation,
    booking_settings: BookingSettings | None,
) -> EmailMultiAlternatives:
    invite = calendar.invite(
        consultation=consultation, booking_settings=booking_settings, now=timezone.now()
    )
    message.attach("consultation.ics", invite.decode(), ICS_TYPE)
    return message


def _both(name: str, consultation_id: int, **extra: object) -> int:
    consultation, booking_settings = _load(consultation_id)
    messages = []
    for party, address in (
        (Consultation.Party.CLIENT, consultation.client.email),
        (Consultation.Party.SPECIALIST, consultation.specialist.owner.email),
    ):
        context = {**_context(consultation, booking_settings, party=party), **extra}
        message = _message(name, to=address, context=context)
        messages.append(_with_invite(message, consultation, booking_settings))
    for message in messages:
        message.send()
    return len(messages)


def send_booking_confirmation(*, consultation_id: int) -> int:
    """Both sides get the details and an .ics invitation."""
    return _both("booking_confirmed", consultation_id)


def send_cancellation_notice(*, consultation_id: int) -> int:
    """Both sides learn of the cancellation; calendars drop the event."""
    return _both("consultation_cancelled", consultation_id)


def send_reschedule_notice(*, consultation_id: int, by: str) -> int:
    """Both sides get the new time and an updated invitation."""
    return _both("consultation_rescheduled", consultation_id, by=by)


def reminder(*, reminder: Reminder) -> EmailMultiAlternatives:
    """The message for one due reminder (built, not sent: the sweep sends in batches)."""
    consultation = reminder.consultation
    context = _context(consultation, None, party=Consultation.Party.CLIENT)
    context["meeting_link"] = ""  # the link is in the invitation; keep reminders light
    if reminder.kind == Reminder.Kind.FOLLOW_UP:
        context["feedback_url"] = settings.SITE_URL + reverse(
            "bookings:feedback", kwargs={"pk": consultation.pk}
        )
        return _message("consultation_follow_up", to=consultation.client.email, context=context)
    context["kind"] = reminder.kind
    return _message("reminder_upcoming", to=consultation.client.email, context=context)
