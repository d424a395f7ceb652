"""Booking, cancelling, rescheduling and closing free consultations.

The database is the real guard against double booking (see bookings.models); the checks
here give a clear message first. Every function raises BookingError with a message that
is safe to show, and writes the e-mails of its change as notices in the same transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Value, When
from django.utils.translation import gettext as _

from bookings import hours, next_free, notices, parties, reminders, slots
from bookings.models import BookingSettings, BusyTime, Consultation, Hold, Notice, WaitlistEntry
from bookings.slots import SLOT
from directory import local_time
from directory.models import Specialist, User

MAX_UPCOMING_PER_CLIENT = 3
# Fair use: a client who cancels this often with one specialist within the window waits
# until the window has passed before booking with them again.
CANCELLATIONS_ALLOWED = 2
CANCELLATION_WINDOW = timedelta(days=7)
NOTE_MAX_LENGTH = 500
# How long a slot freed for a waiting client is kept for them alone.
HOLD_FOR = timedelta(minutes=15)


class BookingError(Exception):
    """A booking rule was broken; the message is safe to show to the person."""


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
    cancelled_before: datetime | None
    slot_clashes: bool
    slot_day_bookings: int
    # The client's own live hold with this specialist (it never blocks them), and whether
    # they wait for this specialist: a booking ends both.
    own_hold: int | None
    waiting: bool


# Written out because it runs on every booking, and the ORM takes longer to build it than
# the database takes to answer. It runs after the locks are held, so every count is the
# committed one.
_FACTS_SQL = f"""
SELECT
    EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} e
            WHERE e.user_id = %(client)s AND e.verified AND UPPER(e.email) = UPPER(%(email)s)),
    EXISTS (SELECT 1 FROM {Consultation._meta.db_table} c
            WHERE c.client_id = %(client)s AND c.specialist_id = %(specialist)s
              AND c.status <> %(cancelled)s AND c.id <> %(moving)s),
    (SELECT COUNT(*) FROM {Consultation._meta.db_table} c
            WHERE c.client_id = %(client)s AND c.status = %(confirmed)s AND c.ends_at > %(now)s
              AND c.id <> %(moving)s),
    (SELECT c.cancelled_at FROM {Consultation._meta.db_table} c
            WHERE c.client_id = %(client)s AND c.specialist_id = %(specialist)s
              AND c.status = %(cancelled)s AND c.cancelled_by = %(by_client)s
              AND c.cancelled_at > %(cancel_since)s
            ORDER BY c.cancelled_at DESC LIMIT 1 OFFSET {CANCELLATIONS_ALLOWED - 1}),
    EXISTS (SELECT 1 FROM {Consultation._meta.db_table} c
            WHERE c.specialist_id = %(specialist)s AND c.status <> %(cancelled)s
              AND c.id <> %(moving)s
              AND c.starts_at < %(clash_until)s AND c.ends_at > %(clash_from)s)
    OR EXISTS (SELECT 1 FROM {BusyTime._meta.db_table} b
            WHERE b.specialist_id = %(specialist)s
              AND b.starts_at < %(clash_until)s AND b.ends_at > %(clash_from)s)
    OR EXISTS (SELECT 1 FROM {Hold._meta.db_table} h
            WHERE h.specialist_id = %(specialist)s AND h.status = %(held)s
              AND h.client_id <> %(client)s
              AND h.starts_at < %(clash_until)s AND h.ends_at > %(clash_from)s),
    (SELECT COUNT(*) FROM {Consultation._meta.db_table} c
            WHERE c.specialist_id = %(specialist)s AND c.status <> %(cancelled)s
              AND c.id <> %(moving)s
              AND c.starts_at >= %(day_from)s AND c.starts_at < %(day_until)s)
    + (SELECT COUNT(*) FROM {Hold._meta.db_table} h
            WHERE h.specialist_id = %(specialist)s AND h.status = %(held)s
              AND h.client_id <> %(client)s
              AND h.starts_at >= %(day_from)s AND h.starts_at < %(day_until)s),
    (SELECT h.id FROM {Hold._meta.db_table} h
            WHERE h.client_id = %(client)s AND h.specialist_id = %(specialist)s
              AND h.status = %(held)s),
    EXISTS (SELECT 1 FROM {WaitlistEntry._meta.db_table} w
            WHERE w.client_id = %(client)s AND w.specialist_id = %(specialist)s)
