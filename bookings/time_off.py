"""Time off (or extra hours) over a range of dates, and the consultations already booked in it.

A specialist never loses a consultation by accident: adding time off over booked
consultations stops and lists them, and goes ahead only once the specialist has decided,
for exactly the consultations they saw, to cancel them (each client is told, with the
specialist's message) or to keep them.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import booking, hours, next_free
from bookings.hours import AvailabilityError
from bookings.models import AvailabilityException, Consultation
from directory import local_time
from directory.models import Specialist

MAX_DAYS = 92  # one entry covers at most a season; bounded rows and queries per request
CANCEL = "cancel"
KEEP = "keep"
DECISIONS = [
    (CANCEL, gettext_lazy("Cancel them and send each client my message")),
    (KEEP, gettext_lazy("Keep them: I will hold these consultations")),
]


@dataclass(frozen=True)
class Dates:
    """Dates from `first` to `last` (both included), all day or from `starts` to `ends`
    (an `ends` of 00:00 is the end of the day), in the specialist's own zone."""

    first: date
    last: date
    kind: str
    starts: time | None = None
    ends: time | None = None

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def moments(self, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
        """The ranges these dates cover, as aware moments (all day: one range)."""
        if self.starts is None or self.ends is None:
            return [
                (_at(self.first, time(0), zone), _at(self.last + timedelta(days=1), time(0), zone))
            ]
        return [
            (
                _at(day, self.starts, zone),
                _at(day + timedelta(days=1), time(0), zone)
                if self.ends == time(0)
                else _at(day, self.ends, zone),
            )
            for day in self.days()
        ]


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


class DecisionNeeded(AvailabilityError):
    """Consultations are booked in the time off and the specialist has not decided about
    these ones (a new one may have been booked since they looked)."""

    def __init__(self, consultations: Sequence[Consultation]) -> None:
        super().__init__(
            _("You have consultations booked in that time. What should happen to them?")
        )
        self.consultations = list(consultations)


def _zone(specialist: Specialist) -> ZoneInfo:
    return local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")


def booked_during(*, specialist: Specialist, dates: Dates, now: datetime) -> list[Consultation]:
    """Confirmed consultations that have not started and overlap the dates, soonest first."""
    overlaps = Q()
    for starts, ends in dates.moments(_zone(specialist)):
        overlaps |= Q(starts_at__lt=ends, ends_at__gt=starts)
    return list(
        Consultation.objects.filter(
            overlaps,
            specialist=specialist,
            status=Consultation.Status.CONFIRMED,
            starts_at__gt=now,
        )
        .select_related("client", "specialist")
        .order_by("starts_at")
    )


def check(*, specialist: Specialist, dates: Dates, now: datetime) -> None:
    """Raise AvailabilityError unless the dates can be saved (the shape of the entry)."""
    if dates.first < now.astimezone(_zone(specialist)).date():
        raise AvailabilityError(_("That date has already passed."))
    if dates.last < dates.first:
        raise AvailabilityError(_("The last day must be on or after the first."))
    if (dates.last - dates.first).days >= MAX_DAYS:
        raise AvailabilityError(
            _("Please add at most %(days)d days at a time.") % {"days": MAX_DAYS}
        )
    if (dates.starts is None) != (dates.ends is None):
        raise AvailabilityError(_("Give both a start and an end time, or neither."))
    if dates.starts is None and dates.kind == AvailabilityException.Kind.EXTRA:
        raise AvailabilityError(_("Extra hours need a start and an end time."))
    if dates.starts is not None and dates.ends is not None:
        hours.check_ranges([(0, dates.starts, dates.ends)])


@dataclass(frozen=True)
class Added:
    days: int
    cancelled: list[Consultation]
    kept: list[Consultation]


@transaction.atomic
def add(
    *,
    specialist: Specialist,
    dates: Dates,
    seen: Collection[int] = (),
    decision: str = "",
    message: str = "",
    now: datetime,
) -> Added:
    """Add the dates to the specialist's hours; for time off, first cancel or keep the
    consultations booked in it, as decided.

    Raises AvailabilityError for dates that cannot be saved, and DecisionNeeded (nothing
    is saved) when consultations are booked in the time off and `decision` is not given
    for all of them: every one must be in `seen`, the ids the specialist was shown.
    Cancelling goes through booking.cancel, so each client gets the notice and `message`.
    The specialist's row is locked first, as a booking does, so a booking made meanwhile
    is either seen here or refused by the time off.
    """
    check(specialist=specialist, dates=dates, now=now)
    hours.lock_specialist(specialist=specialist)
    booked: list[Consultation] = []
    if dates.kind == AvailabilityException.Kind.OFF:
        booked = booked_during(specialist=specialist, dates=dates, now=now)
    if booked and (decision not in (CANCEL, KEEP) or {c.pk for c in booked} - set(seen)):
        raise DecisionNeeded(booked)
    cancelled: list[Consultation] = []
    if decision == CANCEL:
        for consultation in booked:
            cancelled.append(
                booking.cancel(
                    consultation=consultation, by=specialist.owner, reason=message, now=now
                )
            )
    hours.hours_changed(specialist=specialist)
    AvailabilityException.objects.bulk_create(
        AvailabilityException(
            specialist=specialist, date=day, kind=dates.kind, starts=dates.starts, ends=dates.ends
        )
        for day in dates.days()
    )
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return Added(days=len(dates.days()), cancelled=cancelled, kept=[] if cancelled else booked)


@dataclass(frozen=True)
class Period:
    """Consecutive dates with the same change, shown and removed as one entry."""

    first: AvailabilityException
    last: date
    kept: tuple[Consultation, ...] = ()

    @property
    def days(self) -> int:
        return (self.last - self.first.date).days + 1


def _same(a: AvailabilityException, b: AvailabilityException) -> bool:
    return (a.kind, a.starts, a.ends) == (b.kind, b.starts, b.ends)


def periods(
    exceptions: Sequence[AvailabilityException], *, booked: Sequence[Consultation], zone: ZoneInfo
) -> list[Period]:
    """Group exceptions (ordered by date) into runs of consecutive days with the same change,
    each with the consultations from `booked` that fall in its time off."""
    by_change = sorted(
        exceptions, key=lambda e: (e.kind, e.starts or time(0), e.ends or time(0), e.date)
    )
    runs: list[list[AvailabilityException]] = []
    for exception in by_change:
        if (
            runs
            and _same(runs[-1][-1], exception)
            and exception.date - runs[-1][-1].date <= timedelta(days=1)
        ):
            runs[-1].append(exception)
        else:
            runs.append([exception])
    found = []
    for run in runs:
        first = run[0]
        kept: tuple[Consultation, ...] = ()
        if first.kind == AvailabilityException.Kind.OFF:
            moments = Dates(
                first=first.date,
                last=run[-1].date,
                kind=first.kind,
                starts=first.starts,
                ends=first.ends,
            ).moments(zone)
            kept = tuple(
                c for c in booked if any(c.starts_at < e and c.ends_at > s for s, e in moments)
            )
        found.append(Period(first=first, last=run[-1].date, kept=kept))
    return sorted(found, key=lambda p: (p.first.date, p.first.starts or time(0)))


@transaction.atomic
def remove(*, exception: AvailabilityException, through: date, now: datetime) -> int:
    """Remove the exception and the same change on the following days up to `through`.

    Returns how many days were removed.
    """
    specialist = exception.specialist
    hours.lock_specialist(specialist=specialist)
    hours.hours_changed(specialist=specialist)
    removed, _by_model = AvailabilityException.objects.filter(
        specialist=specialist,
        kind=exception.kind,
        starts=exception.starts,
        ends=exception.ends,
        date__gte=exception.date,
        date__lte=max(through, exception.date),
    ).delete()
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return removed


def upcoming_periods(*, specialist: Specialist, now: datetime) -> list[Period]:
    """The specialist's changes from today on, grouped, with the consultations kept in
    their time off (two queries)."""
    zone = _zone(specialist)
    exceptions = list(
        AvailabilityException.objects.filter(
            specialist=specialist, date__gte=now.astimezone(zone).date()
        )
    )
    booked: list[Consultation] = []
    if any(e.kind == AvailabilityException.Kind.OFF for e in exceptions):
        last = max(e.date for e in exceptions) + timedelta(days=1)
        booked = list(
            Consultation.objects.filter(
                specialist=specialist,
                status=Consultation.Status.CONFIRMED,
                starts_at__gt=now,
                starts_at__lt=_at(last, time(0), zone) + timedelta(days=1),
            )
            .select_related("client")
            .order_by("starts_at")
        )
    return periods(exceptions, booked=booked, zone=zone)


@transaction.atomic
def add_exception(
    *,
    specialist: Specialist,
    day: date,
    kind: str,
    starts: time | None,
    ends: time | None,
    now: datetime,
) -> AvailabilityException:
    """Add extra hours or time off on one date. Raises AvailabilityError for a past date."""
    zone = local_time.zone_named(specialist.time_zone) or ZoneInfo("UTC")
    if day < now.astimezone(zone).date():
        raise AvailabilityError(_("That date has already passed."))
    if (starts is None) != (ends is None):
        raise AvailabilityError(_("Give both a start and an end time, or neither."))
    if starts is None and kind == AvailabilityException.Kind.EXTRA:
        raise AvailabilityError(_("Extra hours need a start and an end time."))
    if starts is not None and ends is not None:
        hours.check_ranges([(0, starts, ends)])
    hours.lock_specialist(specialist=specialist)
    hours.hours_changed(specialist=specialist)
    exception = AvailabilityException.objects.create(
        specialist=specialist, date=day, kind=kind, starts=starts, ends=ends
    )
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return exception


@transaction.atomic
def remove_exception(*, exception: AvailabilityException, now: datetime) -> None:
    specialist = exception.specialist
    hours.lock_specialist(specialist=specialist)
    hours.hours_changed(specialist=specialist)
    exception.delete()
    next_free.refresh_next_free_slot(specialist=specialist, now=now)
