"""Bookings' part of a person's export and erasure (privacy/ calls these in a fixed order)."""

from datetime import datetime
from typing import Any

from django.db.models import Model, Q

from bookings import booking, booking_rules, hours, next_free
from bookings.models import (
    AvailabilityException,
    BookingSettings,
    Consultation,
    Hold,
    Reminder,
    WaitlistEntry,
    WeeklyHours,
)
from directory.models import Specialist, User

# The models with a foreign key to the user that erase_user_data handles.
ERASES: tuple[type[Model], ...] = (Consultation, WaitlistEntry, Hold)


def _mine(user: User) -> Q:
    return Q(client=user) | Q(specialist__owner=user)


def _upcoming(user: User, now: datetime) -> Q:
    return _mine(user) & Q(status=Consultation.Status.CONFIRMED, starts_at__gt=now)


def lock_for_erasure(*, user: User, now: datetime) -> User:
    """Take the locks every booking change takes, in their order: the specialists of the
    person's upcoming consultations, of the times held for them and their own profile, then
    the person, then those consultations; so a booking in flight finishes first and nothing
    deadlocks. The erasure runs under them. Returns the person's row, locked."""
    booking_rules.lock_specialists(
        ids=[
            *Consultation.objects.filter(_upcoming(user, now)).values_list(
                "specialist_id", flat=True
            ),
            *Specialist.objects.filter(owner=user).values_list("pk", flat=True),
            *Hold.objects.filter(_mine(user), status=Hold.Status.HELD).values_list(
                "specialist_id", flat=True
            ),
        ]
    )
    person = User.objects.select_for_update().get(pk=user.pk)
    list(Consultation.objects.select_for_update(of=("self",)).filter(_upcoming(user, now)))
    return person


def erase_user_data(*, user: User, now: datetime) -> None:
    """Cancel the upcoming consultations on either side (the other side gets the usual
    notice), drop unsent reminders, blank what the person wrote on the consultations the
    other side keeps, end waiting on either side (a time held for the person goes to the
    next one waiting), and delete a specialist's hours and booking rules. Call it under
    lock_for_erasure's locks."""
    specialist = Specialist.objects.filter(owner=user).first()
    if specialist is not None:
        # Unlisted before the cancellations, which then need not look for a next free slot.
        Specialist.objects.filter(pk=specialist.pk).update(
            status=Specialist.Status.DRAFT, next_free_slot_at=None
        )
    for consultation in Consultation.objects.filter(_upcoming(user, now)).order_by("pk"):
        booking.cancel(consultation=consultation, by=user, reason="", now=now)
    Reminder.objects.filter(
        Q(consultation__client=user) | Q(consultation__specialist__owner=user), sent_at=None
    ).delete()
    Consultation.objects.filter(client=user).update(
        note="", phone="", fit="", client_time_zone="UTC"
    )
    for party, side in (
        (Consultation.Party.CLIENT, Q(client=user)),
        (Consultation.Party.SPECIALIST, Q(specialist__owner=user)),
    ):
        Consultation.objects.filter(side, cancelled_by=party).update(change_reason="")
    held = Hold.objects.filter(_mine(user), status=Hold.Status.HELD)
    freed = set(held.filter(client=user).values_list("specialist_id", flat=True))
    held.update(status=Hold.Status.RELEASED)
    WaitlistEntry.objects.filter(_mine(user)).delete()
    for other in Specialist.objects.filter(pk__in=freed):
        next_free.wake_waitlist(specialist=other, now=now)
    if specialist is not None:
        for model in (BookingSettings, WeeklyHours, AvailabilityException):
            model.objects.filter(specialist=specialist).delete()
        hours.hours_changed(specialist=specialist)


def export_user_data(*, user: User) -> dict[str, Any]:
    """Consultations on either side, and a specialist's hours and booking rules (merged
    into their profile's section). A specialist's side leaves out what clients told them:
    a note, phone number or feedback is that client's data."""
    as_client: list[dict[str, Any]] = []
    as_specialist: list[dict[str, Any]] = []
    for consultation in (
        Consultation.objects.filter(Q(client=user) | Q(specialist__owner=user))
        .select_related("specialist", "client")
        .order_by("starts_at", "pk")
    ):
        row: dict[str, Any] = {
            "id": consultation.pk,
            "starts_at": consultation.starts_at,
            "ends_at": consultation.ends_at,
            "mode": consultation.mode,
            "status": consultation.status,
            "booked_at": consultation.created_at,
            "cancelled_at": consultation.cancelled_at,
            "cancelled_by": consultation.cancelled_by,
        }
        if consultation.client_id == user.pk:
            as_client.append(
                {
                    **row,
                    "specialist": consultation.specialist.name,
                    "note": consultation.note,
                    "phone": consultation.phone,
                    "time_zone": consultation.client_time_zone,
                    "reason_given": consultation.change_reason,
                    "fit": consultation.fit,
                }
            )
        else:
            own_reason = consultation.cancelled_by == Consultation.Party.SPECIALIST
            as_specialist.append(
                {
                    **row,
                    "client": consultation.client.display_name,
                    "reason_given": consultation.change_reason if own_reason else "",
                }
            )
    data: dict[str, Any] = {
        "waitlists": [
            {
                "specialist": entry.specialist.name,
                "joined_at": entry.created_at,
                "earlier_than": entry.before,
            }
            for entry in WaitlistEntry.objects.filter(client=user)
            .select_related("specialist")
            .order_by("created_at", "pk")
        ],
        "times_held_for_me": [
            {
                "specialist": hold.specialist.name,
                "starts_at": hold.starts_at,
                "held_at": hold.created_at,
                "status": hold.status,
            }
            for hold in Hold.objects.filter(client=user)
            .select_related("specialist")
            .order_by("created_at", "pk")
        ],
        "consultations_as_client": as_client,
        "consultations_as_specialist": as_specialist,
    }
    specialist = Specialist.objects.filter(owner=user).first()
    if specialist is not None:
        data["specialist_profile"] = _schedule(specialist)
    return data


def _schedule(specialist: Specialist) -> dict[str, Any]:
    rules = BookingSettings.objects.filter(specialist=specialist).first()
    return {
        "booking_rules": {
            "buffer_minutes": rules.buffer_minutes,
            "notice_hours": rules.notice_hours,
            "horizon_days": rules.horizon_days,
            "daily_cap": rules.daily_cap,
            "meeting_link": rules.meeting_link,
        }
        if rules
        else None,
        "weekly_hours": [
            {"weekday": week.get_weekday_display(), "starts": week.starts, "ends": week.ends}
            for week in WeeklyHours.objects.filter(specialist=specialist)
        ],
        "availability_changes": [
            {"date": change.date, "kind": change.kind, "starts": change.starts, "ends": change.ends}
            for change in AvailabilityException.objects.filter(specialist=specialist)
        ],
    }
