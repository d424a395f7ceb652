"""The waitlist: clients waiting for an earlier free consultation with one specialist.

When a slot opens (a consultation cancelled or moved, hours added, time off or a busy time
removed), the first waiting client for whom it is early enough gets it held for
holds.HOLD_FOR and an e-mail. The hold is made by `holds.hold`, under the same locks
and rules as a booking; until it is settled nobody else sees the slot or can book it.
A client who has a consultation with the specialist waits for a time before it, and
taking the held time moves it (`move_to_hold`).
Beat runs `sweep` every few seconds: it settles the holds that ran out (the slot goes to
the next waiting client, or back to everyone) and looks for a slot for each entry that is
due, entries being woken by every change that may free one (`next_free.wake_waitlist`)
and looked at every RECHECK anyway, as the horizon moves with the clock.
"""

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from bookings import availability, booking, holds, hours, next_free, parties
from bookings.models import Consultation, Hold, WaitlistEntry
from bookings.slots import Slot
from directory.models import Specialist, User

MAX_WAITLISTS_PER_CLIENT = 3
RECHECK = timedelta(minutes=15)
SWEEP_BATCH = 200


class WaitlistError(Exception):
    """A waitlist rule was broken; the message is safe to show."""


@transaction.atomic
def join(*, client: User, specialist: Specialist, now: datetime) -> WaitlistEntry:
    """Put the client on the specialist's waitlist, or raise WaitlistError.

    They are offered only times earlier than the first one the specialist offers now (any
    time within the horizon when there is none) or, when they have a consultation with the
    specialist that they may still move, times before it (taking one moves it). Not after
    their free consultation with the specialist has begun: it is once per specialist. At
    most MAX_WAITLISTS_PER_CLIENT, counted under the client's row lock, so simultaneous
    joins cannot pass it.
    """
    if specialist.owner_id == client.pk:
        raise WaitlistError(_("You cannot wait for a consultation with yourself."))
    if not (specialist.is_listed and specialist.offers_free_consultation):
        raise WaitlistError(_("This specialist is not offering free consultations right now."))
    User.objects.select_for_update().filter(pk=client.pk).values_list("pk").first()
    if not EmailAddress.objects.filter(
        user=client, verified=True, email__iexact=client.email
    ).exists():
        raise WaitlistError(_("Please verify your e-mail address before joining a waitlist."))
    booked = Consultation.objects.active().filter(client=client, specialist=specialist).first()
    if booked is not None and not parties.can_change(consultation=booked, by=client, now=now):
        raise WaitlistError(_("You already have a free consultation with this specialist."))
    mine = WaitlistEntry.objects.filter(client=client)
    if mine.filter(specialist=specialist).exists():
        raise WaitlistError(_("You are already on this waitlist."))
    if mine.count() >= MAX_WAITLISTS_PER_CLIENT:
        raise WaitlistError(
            _("You can wait for at most three specialists. Leave a waitlist to join another.")
        )
    if booked is not None:
        before: datetime | None = booked.starts_at
    else:
        first = next_free.next_free_slot(specialist=specialist, now=now, since=now)
        before = first.starts_at if first else None
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                client=client,
                specialist=specialist,
                created_at=now,
                before=before,
                due_at=now + RECHECK,
            )
    except IntegrityError:
        raise WaitlistError(_("You are already on this waitlist.")) from None


@transaction.atomic
def leave(*, client: User, specialist: Specialist, now: datetime) -> bool:
    """Take the client off the specialist's waitlist and let go of a time held for them;
    False when they were not on it."""
    hours.lock_specialist(specialist=specialist)
    _let_go(Hold.objects.filter(client=client, specialist=specialist), specialist, now)
    deleted, _by_model = WaitlistEntry.objects.filter(client=client, specialist=specialist).delete()
    return bool(deleted)


@transaction.atomic
def let_go(*, hold: Hold, client: User, now: datetime) -> bool:
    """The holder does not want the time: it goes to the next waiting client at once.
    False when the hold is not theirs or has already ended."""
    hours.lock_specialist(specialist=hold.specialist)
    return _let_go(Hold.objects.filter(pk=hold.pk, client=client), hold.specialist, now)


def _let_go(holds, specialist: Specialist, now: datetime) -> bool:  # type: ignore[no-untyped-def]
    released = holds.filter(status=Hold.Status.HELD).update(status=Hold.Status.RELEASED)
    if released:
        next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return bool(released)


def move_to_hold(*, hold: Hold, client: User, now: datetime) -> Consultation:
    """Move the client's consultation with the hold's specialist to the time held for them,
    or raise BookingError. It is `booking.reschedule`, with its locks and rules: one
    consultation at the new time, the hold booked and the wait over, the old time free for
    the next person waiting, and both sides told it moved."""
    moving = parties.movable_consultation(client=client, specialist=hold.specialist, now=now)
    if moving is None:
        raise booking.BookingError(_("You have no upcoming consultation with them to move."))
    return booking.reschedule(consultation=moving, by=client, starts_at=hold.starts_at, now=now)


def live_hold(*, hold: Hold, now: datetime) -> bool:
    """Whether its holder may still book it."""
    return hold.status == Hold.Status.HELD and hold.expires_at > now


@transaction.atomic
def expire(*, specialist: Specialist, now: datetime) -> int:
    """End the specialist's holds that have run out; their slots are free again (and so
    offered to the next waiting client by `offer`)."""
    hours.lock_specialist(specialist=specialist)
    expired = Hold.objects.filter(
        specialist=specialist, status=Hold.Status.HELD, expires_at__lte=now
    ).update(status=Hold.Status.EXPIRED)
    if expired:
        next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return expired


