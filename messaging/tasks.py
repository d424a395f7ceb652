"""Background work for messaging: each task calls one domain function."""

from celery import shared_task
from django.utils import timezone

from messaging import retention


@shared_task(name="messaging.purge_old_messages")
def purge_old_messages() -> int:
    """Daily (beat): delete messages past the retention period."""
    return retention.purge_old_messages(now=timezone.now())
