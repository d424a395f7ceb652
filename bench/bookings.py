"""Bookings: slots for 14 days, the next free slot for a page of cards, booking per second
through the domain function, and the full HTTP POST of a booking.

Runs on whatever database bench.settings uses (DATABASE_URL, else var/bench.sqlite3); the
data it makes is its own (e-mail addresses @bench-bookings.example) and is replaced each run.
"""

import itertools
import statistics
import time as clock
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.harness import Context, Figure, measure
from bookings import availability, booking, hours, next_free, slots
from bookings.forms import slot_value
from bookings.models import AvailabilityException, BookingSettings, Consultation, WeeklyHours
from directory.models import Specialist, User

DOMAIN = "bench-bookings.example"


def _clean() -> None:
    Specialist.objects.filter(owner__email__endswith=f"@{DOMAIN}").delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _specialist(name: str, *, hours: tuple[time, time]) -> Specialist:
    owner = User.objects.create(email=f"{name}@{DOMAIN}", role=User.Role.SPECIALIST)
    specialist = Specialist.objects.create(
        owner=owner,
        slug=f"bench-{name}",
        name=f"Bench {name}",
        titles="Psychotherapist",
        status=Specialist.Status.PUBLISHED,
        time_zone="America/Toronto",
        meeting_link="https://meet.example/bench",
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=day, starts=hours[0], ends=hours[1])
        for day in range(7)
    )
    return specialist


def _clients(count: int, prefix: str) -> list[User]:
    password = make_password("bench-pass")
    users = User.objects.bulk_create(
        User(email=f"{prefix}{i}@{DOMAIN}", password=password) for i in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    return users


def _slots_figures(ctx: Context) -> None:
    specialist = _specialist("slots", hours=(time(9), time(17)))
    BookingSettings.objects.create(specialist=specialist, buffer_minutes=10)
    now = timezone.now()
    today = now.date()
    AvailabilityException.objects.create(
        specialist=specialist, date=today + timedelta(days=4), kind="off"
    )
    AvailabilityException.objects.create(
        specialist=specialist,
        date=today + timedelta(days=6),
        kind="off",
        starts=time(12),
        ends=time(14),
    )
    offsets = (1, 2, 3, 5, 7, 8, 9, 10, 11, 12)  # day 4 is the day off
    # The first free slot from each offset on: a day's window can be empty late in the
    # specialist's day when the next day is the day off, so look on to the next free one.
    free = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + timedelta(days=14)
    )
    taken: set[datetime] = set()
    for offset, client in zip(offsets, _clients(len(offsets), "slots-client"), strict=True):
        slot = next(
            s
            for s in free
            if s.starts_at >= now + timedelta(days=offset) and s.starts_at not in taken
        )
        taken.add(slot.starts_at)
        Consultation.objects.create(
            specialist=specialist, client=client, starts_at=slot.starts_at, ends_at=slot.ends_at
        )

    # As a caller that did not load the settings with the specialist: three queries.
    specialist = Specialist.objects.get(pk=specialist.pk)

    def slots_14_days() -> None:
        moment = timezone.now()
        availability.slots_for(
            specialist=specialist, now=moment, starts=moment, ends=moment + timedelta(days=14)
        )

    ctx.add_timing(
        "slots for 14 days, one specialist (with bookings, buffer, time off)",
        measure(slots_14_days, repeats=300),
    )

    def slots_14_days_uncached() -> None:
        hours.hours_changed(specialist=specialist)  # the cost of a delete included
        slots_14_days()

    ctx.add_timing(
        "slots for 14 days, hours not in the cache",
        measure(slots_14_days_uncached, repeats=300),
    )

    cards = [_specialist(f"card{i}", hours=(time(10), time(16))) for i in range(20)]
    ids = [card.pk for card in cards]

    def next_free_for_cards() -> None:
        moment = timezone.now()
        calendars = availability.load_calendars(specialist_ids=ids, now=moment)
        for calendar in calendars.values():
            slots.first_slot(calendar, now=moment)

    ctx.add_timing(
        "next free slot computed live for 20 search cards",
        measure(next_free_for_cards, repeats=100),
    )