def offer(*, specialist: Specialist, now: datetime) -> list[Hold]:
    """Hold a free slot for each waiting client, first come first served, who has none held
    with this specialist: the earliest one before their `before` (for a client with a
    consultation to move, one that ends by its start), not one they already had held.
    Read without locks; each hold is decided by `holds.hold` under them, and a client whom
    the rules refuse (three upcoming, say) is passed over."""
    holding = Hold.objects.filter(
        client=OuterRef("client"), specialist=specialist, status=Hold.Status.HELD
    )
    waiting = list(
        WaitlistEntry.objects.filter(specialist=specialist)
        .filter(~Exists(holding))
        .select_related("client")
        .order_by("created_at", "pk")
    )
    moving = _movable(waiting, specialist=specialist, now=now)
    made: list[Hold] = []
    free: list[Slot] | None = None
    for entry in waiting:
        booked = moving.get(entry.client_id)
        if booked is not None:
            candidates = _earlier_than(booked, specialist=specialist, now=now)
        else:
            if free is None:
                free = availability.slots_for(
                    specialist=specialist, now=now, starts=now, ends=now + timedelta(days=366)
                )
            candidates = [s for s in free if entry.before is None or s.starts_at < entry.before]
        if not candidates:
            continue
        had = set(
            Hold.objects.filter(client=entry.client, specialist=specialist).values_list(
                "starts_at", flat=True
            )
        )
        slot = next((s for s in candidates if s.starts_at not in had), None)
        if slot is None:
            continue
        try:
            made.append(
                holds.hold(
                    client=entry.client, specialist=specialist, starts_at=slot.starts_at, now=now
                )
            )
        except booking.BookingError:
            continue
        free = None  # a hold takes its slot and perhaps its neighbours: read again
    return made


def _movable(
    entries: list[WaitlistEntry], *, specialist: Specialist, now: datetime
) -> dict[int, Consultation]:
    """The consultations with the specialist that the waiting clients may still move, by
    client, in one query."""
    if not entries:
        return {}
    clients = {entry.client_id: entry.client for entry in entries}
    booked = Consultation.objects.active().filter(specialist=specialist, client_id__in=clients)
    return {
        consultation.client_id: consultation
        for consultation in booked
        if parties.can_change(
            consultation=consultation, by=clients[consultation.client_id], now=now
        )
    }


def _earlier_than(
    consultation: Consultation, *, specialist: Specialist, now: datetime
) -> list[Slot]:
    """The free slots a consultation could move to that end by its start: read with the
    consultation left out, so the times its buffer keeps from others count."""
    starts_at = consultation.starts_at
    found = availability.slots_for(
        specialist=specialist,
        now=now,
        starts=now,
        ends=starts_at,
        ignore=(starts_at, consultation.ends_at),
    )
    return [slot for slot in found if slot.ends_at <= starts_at]


def sweep(*, now: datetime, batch: int = SWEEP_BATCH) -> int:
    """Settle the specialists whose holds ran out or whose waiting clients are due; the
    number of holds made. Each due entry is claimed with a conditional UPDATE (its next
    look moved RECHECK ahead), so two sweeps never look at one specialist together for it;
    the specialist's lock orders whatever else runs."""
    ran_out = Hold.objects.filter(status=Hold.Status.HELD, expires_at__lte=now).order_by()
    ids = set(ran_out.values_list("specialist_id", flat=True).distinct()[:batch])
    due = (
        WaitlistEntry.objects.filter(due_at__lte=now)
        .order_by()
        .values_list("specialist_id", flat=True)
        .distinct()
    )
    ids |= set(due[:batch])
    made = 0
    for specialist in Specialist.objects.filter(pk__in=ids).order_by("pk"):
        # A wait for a time before a moment that has passed can never be met, so it ends:
        # the consultation it was to bring forward has begun, or the first free time at
        # joining went by.
        WaitlistEntry.objects.filter(specialist=specialist, before__lte=now).delete()
        claimed = WaitlistEntry.objects.filter(specialist=specialist, due_at__lte=now).update(
            due_at=now + RECHECK
        )
        expired = expire(specialist=specialist, now=now)
        if claimed or expired:
            made += len(offer(specialist=specialist, now=now))
    return made


def entry_of(
    *, client: User | AnonymousUser, specialist: Specialist, now: datetime
) -> WaitlistEntry | None:
    """The client's place on the specialist's waitlist with the time held for them (or None)
    as `live`, or None: shown where they could join."""
    if not client.is_authenticated:
        return None
    entry = WaitlistEntry.objects.filter(client=client, specialist=specialist).first()
    if entry is not None:
        held = _live_holds(client=client, now=now).filter(specialist=specialist)
        entry.live = held.first()  # type: ignore[attr-defined]
    return entry


def entries_of(*, client: User, now: datetime) -> list[WaitlistEntry]:
    """The client's waitlists, each with its live hold (or None) as `live`, for their page."""
    entries = list(
        WaitlistEntry.objects.filter(client=client).select_related("specialist").order_by("pk")
    )
    live = {hold.specialist_id: hold for hold in _live_holds(client=client, now=now)}
    for entry in entries:
        entry.live = live.get(entry.specialist_id)  # type: ignore[attr-defined]
    return entries


def _live_holds(*, client: User, now: datetime) -> "QuerySet[Hold]":
    """The client's holds they may still book (`live_hold`): one that ran out is not offered
    while the sweep has yet to settle it."""
    return Hold.objects.filter(client=client, status=Hold.Status.HELD, expires_at__gt=now)