"""  # noqa: S608 (table names and a constant only; every value is a parameter)


def _facts(
    *,
    client: User,
    specialist: Specialist,
    window: slots.SlotWindow,
    now: datetime,
    moving: Consultation | None = None,
) -> _Facts:
    """Everything the rules need about the client and the slot's surroundings, in one round
    trip. Call it with the locks held: each statement then sees every booking committed
    before them (READ COMMITTED on PostgreSQL; the IMMEDIATE transaction on SQLite)."""
    moment = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _FACTS_SQL,
            {
                "client": client.pk,
                "email": client.email,
                "cancelled": Consultation.Status.CANCELLED.value,
                "confirmed": Consultation.Status.CONFIRMED.value,
                "by_client": Consultation.Party.CLIENT.value,
                "held": Hold.Status.HELD.value,
                "specialist": specialist.pk,
                "moving": moving.pk if moving else 0,
                "now": moment(now),
                "cancel_since": moment(now - CANCELLATION_WINDOW),
                "clash_from": moment(window.clash_from),
                "clash_until": moment(window.clash_until),
                "day_from": moment(window.day_from),
                "day_until": moment(window.day_until),
            },
        )
        (
            verified,
            with_specialist,
            upcoming,
            cancelled_before,
            clashes,
            day_bookings,
            own_hold,
            waiting,
        ) = cursor.fetchone()
    return _Facts(
        verified=bool(verified),
        with_specialist=bool(with_specialist),
        upcoming=upcoming,
        cancelled_before=_aware(cancelled_before),
        slot_clashes=bool(clashes),
        slot_day_bookings=day_bookings,
        own_hold=own_hold,
        waiting=bool(waiting),
    )


# The first statement of every change, written out because it runs on every booking.
_SPECIALIST_SQL = f"""
SELECT s.status, s.offers_free_consultation, s.next_free_slot_at, s.time_zone,
       b.buffer_minutes, b.notice_hours, b.horizon_days, b.daily_cap
