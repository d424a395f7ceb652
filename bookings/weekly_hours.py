"""The weekly hours a specialist saves."""

from collections.abc import Sequence
from datetime import datetime, time

from django.db import transaction

from bookings.hours import check_ranges, hours_changed, lock_specialist
from bookings.models import BookingSettings, WeeklyHours
from bookings.next_free import refresh_next_free_slot
from directory.models import Specialist


@transaction.atomic
def set_weekly_hours(
    *, specialist: Specialist, ranges: Sequence[tuple[int, time, time]], now: datetime
) -> None:
    """Replace the specialist's weekly hours, then refresh their next free slot.

    Raises AvailabilityError when a range is empty or two ranges overlap.
    Consultations already booked are kept, whatever the new hours.
    """
    check_ranges(ranges)
    lock_specialist(specialist=specialist)
    hours_changed(specialist=specialist)
    WeeklyHours.objects.filter(specialist=specialist).delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=weekday, starts=start, ends=end)
        for weekday, start, end in ranges
    )
    refresh_next_free_slot(specialist=specialist, now=now)


@transaction.atomic
def save_hours_and_rules(
    *,
    specialist: Specialist,
    booking_settings: BookingSettings,
    ranges: Sequence[tuple[int, time, time]],
    now: datetime,
) -> None:
    """Save the specialist's booking rules and replace their weekly hours: both or neither.

    Raises AvailabilityError as set_weekly_hours does.
    """
    booking_settings.save()
    set_weekly_hours(specialist=specialist, ranges=ranges, now=now)
