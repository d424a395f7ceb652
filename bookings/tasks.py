"""Celery tasks: ids in, one domain function each; what they read comes from the database."""

from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.utils import timezone

from bookings import free_times, next_free, notices, reminders, waitlist

TRANSIENT = (SMTPException, ConnectionError, TimeoutError)
# Retries wait at most two minutes: on Redis a longer countdown risks redelivery.
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


@shared_task(name="bookings.send_notices")
def send_notices() -> int:
    """Every few seconds: the booked, cancelled and moved e-mails waiting in the outbox.
    No retry: what fails is released and the next run, seconds later, takes it again."""
    return notices.send_pending(now=timezone.now())


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
    return next_free.refresh_all_next_free_slots(now=timezone.now())


@shared_task(name="bookings.refresh_free_times")
def refresh_free_times() -> int:
    return free_times.refresh(now=timezone.now())


@shared_task(name="bookings.settle_waitlists")
def settle_waitlists() -> int:
    """Every few seconds: holds that ran out go to the next waiting client; freed slots are
    held for the first client waiting for them."""
    return waitlist.sweep(now=timezone.now())