def _booking_rate(ctx: Context) -> None:
    specialist = _specialist("rate", hours=(time(0), time(0)))
    BookingSettings.objects.create(specialist=specialist, notice_hours=1, horizon_days=60)
    count = 300
    clients = _clients(count, "rate-client")
    now = timezone.now()
    slots = availability.slots_for(
        specialist=specialist,
        now=now,
        starts=now + timedelta(hours=2),  # clear of the notice window as the clock moves
        ends=now + timedelta(days=40),
    )[:count]
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        booking.book(
            client=clients[0],
            specialist=specialist,
            starts_at=slots[0].starts_at,
            mode="video",
            now=timezone.now(),
        )
    queries = len(captured.captured_queries)
    started = clock.perf_counter()
    for client, slot in zip(clients[1:], slots[1:], strict=True):
        booking.book(
            client=client,
            specialist=specialist,
            starts_at=slot.starts_at,
            mode="video",
            now=timezone.now(),
        )
        reset_queries()
    elapsed = clock.perf_counter() - started
    per_second = (count - 1) / elapsed
    ctx.add(
        Figure(
            name="bookings per second, sequential, domain function",
            value=round(per_second, 1),
            unit="per s",
            queries=queries,
            extra={"bookings": count - 1, "seconds": round(elapsed, 3)},
        )
    )


def _booking_rate_spread(ctx: Context) -> None:
    """The same sequential booking, spread round-robin over 50 specialists (an extra figure;
    the one above, into a single specialist, is the worst case)."""
    count, width = 300, 50
    specialists = []
    for index in range(width):
        specialist = _specialist(f"spread{index}", hours=(time(0), time(0)))
        BookingSettings.objects.create(specialist=specialist, notice_hours=1, horizon_days=60)
        specialists.append(specialist)
    clients = _clients(count, "spread-client")
    now = timezone.now()
    slots = availability.slots_for(
        specialist=specialists[0],
        now=now,
        starts=now + timedelta(hours=2),  # clear of the notice window as the clock moves
        ends=now + timedelta(days=40),
    )
    for specialist in specialists:  # what a booking finds stored, as in production
        next_free.refresh_next_free_slot(specialist=specialist, now=now)
    plan = [
        (clients[index], specialists[index % width], slots[index // width].starts_at)
        for index in range(count)
    ]
    started = clock.perf_counter()
    for client, specialist, starts_at in plan:
        booking.book(
            client=client,
            specialist=specialist,
            starts_at=starts_at,
            mode="video",
            now=timezone.now(),
        )
        reset_queries()
    elapsed = clock.perf_counter() - started
    ctx.add(
        Figure(
            name="bookings per second, sequential, domain function, over 50 specialists",
            value=round(count / elapsed, 1),
            unit="per s",
            extra={"bookings": count, "seconds": round(elapsed, 3)},
        )
    )


def _http_post(ctx: Context) -> None:
    specialist = _specialist("http", hours=(time(0), time(0)))
    BookingSettings.objects.create(specialist=specialist, notice_hours=1, horizon_days=60)
    count = 160
    clients = _clients(count, "http-client")
    now = timezone.now()
    slots = iter(
        availability.slots_for(
            specialist=specialist,
            now=now,
            starts=now + timedelta(hours=2),  # clear of the notice window as the clock moves
            ends=now + timedelta(days=40),
        )
    )
    browsers = []
    url = reverse("bookings:book", kwargs={"slug": specialist.slug})
    picker = reverse("bookings:pick", kwargs={"slug": specialist.slug})
    for user in clients:
        browser = Client()
        browser.force_login(user)
        # A person has looked at the free times before booking (their session is in use).
        browser.get(picker)
        browsers.append(browser)
    turns = itertools.cycle(browsers)
    samples: list[float] = []
    query_counts: list[int] = []
    for index in range(count):
        browser = next(turns)
        data = {"slot": slot_value(next(slots).starts_at), "mode": "video", "tz": "Europe/Berlin"}
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = clock.perf_counter()
            response = browser.post(url, data)
            elapsed = (clock.perf_counter() - started) * 1000
        if response.status_code != 302:
            raise AssertionError(f"booking POST answered {response.status_code}")
        if index >= 10:  # warm-up
            samples.append(elapsed)
            query_counts.append(len(captured.captured_queries))
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95)]
    for label, value in (("median", median), ("p95", p95)):
        ctx.add(
            Figure(
                name=f"booking HTTP POST, session to e-mail queued ({label})",
                value=round(value, 3),
                unit="ms",
                queries=max(query_counts),
                ratio_to_trivial_view=ctx.ratio(value),
            )
        )


def run(ctx: Context) -> None:
    _clean()
    try:
        _slots_figures(ctx)
        _booking_rate(ctx)
        _booking_rate_spread(ctx)
        _http_post(ctx)
    finally:
        _clean()
