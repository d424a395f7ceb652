"""The outbox: e-mails written in the transaction of the change that causes them, sent by
a sweep after the commit.

A domain function calls `queue(sender, **ids)` inside its transaction: the row commits or
rolls back with the change, and nothing talks to the broker, so an e-mail is neither sent
for a change that did not happen nor lost while the broker is down. Beat runs `send_due`
every few seconds; it claims rows with one conditional UPDATE, so two sweeps never send the
same e-mail, and calls each sender, which reads the database again before it renders (an
erased account or a changed decision is not mailed from stale data). A failure is tried
again later, less and less often, and given up on after MAX_ATTEMPTS.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.utils import timezone
from django.utils.module_loading import import_string

from outbox.models import Email

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 8
# The wait after the first failure; it doubles with each one (about 4 hours in all).
RETRY_AFTER = timedelta(minutes=1)
TRANSIENT = (SMTPException, ConnectionError, TimeoutError)


def queue(sender: Callable[..., object], /, **args: int) -> Email:
    """Write the row that makes the sweep call `sender(**args)` after the commit (in the
    caller's transaction, so a rollback removes it).

    `sender` is a module-level function that takes ids and re-reads the database; raises
    ValueError for any other callable, which the sweep could not find again by its name.
    """
    name = f"{sender.__module__}.{sender.__qualname__}"
    try:
        found = import_string(name)
    except ImportError:
        found = None
    if found is not sender:
        raise ValueError(f"{name} is not a module-level function the sweep can import.")
    now = timezone.now()
    return Email.objects.create(sender=name, args=args, created_at=now, due_at=now)


def send_due(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Send the oldest due e-mails, each by one sweep only; the number done by this call
    (sent, or found by its sender to have nothing left to say).

    A sent row is deleted. A worker that dies between sending and deleting leaves its claim,
    which goes stale (outbox.claims): that e-mail may then go out twice, never not at all.
    """
    token, ids = Email.objects.due(now=now).claim_first(
        now=now, limit=batch_size, order_by=("due_at", "pk")
    )
    sent = 0
    for email in Email.objects.filter(pk__in=ids, claim=token).order_by("due_at", "pk"):
        try:
            import_string(email.sender)(**email.args)
        except Exception as error:
            _failed(email, error=error, now=now)
            continue
        sent += Email.objects.filter(pk=email.pk, claim=token).delete()[0]
    return sent


def _failed(email: Email, *, error: Exception, now: datetime) -> None:
    """Release the row for a later try, or give up on it after MAX_ATTEMPTS. A mail
    server's refusal is logged by its type only: its text may carry the address."""
    attempts = email.attempts + 1
    given_up = attempts >= MAX_ATTEMPTS
    logger.log(
        logging.ERROR if given_up else logging.WARNING,
        "outbox e-mail %s (%s) failed, try %s of %s: %s",
        email.pk,
        email.sender,
        attempts,
        MAX_ATTEMPTS,
        type(error).__name__,
        exc_info=not isinstance(error, TRANSIENT),  # anything else is a bug: its traceback
    )
    if given_up:
        Email.objects.filter(pk=email.pk).update(attempts=attempts, failed_at=now)
        return
    Email.objects.filter(pk=email.pk).release(
        attempts=attempts, due_at=now + RETRY_AFTER * 2 ** (attempts - 1)
    )
