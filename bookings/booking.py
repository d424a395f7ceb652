"""Booking, cancelling, rescheduling and closing free consultations.

The database is the real guard against double booking (see bookings.models); the checks
here give a clear message first. Every function raises BookingError with a message that
is safe to show, and writes the e-mails of its change as notices in the same transaction.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from bookings import availability, notices, reminders
from bookings.availability import SLOT
from bookings.models import Consultation, Notice
from directory.models import Specialist, User

MAX_UPCOMING_PER_CLIENT = 3
NOTE_MAX_LENGTH = 500


class BookingError(Exception):
    """A booking rule was broken; the message is safe to show to the person."""


def party_of(*, consultation: Consultation, user: User) -> str | None:
    """Which side of the consultation this person is on, or None for anyone else."""
    if user.pk == consultation.client_id:
        return Consultation.Party.CLIENT
    if user.pk == consultation.specialist.owner_id:
        return Consultation.Party.SPECIALIST
    return None


def _taken() -> BookingError:
    return BookingError(_("Someone has just booked that time. Please pick another."))


def _integrity_message(error: IntegrityError) -> BookingError:
    if "one_free_per_client_and_specialist" in str(error):
        return BookingError(_("You already have a free consultation with this specialist."))
    return _taken()


@dataclass(frozen=True)
class _Facts:
    verified: bool
    with_specialist: bool
    upcoming: int
    next_free_slot_at: datetime | None
    slot_clashes: bool
    slot_day_bookings: int


# Written out because it runs on every booking, and the ORM takes longer to build it than
# the database takes to answer. "cancelled" and "confirmed" are Consultation.Status values.
_FACTS_SQL = f"""
SELECT
    EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} e
            WHERE e.user_id = u.id AND e.verified AND UPPER(e.email) = UPPER(%(email)s)),
    EXISTS (SELECT 1 FROM {Consultation._meta.db_table} c
            WHERE c.client_id = u.id AND c.specialist_id = %(specialist)s
              AND c.status <> 'cancelled'),
    (SELECT COUNT(*) FROM {Consultation._meta.db_table} c
            WHERE c.client_id = u.id AND c.status = 'confirmed' AND c.ends_at > %(now)s),
    (SELECT s.next_free_slot_at FROM {Specialist._meta.db_table} s
            WHERE s.id = %(specialist)s),
    EXISTS (SELECT 1 FROM {Consultation._meta.db_table} c
            WHERE c.specialist_id = %(specialist)s AND c.status <> 'cancelled'
              AND c.starts_at < %(clash_until)s AND c.ends_at > %(clash_from)s),
    (SELECT COUNT(*) FROM {Consultation._meta.db_table} c
            WHERE c.specialist_id = %(specialist)s AND c.status <> 'cancelled'
              AND c.starts_at >= %(day_from)s AND c.starts_at < %(day_until)s)
FROM {User._meta.db_table} u
WHERE u.id = %(client)s
"""  # noqa: S608 (table names only; every value is a parameter)


def _facts(
    *, client: User, specialist: Specialist, window: availability.SlotWindow, now: datetime
) -> _Facts:
    """One round trip for every rule: lock the client's row (so that one client's bookings
    queue and the limit cannot be raced past), then read what the rules need about them,
    the specialist's stored next free slot as it is now and the bookings around the slot
    (inside this transaction: IMMEDIATE on SQLite, so writers queue)."""
    moment = connection.ops.adapt_datetimefield_value
    sql = _FACTS_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "client": client.pk,
                "email": client.email,
                "specialist": specialist.pk,
                "now": moment(now),
                "clash_from": moment(window.clash_from),
                "clash_until": moment(window.clash_until),
                "day_from": moment(window.day_from),
                "day_until": moment(window.day_until),
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise BookingError(_("Please log in again to book."))
    verified, with_specialist, upcoming, next_free, clashes, day_bookings = row
    if next_free is not None and next_free.tzinfo is None:  # SQLite: naive, in UTC
        next_free = next_free.replace(tzinfo=UTC)
    return _Facts(
        verified=bool(verified),
        with_specialist=bool(with_specialist),
        upcoming=upcoming,
        next_free_slot_at=next_free,
        slot_clashes=bool(clashes),
        slot_day_bookings=day_bookings,
    )


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
    the specialist themself, a slot outside the notice window and inside the horizon,
    one free consultation per client and specialist, at most three upcoming ones in all.
    """
    if not (specialist.is_listed and specialist.offers_free_consultation):
        raise BookingError(_("This specialist is not offering free consultations right now."))
    if specialist.owner_id == client.pk:
        raise BookingError(_("You cannot book a consultation with yourself."))
    if mode == Consultation.Mode.PHONE and not phone.strip():
        raise BookingError(_("Please give a phone number for a phone consultation."))
    if len(note) > NOTE_MAX_LENGTH:
        raise BookingError(_("Please keep the note to 500 characters."))
    # The specialist's hours and rules: from the cache, outside the round trip below.
    calendar = availability.hours_calendar(specialist=specialist, starts=now)
    window = availability.slot_window(calendar, starts_at=starts_at)
    facts = _facts(client=client, specialist=specialist, window=window, now=now)
    specialist.next_free_slot_at = facts.next_free_slot_at
    if not facts.verified:
        raise BookingError(_("Please verify your e-mail address before booking."))
    if facts.with_specialist:
        raise BookingError(_("You already have a free consultation with this specialist."))
    if facts.upcoming >= MAX_UPCOMING_PER_CLIENT:
        raise BookingError(
            _("You can have at most three upcoming free consultations. Cancel one to book another.")
        )
    if starts_at <= now:
        raise BookingError(_("That time has already passed. Please pick another."))
    if not availability.offers_after_checks(
        calendar,
        starts_at=starts_at,
        now=now,
        clashes=facts.slot_clashes,
        day_bookings=facts.slot_day_bookings,
    ):
        raise BookingError(_("That time is no longer available. Please pick another."))
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
        raise _integrity_message(error) from None
    reminders.schedule_for(consultation=consultation, now=now)
    availability.refresh_after_booking(
        specialist=specialist, now=now, booked=starts_at, calendar=calendar
    )
    notices.queue(consultation=consultation, kind=Notice.Kind.BOOKED, now=now)
    return consultation


