"""Demo data for bookings: weekly hours for every demo specialist, a few consultations,
and next_free_slot_at and free_times for all. Idempotent, and a few seconds even for 50,000
specialists: hours are inserted with one INSERT ... SELECT and the next free slot is computed
once per (time zone, pattern) group instead of once per specialist.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from bookings import availability, free_times, next_free, reminders, slots
from bookings.models import AvailabilityException, BookingSettings, Consultation, WeeklyHours
from bookings.slots import SLOT, Calendar, Rules
from directory import local_time
from directory.demo import CLIENT_EMAIL, DEMO_PASSWORD, SPECIALIST_EMAIL
from directory.models import Specialist, User

# (weekday, starts, ends) per pattern; a specialist follows pattern id % len(PATTERNS).
PATTERNS: list[list[tuple[int, str, str]]] = [
    [(d, "09:00", "12:00") for d in range(5)] + [(d, "13:00", "17:00") for d in range(5)],
    [(d, "10:00", "14:00") for d in (0, 2, 4)] + [(d, "16:00", "20:00") for d in (1, 3)],
    [(d, "08:30", "12:30") for d in range(1, 6)],
    [(d, "12:00", "18:00") for d in range(4)] + [(5, "10:00", "13:00")],
]
OTHER_CLIENTS = [("alex@example.com", "Alex"), ("jordan@example.com", "Jordan")]


def _insert_weekly_hours() -> int:
    pg = connection.vendor == "postgresql"
    cast = "::time" if pg else ""
    rows = ", ".join(
        f"({index}, {weekday}, '{starts}:00'{cast}, '{ends}:00'{cast})"
        for index, pattern in enumerate(PATTERNS)
        for weekday, starts, ends in pattern
    )
    table, specialists = WeeklyHours._meta.db_table, Specialist._meta.db_table
    sql = (
        f"WITH p(pattern, weekday, starts, ends) AS (VALUES {rows}) "  # noqa: S608 - constants
        f"INSERT INTO {table} (specialist_id, weekday, starts, ends) "
        f"SELECT s.id, p.weekday, p.starts, p.ends FROM {specialists} s "
        f"JOIN p ON p.pattern = s.id % {len(PATTERNS)} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} w WHERE w.specialist_id = s.id)"
    )
    before = WeeklyHours.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(sql)
    return WeeklyHours.objects.count() - before


def _client(email: str, first_name: str, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        email=email,
        defaults={"role": User.Role.CLIENT, "password": password_hash, "first_name": first_name},
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _consultations(now) -> int:  # type: ignore[no-untyped-def]
    leanne = Specialist.objects.filter(owner__email=SPECIALIST_EMAIL).first()
    client = User.objects.filter(email=CLIENT_EMAIL).first()
    if leanne is None or client is None or Consultation.objects.filter(client=client).exists():
        return 0
    password_hash = make_password(DEMO_PASSWORD)
    others = [_client(email, name, password_hash) for email, name in OTHER_CLIENTS]
    free = availability.slots_for(
        specialist=leanne, now=now, starts=now + timedelta(days=2), ends=now + timedelta(days=9)
    )
    plans: list[tuple[User, Specialist, datetime, str]] = []
    for person, slot in zip([client, *others], free[::5], strict=False):
        plans.append((person, leanne, slot.starts_at, Consultation.Status.CONFIRMED))
    other = Specialist.objects.offering_free_consultations().exclude(pk=leanne.pk).first()
    if other is not None:
        past = (now - timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
        plans.append((client, other, past, Consultation.Status.COMPLETED))
    for person, specialist, starts_at, status in plans:
        consultation = Consultation.objects.create(
            specialist=specialist,
            client=person,
            starts_at=starts_at,
            ends_at=starts_at + SLOT,
            status=status,
            client_time_zone="America/Toronto",
        )
        reminders.schedule_for(consultation=consultation, now=now)
    return len(plans)


def _next_free_slots(now) -> None:  # type: ignore[no-untyped-def]
    """One calculation per (zone, pattern); exact per-specialist refresh where it matters."""
    offering = Specialist.objects.offering_free_consultations()
    Specialist.objects.exclude(pk__in=offering.values("pk")).update(
        next_free_slot_at=None, free_times=0
    )
    zones = offering.order_by().values_list("time_zone", flat=True).distinct()
    for zone_key in zones:
        zone = local_time.zone_named(zone_key) or ZoneInfo("UTC")
        for index, pattern in enumerate(PATTERNS):
            weekly: dict[int, list[tuple[int, int]]] = {}
            for weekday, starts, ends in pattern:
                start, end = time.fromisoformat(starts), time.fromisoformat(ends)
                weekly.setdefault(weekday, []).append(
                    (start.hour * 60 + start.minute, end.hour * 60 + end.minute)
                )
            calendar = Calendar(zone=zone, rules=Rules(), weekly=weekly)
            slot = slots.first_slot(calendar, now=now)
            offering.filter(time_zone=zone_key).alias(mod=F("id") % len(PATTERNS)).filter(
                mod=index
            ).update(
                next_free_slot_at=slot.starts_at if slot else None,
                free_times=free_times.mask(calendar, now=now),
            )
    special = set(Consultation.objects.order_by().values_list("specialist_id", flat=True))
    special |= set(BookingSettings.objects.values_list("specialist_id", flat=True))
    special |= set(AvailabilityException.objects.values_list("specialist_id", flat=True))
    for specialist in offering.filter(pk__in=special):
        next_free.refresh_next_free_slot(specialist=specialist, now=now)
    free_times.refresh(now=now, specialist_ids=list(special))


@transaction.atomic
def seed(*, specialists: int, stdout) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    added = _insert_weekly_hours()
    booked = _consultations(now)
    _next_free_slots(now)
    stdout.write(
        f"Bookings: weekly hours for new specialists ({added} rows), {booked} consultations."
    )
