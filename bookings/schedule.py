"""A specialist's consultations as their practice page lists them: a week day by day, and
the ones still to close."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.models import Consultation, ConsultationQuerySet
from directory.models import Specialist

DAYS = 7
TO_CLOSE = 20


def _of(specialist: Specialist) -> ConsultationQuerySet:
    return Consultation.objects.filter(specialist=specialist).select_related("client")


def upcoming(*, specialist: Specialist, now: datetime) -> ConsultationQuerySet:
    """Confirmed consultations that have not ended, with their clients."""
    return _of(specialist).upcoming(now=now)


def week(
    *, specialist: Specialist, zone: ZoneInfo, first: date
) -> list[tuple[date, list[Consultation]]]:
    """Each of the seven days from `first` in `zone`, with the consultations (cancelled
    ones left out) starting that day; days without any are listed too."""
    starts = datetime.combine(first, time(), tzinfo=zone)
    found = (
        _of(specialist)
        .active()
        .filter(starts_at__gte=starts, starts_at__lt=starts + timedelta(days=DAYS))
    )
    by_day: dict[date, list[Consultation]] = defaultdict(list)
    for consultation in found:
        by_day[consultation.starts_at.astimezone(zone).date()].append(consultation)
    days = [first + timedelta(days=offset) for offset in range(DAYS)]
    return [(day, by_day[day]) for day in days]


def to_close(*, specialist: Specialist, now: datetime) -> list[Consultation]:
    """The latest consultations that have started and still wait for the specialist to say
    how they went."""
    started = _of(specialist).filter(status=Consultation.Status.CONFIRMED, starts_at__lte=now)
    return list(started.order_by("-starts_at")[:TO_CLOSE])
