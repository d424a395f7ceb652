"""Reminders are rows: created with a booking, voided by a cancel, moved by a reschedule.

A beat task sweeps what is due every minute and hands batches of ids to workers. A worker
claims its rows with one conditional UPDATE, so two workers never send the same reminder,
then sends the batch over one e-mail connection, marking each reminder sent as soon as the
mail server has taken its message. A claim left by a worker that died is taken over once
it is stale (outbox.claims).

What that guarantees when things fail:
- Nothing is lost: a reminder not yet handed off stays unsent, and its claim is given back
  on an error or taken over after a crash, so a later run sends it.
- A worker killed mid-batch (SIGKILL, a lost machine) leaves at most one reminder in doubt:
  the one the mail server had accepted but that was not yet marked. The takeover sends
  that one again; every other reminder goes out exactly once.
- A send that raises (a connection dropped during the hand-off) counts as not sent, so
  that one message may arrive twice if the server had in fact accepted it.
- A worker so slow that its claim went stale stops at its next mark, so it and the worker
  that took over overlap by one message at most.
SMTP cannot acknowledge exactly once; the window is one message wide, never a batch.
"""

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q

from bookings import emails
from bookings.models import Consultation, Reminder
from outbox.claims import mark_one_sent_sql

BATCH_SIZE = 500
FOLLOW_UP_AFTER = timedelta(hours=1)


def offsets() -> dict[str, timedelta]:
    """How long before the start each reminder goes out (settings.BOOKINGS_REMINDER_MINUTES)."""
    minutes = getattr(
        settings,
        "BOOKINGS_REMINDER_MINUTES",
        {Reminder.Kind.DAY_BEFORE: 24 * 60, Reminder.Kind.HOUR_BEFORE: 60},
    )
    return {kind: timedelta(minutes=value) for kind, value in minutes.items()}


def _due_times(consultation: Consultation) -> dict[str, datetime]:
    due = {kind: consultation.starts_at - offset for kind, offset in offsets().items()}
    due[Reminder.Kind.FOLLOW_UP] = consultation.ends_at + FOLLOW_UP_AFTER
    return due


def schedule_for(*, consultation: Consultation, now: datetime) -> list[Reminder]:
    """Create the consultation's reminders; those whose time has already passed are skipped."""
    return Reminder.objects.bulk_create(
        Reminder(consultation=consultation, kind=kind, due_at=due_at)
        for kind, due_at in _due_times(consultation).items()
        if due_at > now
    )


def void(*, consultation: Consultation) -> int:
    """Drop what has not been sent. (The sweep also ignores cancelled consultations.)"""
    deleted, _by_model = Reminder.objects.filter(consultation=consultation, sent_at=None).delete()
    return deleted


@transaction.atomic
def move(*, consultation: Consultation, now: datetime) -> None:
    """After a reschedule: every reminder again for the new time, skipping passed ones."""
    Reminder.objects.filter(consultation=consultation).delete()
    schedule_for(consultation=consultation, now=now)


def _sendable() -> Q:
    before = Q(
        kind__in=[Reminder.Kind.DAY_BEFORE, Reminder.Kind.HOUR_BEFORE],
        consultation__status=Consultation.Status.CONFIRMED,
    )
    after = Q(
        kind=Reminder.Kind.FOLLOW_UP,
        consultation__status__in=[Consultation.Status.CONFIRMED, Consultation.Status.COMPLETED],
    )
    return before | after