FROM {Specialist._meta.db_table} s
LEFT JOIN {BookingSettings._meta.db_table} b ON b.specialist_id = s.id
WHERE s.id = %s
"""  # noqa: S608 (table names only; the value is a parameter)
_CLIENT_SQL = f"SELECT 1 FROM {User._meta.db_table} WHERE id = %s"  # noqa: S608


def _lock_specialist(specialist: Specialist) -> slots.Rules:
    """The first lock of every change: the specialist's row. Reads their state into
    `specialist` and returns their booking rules, both as committed now."""
    sql = _SPECIALIST_SQL
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [specialist.pk])
        row = cursor.fetchone()
    if row is None:
        raise BookingError(_("This specialist is not offering free consultations right now."))
    specialist.status, offers, next_free, specialist.time_zone, *rules = row
    specialist.offers_free_consultation = bool(offers)
    specialist.next_free_slot_at = _aware(next_free)
    buffer, notice, horizon, cap = rules
    if buffer is None:
        return slots.Rules()
    return slots.Rules.from_settings(
        BookingSettings(
            buffer_minutes=buffer, notice_hours=notice, horizon_days=horizon, daily_cap=cap
        )
    )


def _aware(moment: datetime | str | None) -> datetime | None:
    """A moment read by a written-out query: SQLite gives naive UTC, or text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def lock_specialists(*, ids: Iterable[int]) -> None:
    """The first locks of a change to several specialists' bookings at once (an erasure):
    their rows, in id order, so that it queues behind bookings and never deadlocks."""
    list(
        Specialist.objects.select_for_update()
        .filter(pk__in=set(ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _lock_client(client: User) -> None:
    """The second lock: one client's bookings queue, so their limits cannot be raced past."""
    sql = _CLIENT_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [client.pk])


def _check_slot(
    *,
    client: User,
    specialist: Specialist,
    starts_at: datetime,
    now: datetime,
    rules: slots.Rules | None = None,
    moving: Consultation | None = None,
    client_zone: str | None = None,
) -> tuple[slots.Calendar, _Facts]:
    """Every rule about a slot and the client, decided with the locks held (the caller took
    them, specialist then client); the specialist's hours as read now and the facts read,
    for what follows. Another client's live hold counts as a booking; the client's own
    never blocks them.

    A consultation being moved (`moving`) is left out of every count and clash. Messages
    name times in `client_zone`, the zone the client reads the site in.
    """
    if starts_at <= now:
        raise BookingError(_("That time has already passed. Please pick another."))
    # The hours as committed, never from the cache: an edit saved a moment ago counts.
    zone = local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
    stored = hours.read_hours(
        specialist=specialist,
        since=min(now, starts_at).astimezone(zone).date() - timedelta(1),
        rules=rules,
    )
    calendar = slots.Calendar(
        zone=zone, rules=stored.rules, weekly=stored.weekly, exceptions=stored.exceptions
    )
    window = slots.slot_window(calendar, starts_at=starts_at)
    facts = _facts(client=client, specialist=specialist, window=window, now=now, moving=moving)
    if moving is None:
        if not facts.verified:
            raise BookingError(_("Please verify your e-mail address before booking."))
        if facts.with_specialist:
            raise BookingError(_("You already have a free consultation with this specialist."))
        if facts.upcoming >= MAX_UPCOMING_PER_CLIENT:
            raise BookingError(
                _(
                    "You can have at most three upcoming free consultations. "
                    "Cancel one to book another."
                )
            )
        if facts.cancelled_before is not None:
            again = facts.cancelled_before + CANCELLATION_WINDOW
            reader = local_time.zone_named(client_zone) or zone
            raise BookingError(
                _(
                    "You have cancelled twice with this specialist in the last week, so you "
                    "can book with them again from %(date)s. You can still book with others."
                )
                % {"date": local_time.both(again, reader=reader, other=None)}
            )
    if not slots.offers_after_checks(
        calendar,
        starts_at=starts_at,
        now=now,
        clashes=facts.slot_clashes,
        day_bookings=facts.slot_day_bookings,
    ):
        raise BookingError(_("That time is no longer available. Please pick another."))
    return calendar, facts


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
    if specialist.owner_id == client.pk:
        raise BookingError(_("You cannot book a consultation with yourself."))
    if mode == Consultation.Mode.PHONE and not phone.strip():
        raise BookingError(_("Please give a phone number for a phone consultation."))
    if len(note) > NOTE_MAX_LENGTH:
        raise BookingError(_("Please keep the note to 500 characters."))
    rules = _lock_specialist(specialist)
    if not (specialist.is_listed and specialist.offers_free_consultation):
        raise BookingError(_("This specialist is not offering free consultations right now."))
    _lock_client(client)
    calendar, facts = _check_slot(
        client=client,
        specialist=specialist,
        starts_at=starts_at,
        now=now,
        rules=rules,
        client_zone=client_time_zone,
    )
    if facts.own_hold is not None:
        # The client's hold with this specialist ends: booked when this is its time, let
        # go (and so offered to the next person waiting) otherwise.
        Hold.objects.filter(pk=facts.own_hold).update(
            status=Case(
                When(starts_at=starts_at, then=Value(Hold.Status.BOOKED)),
                default=Value(Hold.Status.RELEASED),
            )
        )
    if facts.waiting:
        WaitlistEntry.objects.filter(client=client, specialist=specialist).delete()
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
    next_free.refresh_after_booking(
        specialist=specialist, now=now, booked=starts_at, calendar=calendar
    )
    notices.queue(consultation=consultation, kind=Notice.Kind.BOOKED, now=now)
    if facts.own_hold is not None:
        next_free.wake_waitlist(specialist=specialist, now=now)
    return consultation


@transaction.atomic
def hold(*, client: User, specialist: Specialist, starts_at: datetime, now: datetime) -> Hold:
    """Keep a free slot for one waiting client for HOLD_FOR, or raise BookingError.

    Decided exactly as a booking is (the same locks, then every rule of `book`), so a hold
    is only ever made where the client could book. Until it is settled nobody else sees
    the slot or can book it; the database refuses a hold over a booking and the reverse.
    Its e-mail goes out through the notice outbox at once.
    """
    if specialist.owner_id == client.pk:
        raise BookingError(_("You cannot book a consultation with yourself."))
    rules = _lock_specialist(specialist)
    if not (specialist.is_listed and specialist.offers_free_consultation):
        raise BookingError(_("This specialist is not offering free consultations right now."))
    _lock_client(client)
    _check_slot(client=client, specialist=specialist, starts_at=starts_at, now=now, rules=rules)
    try:
        with transaction.atomic():
            held = Hold.objects.create(
                specialist=specialist,
                client=client,
                starts_at=starts_at,
                ends_at=starts_at + SLOT,
                created_at=now,
                expires_at=now + HOLD_FOR,
            )
    except IntegrityError:
        raise _taken() from None
    notices.queue_hold(hold=held, now=now)
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return held


def _lock(consultation: Consultation, *, client: bool = False) -> Consultation:
    """Lock in the one order: the specialist, (the client,) then the consultation."""
    _lock_specialist(consultation.specialist)
    if client:
        _lock_client(consultation.client)
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

    Its reminders move with it. Raises BookingError when the new time is not bookable
    or was just taken, or the consultation can no longer be changed.
    """
    locked = _lock(consultation, client=True)
    refusal = parties.change_refusal(consultation=locked, by=by, now=now)
    party = parties.party_of(consultation=locked, user=by)
    if refusal is not None or party is None:  # no side, no change: refusal says so
        raise BookingError(refusal)
    if starts_at == locked.starts_at:
        raise BookingError(_("That is the time already booked. Please pick another."))
    _check_slot(
        client=locked.client,
        specialist=locked.specialist,
        starts_at=starts_at,
        now=now,
        moving=locked,
    )
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
