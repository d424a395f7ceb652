"""Holds: a free time kept for one waiting client for a few minutes (see bookings.waitlist).

A hold is decided exactly as a booking is, under the same locks and rules
(bookings.booking_rules); until it is settled nobody else sees the time or can book it.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from bookings import booking_rules, next_free, notices
from bookings.models import Hold
from bookings.slots import SLOT
from directory.models import Specialist, User

# How long a slot freed for a waiting client is kept for them alone.
HOLD_FOR = timedelta(minutes=15)


@transaction.atomic
def hold(*, client: User, specialist: Specialist, starts_at: datetime, now: datetime) -> Hold:
    """Keep a free slot for one waiting client for HOLD_FOR, or raise BookingError.

    Decided exactly as a booking is (the same locks, then every rule of `book`), so a hold
    is only ever made where the client could book. Until it is settled nobody else sees
    the slot or can book it; the database refuses a hold over a booking and the reverse.
    Its e-mail goes out through the notice outbox at once.
    """
    rules = booking_rules.lock_pair(client=client, specialist=specialist)
    booking_rules.check_slot(
        client=client, specialist=specialist, starts_at=starts_at, now=now, rules=rules
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