def due_batches(*, now: datetime, batch_size: int = BATCH_SIZE) -> list[list[int]]:
    """Ids of reminders due and not yet sent or claimed, in batches, oldest first."""
    ids = list(
        Reminder.objects.unclaimed(now=now)
        .filter(_sendable(), sent_at=None, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    return [ids[index : index + batch_size] for index in range(0, len(ids), batch_size)]


@contextmanager
def _commits_without_flush() -> Iterator[None]:
    """On PostgreSQL, let this connection's commits return before the disk flush.

    A mark committed so outlives a worker that dies right after it (the server has it);
    only a crash of the database server itself within a fraction of a second could lose
    it, and that reminder would go out again. Waiting for the disk would make every
    reminder cost a flush.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


# Runs once per reminder sent, so written out: the ORM would cost more than the round trip.
_MARK_SENT = mark_one_sent_sql(Reminder)


RECHECK_EVERY = 50
# The mail server refused this one message (its address or content), not the connection.
REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    UnicodeError,
)  # reminders sent between two looks at their consultations

logger = logging.getLogger(__name__)


def _still_due(ids: list[int], *, token: str, now: datetime) -> list[Reminder]:
    """Of this worker's claimed reminders, those to send now, read as they are now: a
    consultation cancelled since the claim no longer matches, and one moved since has new
    rows (the claimed ones are gone) that go out when they are due."""
    return list(
        Reminder.objects.filter(_sendable(), pk__in=ids, claim=token, sent_at=None, due_at__lte=now)
        .order_by("due_at", "pk")
        .select_related("consultation__specialist__booking_settings", "consultation__client")
        .only(*emails.REMINDER_FIELDS)
    )


def _messages(reminders: list[Reminder]) -> list[tuple[Reminder, EmailMultiAlternatives]]:
    """Each reminder with its message. One whose message cannot be built (data no e-mail
    can show) is logged and left out, so it cannot hold back the others."""
    try:
        return list(zip(reminders, emails.reminders(reminders=reminders), strict=True))
    except Exception:
        logger.warning("a reminder batch could not be rendered; rendering one at a time")
    built = []
    for reminder in reminders:
        try:
            (message,) = emails.reminders(reminders=[reminder])
        except Exception:
            logger.exception("reminder %s could not be rendered", reminder.pk)
            continue
        built.append((reminder, message))
    return built


def send_batch(*, reminder_ids: list[int], now: datetime) -> int:
    """Send each of these reminders at most once (see above); the number sent by this call.

    The conditional UPDATE is the claim: of two workers given the same ids, each row goes
    to exactly one. What is sent is decided at send time: every RECHECK_EVERY messages the
    claimed rows are read again, so a consultation cancelled or moved since the claim gets
    no reminder for its old time. Raises what the e-mail backend raises, after giving back
    the claim on what it did not send.
    """
    token, claimed = (
        Reminder.objects.filter(pk__in=reminder_ids, sent_at=None, due_at__lte=now)
        .filter(pk__in=Reminder.objects.filter(_sendable(), pk__in=reminder_ids).values("pk"))
        .claim(now=now)
    )
    if not claimed:
        return 0
    # The ids keep these lookups on the primary key; the token picks this worker's rows.
    mine = Reminder.objects.filter(pk__in=reminder_ids, claim=token)
    ids = list(mine.filter(sent_at=None).order_by("due_at", "pk").values_list("pk", flat=True))
    sent = 0
    held: set[int] = set()  # left claimed: could not be rendered or was refused
    try:
        with get_connection() as mailer, _commits_without_flush(), connection.cursor() as cursor:
            for start in range(0, len(ids), RECHECK_EVERY):
                chunk = _still_due(ids[start : start + RECHECK_EVERY], token=token, now=now)
                held.update(r.pk for r in chunk)
                for reminder, message in _messages(chunk):
                    try:
                        mailer.send_messages([message])
                    except REFUSED as error:
                        logger.warning("reminder %s refused: %s", reminder.pk, type(error).__name__)
                        continue
                    held.discard(reminder.pk)
                    # Marked (and committed) the moment the server has it, one row at a time.
                    cursor.execute(
                        _MARK_SENT,
                        [connection.ops.adapt_datetimefield_value(now), reminder.pk, token],
                    )
                    if cursor.rowcount:
                        sent += 1
                    elif Reminder.objects.filter(pk=reminder.pk).exists():
                        return sent  # too slow: another worker took the claim over, and the rest
    except BaseException:
        # Give the rest back at once so that the retry (or the next sweep) can send it.
        mine.filter(sent_at=None).release()
        raise
    # What was skipped (cancelled since the claim) goes back; what could not be rendered or
    # was refused stays claimed until the claim is stale: tried again then, not every minute.
    mine.filter(sent_at=None).exclude(pk__in=held).release()
    return sent
