"""Claims: how a sweep takes rows to work on so that no two workers work on the same one.

A sweep reads the ids of what is due, then claims them with one conditional UPDATE that
re-checks the whole condition and writes its own token into `claim`: of two sweeps that
read the same ids, each row goes to exactly one, and a row that stopped being due in
between goes to neither. A worker that dies leaves its claim behind; once the claim is
older than STALE_CLAIM the next sweep takes the row over, so after a crash some work may
be done twice, never not at all. The outbox, the bookings' reminders and notices and the
calendar sweeps all claim this way.
"""

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q

# A claim held this long belongs to a worker that died; the next sweep takes it over.
STALE_CLAIM = timedelta(minutes=10)


class ClaimQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def unclaimed(self, *, now: datetime) -> "ClaimQuerySet":
        """Rows no worker holds: never claimed, or claimed more than STALE_CLAIM ago."""
        return self.filter(Q(claimed_at=None) | Q(claimed_at__lt=now - STALE_CLAIM))

    def claim(self, *, now: datetime, **changes: object) -> tuple[str, int]:
        """Claim the rows of this queryset that no worker holds, in one UPDATE that
        re-checks the queryset's whole condition (and also writes `changes`).

        Returns this claim's token, which picks its rows out later (`claim=token`), and
        the number of rows it took: rows another worker took first are not among them.
        """
        token = uuid.uuid4().hex
        return token, self.unclaimed(now=now).update(claimed_at=now, claim=token, **changes)

    def claim_first(
        self, *, now: datetime, limit: int, order_by: tuple[str, ...]
    ) -> tuple[str, list[int]]:
        """Read the ids of the first `limit` rows of this queryset that no worker holds,
        then claim them (see `claim`); the token ("" when none was due) and the ids read,
        of which those another sweep claimed in between do not carry the token."""
        ids = list(self.unclaimed(now=now).order_by(*order_by).values_list("pk", flat=True)[:limit])
        if not ids:
            return "", []
        token, _claimed = self.filter(pk__in=ids).claim(now=now)
        return token, ids

    def release(self, **changes: object) -> int:
        """Give these rows back at once (also writing `changes`): the next sweep takes
        them again."""
        return self.update(claimed_at=None, claim="", **changes)


class Claimed(models.Model):
    """A row that sweeps claim: `claim` holds the token of the worker that has it. Its
    manager is a ClaimQuerySet (or one built on it), declared by the model itself."""

    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True


class SentOnceQuerySet(ClaimQuerySet):
    def mark_sent(self, *, now: datetime) -> int:
        """Record these rows as sent: no sweep matches them again."""
        return self.update(sent_at=now)


class SentOnce(Claimed):
    """An e-mail sent once: a worker claims the row, sends, and sets `sent_at`."""

    sent_at = models.DateTimeField(null=True, blank=True)

    objects = SentOnceQuerySet.as_manager()

    class Meta:
        abstract = True


def mark_one_sent_sql(model: type[SentOnce]) -> str:
    """`mark_sent` for one row, by the worker holding its claim, written out for a loop
    that marks each row the moment it is sent, where the ORM would cost more than the
    round trip. Parameters: sent_at, id, the claim's token."""
    return f"UPDATE {model._meta.db_table} SET sent_at = %s WHERE id = %s AND claim = %s"  # noqa: S608
