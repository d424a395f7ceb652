"""Notices: the e-mails both sides get when a consultation is booked, cancelled or moved.

A change writes a Notice row inside its own transaction (an outbox), so the notice exists
exactly when the change does. Beat runs `send_pending` every few seconds: it claims rows
with one conditional UPDATE, so two workers never send the same notice, sends them and
marks each one sent. Nothing on the booking path talks to the broker: while Redis is down
bookings still succeed, and their notices go out once it is back.
"""

import logging
from datetime import datetime, timedelta

from django.core.mail import get_connection

from bookings import emails
from bookings.models import Consultation, Hold, Notice
from bookings.reminders import REFUSED

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# How long a notice waits for the changes that follow it: a booking cancelled within this
# tells nobody, and several moves reach each side as one e-mail.
SETTLE = timedelta(minutes=1)


def queue(*, consultation: Consultation, kind: str, by: str = "", now: datetime) -> None:
    """Write the notice of a change; it goes out SETTLE after the transaction commits, or
    never.

    A notice not yet picked up shows the consultation as it will be when sent, so a new
    time folds into a waiting confirmation, a cancellation of a booking nobody was told of
    yet leaves nothing to tell, and any other change replaces what is waiting: one e-mail
    per real change.
    """
    if kind != Notice.Kind.BOOKED:
        waiting = Notice.objects.filter(consultation=consultation, sent_at=None, claimed_at=None)
        untold = waiting.filter(kind=Notice.Kind.BOOKED).exists()
        if untold and kind == Notice.Kind.RESCHEDULED:
            return
        waiting.delete()
        if untold:
            return
    Notice.objects.create(
        consultation=consultation, kind=kind, by=by, created_at=now, due_at=now + SETTLE
    )


def queue_hold(*, hold: Hold, now: datetime) -> None:
    """Write the e-mail that offers a held time to its client; due at once, since the hold
    is short. It is not sent once the hold has ended."""
    Notice.objects.create(hold=hold, kind=Notice.Kind.HELD, created_at=now, due_at=now)


def send_pending(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Send the oldest unsent notices, each at most once; the number sent by this call.

    A claim left by a worker that died is taken over once it is stale (outbox.claims).
    """
    token, ids = Notice.objects.filter(sent_at=None, due_at__lte=now).claim_first(
        now=now, limit=batch_size, order_by=("due_at", "pk")
    )
    if not ids:
        return 0
    mine = Notice.objects.filter(pk__in=ids, claim=token, sent_at=None)
    sent = 0
    held: set[int] = set()  # left claimed: could not be rendered or was refused
    try:
        with get_connection() as connection:
            for notice in mine.order_by("due_at", "pk").select_related("consultation", "hold"):
                if _superseded(notice):
                    notice.delete()
                    continue
                try:
                    messages = emails.notice(notice=notice)
                except Exception:
                    logger.exception("notice %s could not be rendered", notice.pk)
                    held.add(notice.pk)
                    continue
                try:
                    connection.send_messages(messages)
                except REFUSED as error:
                    logger.warning("notice %s refused: %s", notice.pk, type(error).__name__)
                    held.add(notice.pk)
                    continue
                sent += Notice.objects.filter(pk=notice.pk).mark_sent(now=now)
    finally:
        # Whatever was not sent goes back at once for the retry (or the next sweep); what
        # could not be rendered or was refused waits until its claim is stale.
        mine.exclude(pk__in=held).release()
    return sent


def _superseded(notice: Notice) -> bool:
    """Decided at send time: news of a booking or a new time that was cancelled since it
    was written is not sent (the cancellation notice says what happened), nor the offer of
    a hold that has ended."""
    if notice.hold is not None:
        return notice.hold.status != Hold.Status.HELD
    return (
        notice.kind != Notice.Kind.CANCELLED
        and notice.consultation is not None
        and notice.consultation.status == Consultation.Status.CANCELLED
    )
