"""Every booking rule, with another request between its read and its write.

Each scenario runs a first change inside a transaction that stays open (it holds its locks,
its write not yet committed) while a second request starts on its own connection; then the
first commits and the second finishes. The rule must hold for the second, whichever
database runs it. test_rule_races.py runs them in-process on PostgreSQL and, for SQLite,
in a subprocess on a real file (`python -m tests.bookings.rule_races`), which prints one
JSON line per scenario.
"""

import json
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import time, timedelta

if __name__ == "__main__":
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()

from django.db import connection, transaction
from django.utils import timezone

from bookings import (
    availability,
    booking,
    booking_rules,
    holds,
    hours,
    time_off,
    waitlist,
    weekly_hours,
)
from bookings.models import Consultation, Hold
from directory import local_time
from privacy import erasure
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory

# How long the second request is given to get past the first's locks; it must still wait.
HOLD_SECONDS = 0.6


@dataclass
class Outcome:
    first: str
    second: str
    second_waited: bool
    expected: str  # what the second must have been told

    @property
    def rule_held(self) -> bool:
        return self.first == "done" and self.expected in self.second


def _run(action: Callable[[], object]) -> str:
    try:
        action()
    except (booking.BookingError, waitlist.WaitlistError) as error:
        return f"refused: {error}"
    except Exception as error:
        return f"error: {type(error).__name__}: {error}"
    return "done"


def held_then(first: Callable[[], object], second: Callable[[], object]) -> tuple[str, str, bool]:
    """Run `first` in a transaction kept open while `second` runs; then commit the first."""
    holding, release = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                results["first"] = _run(first)
                holding.set()
                release.wait(timeout=30)
        finally:
            holding.set()
            connection.close()

    def run_second() -> None:
        try:
            results["second"] = _run(second)
        finally:
            connection.close()

    first_thread = threading.Thread(target=run_first)
    first_thread.start()
    holding.wait(timeout=30)
    second_thread = threading.Thread(target=run_second)
    second_thread.start()
    second_thread.join(timeout=HOLD_SECONDS)
    waited = second_thread.is_alive()
    release.set()
    first_thread.join(timeout=60)
    second_thread.join(timeout=60)
    return results.get("first", "error: no result"), results.get("second", "error: none"), waited


def _specialist(**rules: object):
    specialist = SpecialistFactory()
    open_hours(specialist, starts=time(9), ends=time(17))
    if rules:
        settings = hours.settings_for(specialist=specialist)
        for name, value in rules.items():
            setattr(settings, name, value)
        settings.save()
    return specialist


def _book(client, specialist, starts_at) -> Callable[[], Consultation]:
    return lambda: booking.book(
        client=client, specialist=specialist, starts_at=starts_at, mode="video", now=timezone.now()
    )


def _same_day_slots(specialist, count: int):
    found = availability.slots_for(
        specialist=specialist,
        now=timezone.now(),
        starts=timezone.now() + timedelta(days=2),
        ends=timezone.now() + timedelta(days=9),
    )
    day = found[0].starts_at.date()
    return [slot for slot in found if slot.starts_at.date() == day][:count]


