"""Holds: a free time kept for one waiting client for a few minutes (see bookings.waitlist).

A hold is decided exactly as a booking is, under the same locks and rules
(bookings.booking_rules); until it is settled nobody else sees the time or can book it.
A client who has a consultation with the specialist is held only times before it, and
taking the held time moves that consultation (bookings.booking.reschedule).
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings import booking_rules, next_free, notices, parties
from bookings.booking_rules import BookingError, Facts
from bookings.models import Consultation, Hold, WaitlistEntry
from bookings.slots import SLOT
from directory.models import Specialist, User

# How long a slot freed for a waiting client is kept for them alone.
HOLD_FOR = timedelta(minutes=15)


@transaction.atomic
def hold(*, client: User, specialist: Specialist, starts_at: datetime, now: datetime) -> Hold:
    """Keep a free slot for one waiting client for HOLD_FOR, or raise BookingError.

    Decided exactly as a booking is (the same locks, then every rule of `book`), so a hold
    is only ever made where the client could book. For a client who may still move their
    consultation with the specialist it is decided as that move (`reschedule`'s rules) and
    must end by the consultation's start: an earlier time, clear of it. Until it is settled
    nobody else sees the slot or can book it; the database refuses a hold over a booking
    and the reverse. Its e-mail goes out through the notice outbox at once.
    """
    rules = booking_rules.lock_pair(client=client, specialist=specialist)
    # Read after the specialist's lock, which every change to the consultation takes first.
    moving = parties.movable_consultation(client=client, specialist=specialist, now=now)
    if moving is not None and starts_at + SLOT > moving.starts_at:
        raise BookingError(_("That time is not earlier than your consultation."))
    booking_rules.check_slot(
        client=client,
        specialist=specialist,
        starts_at=starts_at,
        now=now,
        rules=rules,
        moving=moving,
    )
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
        raise booking_rules.taken() from None
    notices.queue_hold(hold=held, now=now)
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return held


def _end_own(facts: Facts, *, starts_at: datetime) -> bool:
    """End the client's live hold with the specialist, if any: booked when `starts_at` is its
    time, let go (and so offered to the next person waiting) otherwise. Whether it was
    booked. Called before the consultation is written: the database refuses a consultation
    over a live hold, its holder's included."""
    if facts.own_hold is None:
        return False
    held = Hold.objects.filter(pk=facts.own_hold, status=Hold.Status.HELD)
    if held.filter(starts_at=starts_at).update(status=Hold.Status.BOOKED):
        return True
    held.update(status=Hold.Status.RELEASED)
    return False


def settle_on_booking(
    *, client: User, specialist: Specialist, facts: Facts, starts_at: datetime
) -> None:
    """A booking ends the client's hold with the specialist and their wait for them."""
    _end_own(facts, starts_at=starts_at)
    if facts.waiting:
        WaitlistEntry.objects.filter(client=client, specialist=specialist).delete()


def settle_on_move(*, consultation: Consultation, facts: Facts, starts_at: datetime) -> None:
    """A move of the client's consultation ends their hold with the specialist the same way.
    A move to the held time ends their wait too; after any other they wait for a time
    before the new one."""
    took = _end_own(facts, starts_at=starts_at)
    if facts.waiting:
        waiting = WaitlistEntry.objects.filter(
            client_id=consultation.client_id, specialist_id=consultation.specialist_id
        )
        if took:
            waiting.delete()
        else:
            waiting.update(before=starts_at)