def _lock(consultation: Consultation) -> Consultation:
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
    party = party_of(consultation=locked, user=by)
    if party is None:
        raise BookingError(_("This consultation is not yours to change."))
    if locked.status != Consultation.Status.CONFIRMED:
        raise BookingError(_("This consultation is no longer active."))
    if locked.starts_at <= now:
        raise BookingError(_("This consultation has already started."))
    locked.status = Consultation.Status.CANCELLED
    locked.cancelled_at = now
    locked.cancelled_by = party
    locked.change_reason = reason.strip()[:NOTE_MAX_LENGTH]
    locked.sequence += 1
    locked.save()
    reminders.void(consultation=locked)
    availability.refresh_next_free_slot(specialist=locked.specialist, now=now)
    notices.queue(consultation=locked, kind=Notice.Kind.CANCELLED, by=party, now=now)
    return locked


@transaction.atomic
def reschedule(
    *, consultation: Consultation, by: User, starts_at: datetime, reason: str = "", now: datetime
) -> Consultation:
    """Move an upcoming consultation to another free slot of the same specialist.

    Its reminders move with it. Raises BookingError when the new time is not bookable
    or was just taken, or the consultation can no longer be changed.
    """
    locked = _lock(consultation)
    party = party_of(consultation=locked, user=by)
    if party is None:
        raise BookingError(_("This consultation is not yours to change."))
    if locked.status != Consultation.Status.CONFIRMED:
        raise BookingError(_("This consultation is no longer active."))
    if locked.starts_at <= now:
        raise BookingError(_("This consultation has already started."))
    if starts_at == locked.starts_at:
        raise BookingError(_("That is the time already booked. Please pick another."))
    current = (locked.starts_at, locked.ends_at)
    calendar = availability.load_calendar(specialist=locked.specialist, starts=now)
    if not availability.offers(calendar, starts_at=starts_at, now=now, ignore=current):
        raise BookingError(_("That time is no longer available. Please pick another."))
    locked.starts_at = starts_at
    locked.ends_at = starts_at + SLOT
    locked.change_reason = reason.strip()[:NOTE_MAX_LENGTH]
    locked.sequence += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise _taken() from None
    reminders.move(consultation=locked, now=now)
    availability.refresh_next_free_slot(
        specialist=locked.specialist,
        now=now,
        calendar=availability.with_busy(
            calendar, add=(locked.starts_at, locked.ends_at), remove=current
        ),
    )
    notices.queue(consultation=locked, kind=Notice.Kind.RESCHEDULED, by=party, now=now)
    return locked


@transaction.atomic
def close(*, consultation: Consultation, by: User, status: str, now: datetime) -> Consultation:
    """The specialist marks a consultation that has started as completed or a no-show."""
    if status not in (Consultation.Status.COMPLETED, Consultation.Status.NO_SHOW):
        raise BookingError(_("Choose completed or no-show."))
    locked = _lock(consultation)
    if party_of(consultation=locked, user=by) != Consultation.Party.SPECIALIST:
        raise BookingError(_("Only the specialist can mark how a consultation went."))
    if locked.status == Consultation.Status.CANCELLED:
        raise BookingError(_("This consultation was cancelled."))
    if locked.starts_at > now:
        raise BookingError(_("This consultation has not started yet."))
    locked.status = status
    locked.save(update_fields=["status", "changed_at"])
    return locked


@transaction.atomic
def record_fit(*, consultation: Consultation, client: User, fit: str, now: datetime) -> None:
    """The client says whether the specialist seemed a good fit, after the consultation."""
    if consultation.client_id != client.pk:
        raise BookingError(_("This consultation is not yours."))
    if fit not in Consultation.Fit.values:
        raise BookingError(_("Please choose one of the answers."))
    if consultation.status == Consultation.Status.CANCELLED or consultation.ends_at > now:
        raise BookingError(_("You can answer after the consultation."))
    Consultation.objects.filter(pk=consultation.pk).update(fit=fit)
    consultation.fit = fit
