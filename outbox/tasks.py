"""Celery tasks of the outbox: the sweep that beat runs every few seconds."""

from celery import shared_task
from django.utils import timezone

from outbox import sending


@shared_task(name="outbox.send_due")
def send_due() -> int:
    """No retry: a failed e-mail is tried again by a later run, after its own wait."""
    return sending.send_due(now=timezone.now())