def daily_cap() -> Outcome:
    specialist = _specialist(daily_cap=1)
    first_slot, *_, last_slot = _same_day_slots(specialist, 6)
    first, second, waited = held_then(
        _book(UserFactory(), specialist, first_slot.starts_at),
        _book(UserFactory(), specialist, last_slot.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def buffer() -> Outcome:
    specialist = _specialist(buffer_minutes=30)
    slot_one, slot_two = _same_day_slots(specialist, 2)
    first, second, waited = held_then(
        _book(UserFactory(), specialist, slot_one.starts_at),
        _book(UserFactory(), specialist, slot_two.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def upcoming_limit() -> Outcome:
    client = UserFactory()
    for _ in range(booking_rules.MAX_UPCOMING_PER_CLIENT - 1):
        other = _specialist()
        _book(client, other, free_slot(other).starts_at)()
    third, fourth = _specialist(), _specialist()
    first, second, waited = held_then(
        _book(client, third, free_slot(third).starts_at),
        _book(client, fourth, free_slot(fourth).starts_at),
    )
    return Outcome(first, second, waited, expected="at most three")


def one_per_client_and_specialist() -> Outcome:
    client, specialist = UserFactory(), _specialist()
    first, second, waited = held_then(
        _book(client, specialist, free_slot(specialist, index=0).starts_at),
        _book(client, specialist, free_slot(specialist, index=5).starts_at),
    )
    return Outcome(first, second, waited, expected="already have a free consultation")


def reschedule_then_book() -> Outcome:
    specialist = _specialist()
    moving = _book(UserFactory(), specialist, free_slot(specialist, index=0).starts_at)()
    target = free_slot(specialist, index=4).starts_at
    first, second, waited = held_then(
        lambda: booking.reschedule(
            consultation=moving, by=moving.client, starts_at=target, now=timezone.now()
        ),
        _book(UserFactory(), specialist, target),
    )
    return Outcome(first, second, waited, expected="no longer available")


def book_then_reschedule() -> Outcome:
    specialist = _specialist()
    moving = _book(UserFactory(), specialist, free_slot(specialist, index=0).starts_at)()
    target = free_slot(specialist, index=4).starts_at
    first, second, waited = held_then(
        _book(UserFactory(), specialist, target),
        lambda: booking.reschedule(
            consultation=moving, by=moving.client, starts_at=target, now=timezone.now()
        ),
    )
    return Outcome(first, second, waited, expected="no longer available")


def hours_removed() -> Outcome:
    specialist = _specialist()
    slot = free_slot(specialist)
    first, second, waited = held_then(
        lambda: weekly_hours.set_weekly_hours(specialist=specialist, ranges=[], now=timezone.now()),
        _book(UserFactory(), specialist, slot.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def time_off_added() -> Outcome:
    specialist = _specialist()
    slot = free_slot(specialist)
    day = slot.starts_at.astimezone(local_time.zone_named(specialist.time_zone)).date()
    first, second, waited = held_then(
        lambda: time_off.add_exception(
            specialist=specialist, day=day, kind="off", starts=None, ends=None, now=timezone.now()
        ),
        _book(UserFactory(), specialist, slot.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def cancel_twice_then_book() -> Outcome:
    client, specialist = UserFactory(), _specialist()
    earlier = _book(client, specialist, free_slot(specialist, index=0).starts_at)()
    booking.cancel(consultation=earlier, by=client, now=timezone.now())
    again = _book(client, specialist, free_slot(specialist, index=2).starts_at)()
    first, second, waited = held_then(
        lambda: booking.cancel(consultation=again, by=client, now=timezone.now()),
        _book(client, specialist, free_slot(specialist, index=6).starts_at),
    )
    return Outcome(first, second, waited, expected="cancelled twice")


def _hold(client, specialist, starts_at) -> Callable[[], object]:
    return lambda: holds.hold(
        client=client, specialist=specialist, starts_at=starts_at, now=timezone.now()
    )


def hold_then_book() -> Outcome:
    specialist = _specialist()
    slot = free_slot(specialist)
    first, second, waited = held_then(
        _hold(UserFactory(), specialist, slot.starts_at),
        _book(UserFactory(), specialist, slot.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def book_then_hold() -> Outcome:
    specialist = _specialist()
    slot = free_slot(specialist)
    first, second, waited = held_then(
        _book(UserFactory(), specialist, slot.starts_at),
        _hold(UserFactory(), specialist, slot.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def hold_then_hold() -> Outcome:
    specialist = _specialist(buffer_minutes=30)
    slot_one, slot_two = _same_day_slots(specialist, 2)
    first, second, waited = held_then(
        _hold(UserFactory(), specialist, slot_one.starts_at),
        _hold(UserFactory(), specialist, slot_two.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def _mover_with_hold(specialist) -> tuple[Consultation, object]:
    """A client's consultation and an earlier time held for them from the waitlist."""
    earlier, booked_at = free_slot(specialist, index=0), free_slot(specialist, index=6)
    moving = _book(UserFactory(), specialist, booked_at.starts_at)()
    held = holds.hold(
        client=moving.client, specialist=specialist, starts_at=earlier.starts_at, now=timezone.now()
    )
    return moving, held


def _move_to_hold(moving, held) -> Callable[[], object]:
    return lambda: waitlist.move_to_hold(hold=held, client=moving.client, now=timezone.now())


def move_to_hold_then_book() -> Outcome:
    specialist = _specialist()
    moving, held = _mover_with_hold(specialist)
    first, second, waited = held_then(
        _move_to_hold(moving, held),
        _book(UserFactory(), specialist, held.starts_at),
    )
    return Outcome(first, second, waited, expected="no longer available")


def move_to_hold_then_hold_the_freed_time() -> Outcome:
    specialist = _specialist()
    moving, held = _mover_with_hold(specialist)
    next_client = UserFactory()
    first, second, waited = held_then(
        _move_to_hold(moving, held),
        _hold(next_client, specialist, moving.starts_at),
    )
    handed_on = Hold.objects.filter(client=next_client, starts_at=moving.starts_at).exists()
    moved = Consultation.objects.filter(client=moving.client).active().get().starts_at
    right = handed_on and moved == held.starts_at
    return Outcome(first, second if right else f"{second}, but not handed on", waited, "done")


def cancel_then_move_to_hold() -> Outcome:
    specialist = _specialist()
    moving, held = _mover_with_hold(specialist)
    first, second, waited = held_then(
        lambda: booking.cancel(consultation=moving, by=specialist.owner, now=timezone.now()),
        _move_to_hold(moving, held),
    )
    return Outcome(first, second, waited, expected="no longer active")


def waitlist_limit() -> Outcome:
    client = UserFactory()
    for _ in range(waitlist.MAX_WAITLISTS_PER_CLIENT - 1):
        waitlist.join(client=client, specialist=_specialist(), now=timezone.now())
    third, fourth = _specialist(), _specialist()
    first, second, waited = held_then(
        lambda: waitlist.join(client=client, specialist=third, now=timezone.now()),
        lambda: waitlist.join(client=client, specialist=fourth, now=timezone.now()),
    )
    return Outcome(first, second, waited, expected="at most three")


def booking_then_erasure() -> Outcome:
    client, specialist = UserFactory(), _specialist()
    first, second, waited = held_then(
        _book(client, specialist, free_slot(specialist).starts_at),
        lambda: erasure.erase_account(user=client, now=timezone.now()),
    )
    cancelled = not Consultation.objects.filter(client=client).active().exists()
    return Outcome(first, second if cancelled else "booking survived", waited, expected="done")


def erasure_then_booking() -> Outcome:
    client, specialist = UserFactory(), _specialist()
    first, second, waited = held_then(
        lambda: erasure.erase_account(user=client, now=timezone.now()),
        _book(client, specialist, free_slot(specialist).starts_at),
    )
    return Outcome(first, second, waited, expected="verify your e-mail")


def mixed_changes(*, people: int = 8) -> list[str]:
    """Bookings, reschedules and cancellations of two specialists, all at once; how each
    ended. Locks are always taken in one order, so none may end in a deadlock."""
    specialists = [_specialist(), _specialist()]
    clients = [UserFactory() for _ in range(people)]
    booked = [
        _book(client, specialists[i % 2], free_slot(specialists[i % 2], index=i).starts_at)()
        for i, client in enumerate(clients)
    ]
    barrier = threading.Barrier(people * 2)
    outcomes: list[str] = []

    def change(i: int, kind: str) -> None:
        barrier.wait()
        consultation, specialist = booked[i], specialists[i % 2]
        if kind == "move":
            target = free_slot(specialist, index=people + i).starts_at
            outcome = _run(
                lambda: booking.reschedule(
                    consultation=consultation,
                    by=consultation.client,
                    starts_at=target,
                    now=timezone.now(),
                )
            )
        else:
            outcome = _run(
                lambda: booking.cancel(
                    consultation=consultation, by=specialist.owner, now=timezone.now()
                )
            )
        outcomes.append(outcome)
        connection.close()

    threads = [
        threading.Thread(target=change, args=(i, kind))
        for i in range(people)
        for kind in ("move", "cancel")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


SCENARIOS: dict[str, Callable[[], Outcome]] = {
    "daily cap": daily_cap,
    "buffer": buffer,
    "at most three upcoming": upcoming_limit,
    "one per client and specialist": one_per_client_and_specialist,
    "reschedule, then a booking of the same slot": reschedule_then_book,
    "a booking, then a reschedule to the same slot": book_then_reschedule,
    "weekly hours removed": hours_removed,
    "time off added": time_off_added,
    "cancelled twice, then a booking": cancel_twice_then_book,
    "a booking, then the client's account erased": booking_then_erasure,
    "an account erased, then its booking": erasure_then_booking,
    "a hold, then another client's booking of the held slot": hold_then_book,
    "a booking, then a hold of the same slot": book_then_hold,
    "a hold, then another hold within the buffer": hold_then_hold,
    "at most three waitlists": waitlist_limit,
    "a move to a held time, then another client's booking of it": move_to_hold_then_book,
    "a move to a held time, then a hold of the time it freed": (
        move_to_hold_then_hold_the_freed_time
    ),
    "a consultation cancelled, then its move to a held time": cancel_then_move_to_hold,
}


def main() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    for name, scenario in SCENARIOS.items():
        print(json.dumps({"scenario": name, **asdict(scenario())}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
