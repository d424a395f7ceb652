"""Background work for messaging: each task takes an id and calls one domain function."""

from celery import shared_task
from django.utils import timezone

from messaging import contact, conversations, retention

TRANSIENT = (ConnectionError, TimeoutError)


@shared_task(
    name="messaging.notify_new_message", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5
)
def notify_new_message(message_id: int) -> bool:
    return conversations.notify_recipient(message_id=message_id)


@shared_task(
    name="messaging.send_contact_message",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def send_contact_message(contact_id: int) -> bool:
    return contact.email_staff(contact_id=contact_id)


@shared_task(
    name="messaging.acknowledge_contact_message",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def acknowledge_contact_message(contact_id: int) -> bool:
    return contact.acknowledge(contact_id=contact_id)


@shared_task(name="messaging.purge_old_messages")
def purge_old_messages() -> int:
    """Daily (beat): delete messages past the retention period."""
    return retention.purge_old_messages(now=timezone.now())
