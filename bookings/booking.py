"""Booking, cancelling, rescheduling and closing free consultations.

Each change takes the locks and decides the rules of bookings.booking_rules, raises
BookingError with a message that is safe to show, and writes the e-mails of its change as
notices in the same transaction.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings import booking_rules, holds, next_free, notices, parties, reminders
from bookings.booking_rules import BookingError
from bookings.models import Consultation, Notice
from bookings.slots import SLOT
from directory.models import Specialist, User

NOTE_MAX_LENGTH = 500


@transaction.atomic
def book(
    *,
    client: User,
    specialist: Specialist,
    starts_at: datetime,
    mode: str,
    note: str = "",
    phone: str = "",
    client_time_zone: str = "UTC",
    now: datetime,
) -> Consultation:
    """Book a free consultation in a slot the specialist offers, or raise BookingError.

    Rules: a published specialist who offers free consultations, a verified e-mail, not
    the specialist themself, a slot in their hours, outside the notice window and inside
    the horizon, clear of other consultations and busy times by the buffer, under the daily
    cap, one free consultation per client and specialist, at most three upcoming ones in
    all, and not after cancelling twice with this specialist in a week.
    Every rule is decided after the locks (specialist, then client), so simultaneous
    requests cannot slip past one; the database constraints stand behind the overlap and
    pair rules.
    """
    if mode == Consultation.Mode.PHONE and not phone.strip():
        raise BookingError(_("Please give a phone number for a phone consultation."))
    if len(note) > NOTE_MAX_LENGTH:
        raise BookingError(_("Please keep the note to 500 characters."))
    rules = booking_rules.lock_pair(client=client, specialist=specialist)
    calendar, facts = booking_rules.check_slot(
        client=client,
        specialist=specialist,
        starts_at=starts_at,
        now=now,
        rules=rules,
        client_zone=client_time_zone,
    )
    holds.settle_on_booking(client=client, specialist=specialist, facts=facts, starts_at=starts_at)
    # No savepoint: a refused insert ends the whole booking, and the BookingError raised
    # below rolls the transaction back as it leaves this function.
    try:
        consultation = Consultation.objects.create(
            specialist=specialist,
            client=client,
            starts_at=starts_at,
            ends_at=starts_at + SLOT,
            mode=mode,
            note=note.strip(),
            phone=phone.strip() if mode == Consultation.Mode.PHONE else "",
            client_time_zone=client_time_zone,
        )
    except IntegrityError as error:
        raise booking_rules.integrity_error(error) from None
    reminders.schedule_for(consultation=consultation, now=now)
    next_free.refresh_after_booking(
        specialist=specialist, now=now, booked=starts_at, calendar=calendar
    )
    notices.queue(consultation=consultation, kind=Notice.Kind.BOOKED, now=now)
    if facts.own_hold is not None:
        next_free.wake_waitlist(specialist=specialist, now=now)
    return consultation


def _lock(consultation: Consultation, *, client: bool = False) -> Consultation:
    """Lock in the one order: the specialist, (the client,) then the consultation."""
    booking_rules.lock_specialist(consultation.specialist)
    if client:
        booking_rules.lock_client(consultation.client)
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("specialist__booking_settings", "client")
        .get(pk=consultation.pk)
    )


@transaction.atomic
def cancel(
    *, consultation: Consultation, by: User, reason: str = "", now: datetime
) -> Consultation:
    """Cancel an upcoming consultation for either side; the slot is offered again at once.

    Raises BookingError when it has already started, ended or been cancelled.
    """
    locked = _lock(consultation)
    refusal = parties.change_refusal(consultation=locked, by=by, now=now)
    party = parties.party_of(consultation=locked, user=by)
    if refusal is not None or party is None:  # no side, no change: refusal says so
        raise BookingError(refusal)
    locked.status = Consultation.Status.CANCELLED
    locked.cancelled_at = now
    locked.cancelled_by = party
    locked.change_reason = reason.strip()[:NOTE_MAX_LENGTH]
    locked.sequence += 1
    locked.save()
    reminders.void(consultation=locked)
    next_free.refresh_next_free_slot(specialist=locked.specialist, now=now)
    notices.queue(consultation=locked, kind=Notice.Kind.CANCELLED, by=party, now=now)
    return locked


@transaction.atomic
def reschedule(
    *, consultation: Consultation, by: User, starts_at: datetime, reason: str = "", now: datetime
) -> Consultation:
    """Move an upcoming consultation to another free slot of the same specialist.

    Its reminders move with it, and its old time is free for others at once (the waitlist
    is woken). A time held for its client from the waitlist is theirs to move to, which
    ends their wait (bookings.holds). Raises BookingError when the new time is not bookable
    or was just taken, or the consultation can no longer be changed.
    """
    locked = _lock(consultation, client=True)
    refusal = parties.change_refusal(consultation=locked, by=by, now=now)
    party = parties.party_of(consultation=locked, user=by)
    if refusal is not None or party is None:  # no side, no change: refusal says so
        raise BookingError(refusal)
    if starts_at == locked.starts_at:
        raise BookingError(_("That is the time already booked. Please pick another."))
    _calendar, facts = booking_rules.check_slot(
        client=locked.client,
        specialist=locked.specialist,
        starts_at=starts_at,
        now=now,
        moving=locked,
    )
    holds.settle_on_move(consultation=locked, facts=facts, starts_at=starts_at)
    locked.starts_at = starts_at
    locked.ends_at = starts_at + SLOT
    locked.change_reason = reason.strip()[:NOTE_MAX_LENGTH]
    locked.sequence += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise booking_rules.taken() from None
    reminders.move(consultation=locked, now=now)
    next_free.refresh_next_free_slot(specialist=locked.specialist, now=now)
    notices.queue(consultation=locked, kind=Notice.Kind.RESCHEDULED, by=party, now=now)
    return locked


@transaction.atomic
def close(*, consultation: Consultation, by: User, status: str, now: datetime) -> Consultation:
    """The specialist marks a consultation that has started as completed or a no-show."""
    if status not in (Consultation.Status.COMPLETED, Consultation.Status.NO_SHOW):
        raise BookingError(_("Choose completed or no-show."))
    locked = _lock(consultation)
    refusal = parties.close_refusal(consultation=locked, by=by, now=now)
    if refusal is not None:
        raise BookingError(refusal)
    locked.status = status
    locked.save(update_fields=["status", "changed_at"])
    return locked


@transaction.atomic
def record_fit(*, consultation: Consultation, client: User, fit: str, now: datetime) -> None:
    """The client says whether the specialist seemed a good fit, after the consultation."""
    if fit not in Consultation.Fit.values:
        raise BookingError(_("Please choose one of the answers."))
    refusal = parties.fit_refusal(consultation=consultation, by=client, now=now)
    if refusal is not None:
        raise BookingError(refusal)
    Consultation.objects.filter(pk=consultation.pk).update(fit=fit)
    consultation.fit = fit
