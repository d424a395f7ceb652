"""Notices: the e-mails both sides get when a consultation is booked, cancelled or moved.

A change writes a Notice row inside its own transaction (an outbox), so the notice exists
exactly when the change does. Beat runs `send_pending` every few seconds: it claims rows
with one conditional UPDATE, so two workers never send the same notice, sends them and
marks each one sent. Nothing on the booking path talks to the broker: while Redis is down
bookings still succeed, and their notices go out once it is back.
"""

import uuid
from datetime import datetime

from django.core.mail import get_connection

from bookings import emails
from bookings.models import Consultation, Notice

BATCH_SIZE = 100


def queue(*, consultation: Consultation, kind: str, by: str = "", now: datetime) -> None:
    """Write the notice of a change; it goes out once the transaction commits, or never.

    A notice not yet picked up shows the consultation as it will be when sent, so a new
    time folds into a waiting confirmation, and a cancellation replaces what is waiting.
    """
    if kind != Notice.Kind.BOOKED:
        waiting = Notice.objects.filter(consultation=consultation, sent_at=None, claimed_at=None)
        if kind == Notice.Kind.RESCHEDULED and waiting.filter(kind=Notice.Kind.BOOKED).exists():
            return
        waiting.delete()
    Notice.objects.create(consultation=consultation, kind=kind, by=by, created_at=now)


def send_pending(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Send the oldest unsent notices, each at most once; the number sent by this call.

    A claim left by a worker that died is taken over once it is STALE_CLAIM old.
    """
    ids = list(
        Notice.objects.unclaimed(now=now)
        .filter(sent_at=None)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    token = uuid.uuid4().hex
    # Of two sweeps that read the same ids, the re-checked condition gives each row to one.
    Notice.objects.unclaimed(now=now).filter(pk__in=ids, sent_at=None).update(
        claimed_at=now, claim=token
    )
    mine = Notice.objects.filter(pk__in=ids, claim=token, sent_at=None)
    sent = 0
    try:
        with get_connection() as connection:
            for notice in mine.order_by("created_at", "pk"):
                connection.send_messages(emails.notice(notice=notice))
                sent += Notice.objects.filter(pk=notice.pk).update(sent_at=now)
    finally:
        # Whatever was not sent goes back at once for the retry (or the next sweep).
        mine.update(claimed_at=None, claim="")
    return sent
