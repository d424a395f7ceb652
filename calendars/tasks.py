"""Celery tasks: ids in, one domain function each; what they read comes from the database."""

from celery import shared_task
from django.utils import timezone

from calendars import sync, writeback


@shared_task(name="calendars.sync_due")
def sync_due() -> int:
    """Every 15 seconds: hand the connections due now to workers in batches."""
    batches = sync.due_batches(now=timezone.now())
    for batch in batches:
        sync_batch.delay(batch)
    return len(batches)


@shared_task(name="calendars.sync_batch")
def sync_batch(connection_ids: list[int]) -> int:
    """No retry: a failing calendar keeps its error and is due again at its next turn."""
    return sync.sync_connections(connection_ids=connection_ids, now=timezone.now())


@shared_task(name="calendars.write_back")
def write_back() -> int:
    """Every 30 seconds: consultations whose calendar event is not current yet."""
    batches = writeback.due_batches(now=timezone.now())
    for batch in batches:
        write_back_batch.delay(batch)
    return len(batches)


@shared_task(name="calendars.write_back_batch")
def write_back_batch(event_ids: list[int]) -> int:
    return sum(writeback.write_event(event_id=pk, now=timezone.now()) for pk in event_ids)
