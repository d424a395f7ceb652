"""Messages are kept for settings.MESSAGING_RETENTION_DAYS, then deleted.

Beat runs `purge_old_messages` once a day. It deletes in batches, each in its own short
transaction, so it never holds many locks for long and an interrupted run loses nothing
(the next one carries on). Conversations stay; their unread counters are clamped to the
messages left, so an inbox badge never counts a message that is gone.
"""

from collections.abc import Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Least

from messaging.models import Message, Thread

BATCH_SIZE = 1000


def cutoff(*, now: datetime) -> datetime:
    """Messages written before this moment are past their retention period."""
    return now - timedelta(days=settings.MESSAGING_RETENTION_DAYS)


def purge_old_messages(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Delete every message written before cutoff(now); how many were deleted."""
    before = cutoff(now=now)
    total = 0
    while True:
        purged = _purge_batch(before=before, batch_size=batch_size)
        total += purged
        if purged < batch_size:
            return total


@transaction.atomic
def _purge_batch(*, before: datetime, batch_size: int) -> int:
    batch = list(
        Message.objects.filter(created_at__lt=before)
        .order_by("pk")
        .values_list("pk", "thread_id")[:batch_size]
    )
    if not batch:
        return 0
    thread_ids = sorted({thread_id for _pk, thread_id in batch})
    # Lock the conversations first: a message being posted to one of them either committed
    # before (and is counted below) or waits until this batch is done.
    list(
        Thread.objects.select_for_update()
        .filter(pk__in=thread_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Message.objects.filter(pk__in=[pk for pk, _thread_id in batch]).delete()
    clamp_unread_counters(thread_ids=thread_ids)
    return len(batch)


def _delivered_count(*, sent_by_client: bool) -> Coalesce:
    by_client = Q(sender=OuterRef("client_id"))
    delivered = (
        Message.objects.filter(thread=OuterRef("pk"), status=Message.Status.SENT)
        .filter(by_client if sent_by_client else ~by_client)
        .order_by()
        .values("thread")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(delivered), Value(0), output_field=IntegerField())


def clamp_unread_counters(*, thread_ids: Collection[int]) -> None:
    """After messages were deleted: no side's unread count exceeds the delivered messages
    the other side still has in the conversation. Unread messages are the newest, so the
    ones left are the ones still unread."""
    Thread.objects.filter(pk__in=thread_ids).update(
        client_unread=Least("client_unread", _delivered_count(sent_by_client=False)),
        specialist_unread=Least("specialist_unread", _delivered_count(sent_by_client=True)),
    )
