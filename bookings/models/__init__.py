"""Availability, free consultations and their reminders.

Invariants live in the database: no two active consultations of one specialist overlap
(an exclusion constraint on PostgreSQL, added by migration 0002; on SQLite a unique slot
start plus an overlap check inside an IMMEDIATE transaction), one free consultation per
client and specialist, one reminder of each kind per consultation.
"""

from bookings.models.booking_settings import BookingSettings, new_feed_token
from bookings.models.consultations import (
    CONSULTATION_MINUTES,
    Consultation,
    ConsultationQuerySet,
    Notice,
    Reminder,
)
from bookings.models.hours import MIDNIGHT, AvailabilityException, BusyTime, Weekday, WeeklyHours
from bookings.models.waitlist import Hold, WaitlistEntry

__all__ = [
    "CONSULTATION_MINUTES",
    "MIDNIGHT",
    "AvailabilityException",
    "BookingSettings",
    "BusyTime",
    "Consultation",
    "ConsultationQuerySet",
    "Hold",
    "Notice",
    "Reminder",
    "WaitlistEntry",
    "Weekday",
    "WeeklyHours",
    "new_feed_token",
]
