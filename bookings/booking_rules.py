"""Every booking rule, decided under the one lock order of every change to bookings.

A change takes the specialist's row, then the client's (then the consultation's: see
bookings.booking), and only then reads what the rules need, so simultaneous requests
cannot slip past one. The database is the real guard against double booking (see
bookings.models); these checks give a clear message first, as BookingError, whose message
is safe to show. Booking, moving and holding a time (bookings.booking, bookings.holds) all
decide here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection
from django.utils.translation import gettext as _

from bookings import hours, slots
from bookings.models import BookingSettings, BusyTime, Consultation, Hold, WaitlistEntry
from directory import local_time
from directory.models import Specialist, User

MAX_UPCOMING_PER_CLIENT = 3
# Fair use: a client who cancels this often with one specialist within the window waits
# until the window has passed before booking with them again.
CANCELLATIONS_ALLOWED = 2
CANCELLATION_WINDOW = timedelta(days=7)


class BookingError(Exception):
    """A booking rule was broken; the message is safe to show to the person."""


def taken() -> BookingError:
    return BookingError(_("Someone has just booked that time. Please pick another."))


def integrity_error(error: IntegrityError) -> BookingError:
    if "one_free_per_client_and_specialist" in str(error):
        return BookingError(_("You already have a free consultation with this specialist."))
    return taken()


@dataclass(frozen=True)
class Facts:
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
) -> Facts:
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
    return Facts(
        verified=bool(verified),
        with_specialist=bool(with_specialist),
        upcoming=upcoming,
        cancelled_before=local_time.from_written_query(cancelled_before),
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


def lock_specialist(specialist: Specialist) -> slots.Rules:
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
    specialist.next_free_slot_at = local_time.from_written_query(next_free)
    buffer, notice, horizon, cap = rules
    if buffer is None:
        return slots.Rules()
    return slots.Rules.from_values(
        buffer_minutes=buffer, notice_hours=notice, horizon_days=horizon, daily_cap=cap
    )


def lock_specialists(*, ids: Iterable[int]) -> None:
    """The first locks of a change to several specialists' bookings at once (an erasure):
    their rows, in id order, so that it queues behind bookings and never deadlocks."""
    list(
        Specialist.objects.select_for_update()
        .filter(pk__in=set(ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lock_client(client: User) -> None:
    """The second lock: one client's bookings queue, so their limits cannot be raced past."""
    sql = _CLIENT_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [client.pk])


def lock_pair(*, client: User, specialist: Specialist) -> slots.Rules:
    """The locks of a new booking or hold, the specialist's then the client's, after the
    checks that need none: not the specialist themself, and one who offers free
    consultations (as committed). Returns the specialist's booking rules."""
    if specialist.owner_id == client.pk:
        raise BookingError(_("You cannot book a consultation with yourself."))
    rules = lock_specialist(specialist)
    if not (specialist.is_listed and specialist.offers_free_consultation):
        raise BookingError(_("This specialist is not offering free consultations right now."))
    lock_client(client)
    return rules


def check_slot(
    *,
    client: User,
    specialist: Specialist,
    starts_at: datetime,
    now: datetime,
    rules: slots.Rules | None = None,
    moving: Consultation | None = None,
    client_zone: str | None = None,
) -> tuple[slots.Calendar, Facts]:
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
