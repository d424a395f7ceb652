"""Celery tasks: ids in, one domain function each; what they read comes from the database."""

from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.utils import timezone

from bookings import availability, emails, reminders

TRANSIENT = (SMTPException, ConnectionError, TimeoutError)
# Retries wait at most two minutes: on Redis a longer countdown risks redelivery.
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


@shared_task(name="bookings.send_booking_confirmation", **RETRY)
def send_booking_confirmation(consultation_id: int) -> None:
    emails.send_booking_confirmation(consultation_id=consultation_id)


@shared_task(name="bookings.send_cancellation_notice", **RETRY)
def send_cancellation_notice(consultation_id: int) -> None:
    emails.send_cancellation_notice(consultation_id=consultation_id)


@shared_task(name="bookings.send_reschedule_notice", **RETRY)
def send_reschedule_notice(consultation_id: int, by: str) -> None:
    emails.send_reschedule_notice(consultation_id=consultation_id, by=by)


@shared_task(name="bookings.sweep_due_reminders")
def sweep_due_reminders() -> int:
    """Every minute: hand the due reminders to workers in batches."""
    batches = reminders.due_batches(now=timezone.now())
    for batch in batches:
        send_reminder_batch.delay(batch)
    return len(batches)


@shared_task(name="bookings.send_reminder_batch", **RETRY)
def send_reminder_batch(reminder_ids: list[int]) -> int:
    return reminders.send_batch(reminder_ids=reminder_ids, now=timezone.now())


@shared_task(name="bookings.refresh_next_free_slots")
def refresh_next_free_slots() -> int:
    return availability.refresh_all_next_free_slots(now=timezone.now())
