"""How soon a specialist replies: the one rule behind "usually replies within N hours" on a
profile and the weekly median reply time in the specialist's insights.

A client waits from a message that opens the conversation or follows one of the
specialist's (a run of messages waits from its first) until the specialist's next message.
Only delivered messages count: one held for review has not reached the specialist. The
median is the middle wait (the later of the two middle ones), a wait without a reply
counting as the slowest.

Computed in the database, one query whatever the history, written out because it runs on
every profile view (the ORM took several times longer to build it than the database to
answer it).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection

from directory import sql
from directory.models import Specialist
from messaging.models import Message, Thread

MESSAGE = Message._meta.db_table
THREAD = Thread._meta.db_table

# The messages that started a wait since %(since)s, each with the moment of its reply.
_WAITS = f"""
SELECT m.id, m.created_at AS asked_at, (
    SELECT r.created_at FROM {MESSAGE} r
    WHERE r.thread_id = m.thread_id AND r.status = %(sent)s AND r.sender_id = %(owner)s
      AND r.created_at > m.created_at
    ORDER BY r.created_at LIMIT 1
  ) AS replied_at
FROM {MESSAGE} m JOIN {THREAD} t ON t.id = m.thread_id
WHERE t.specialist_id = %(specialist)s AND m.status = %(sent)s AND m.sender_id <> %(owner)s
  AND m.created_at >= %(since)s
  AND COALESCE((
    SELECT p.sender_id FROM {MESSAGE} p
    WHERE p.thread_id = m.thread_id AND p.status = %(sent)s AND p.created_at < m.created_at
    ORDER BY p.created_at DESC LIMIT 1
  ), %(owner)s) = %(owner)s
"""  # noqa: S608 (table names only; every value is a parameter)

# Of each partition's waits (all of them, or each week's), the median one and their count.
_MEDIANS = """
SELECT week, total, delay FROM (
  SELECT week, delay, COUNT(*) OVER ({partition}) AS total,
    ROW_NUMBER() OVER ({partition} ORDER BY delay IS NULL, delay, id) AS place
  FROM (SELECT id, {week} AS week, {delay} AS delay FROM ({waits}) waits) delays
) ranked
WHERE place = total / 2 + 1
"""


@dataclass(frozen=True)
class Median:
    waits: int  # how many times clients waited for a reply
    delay: timedelta | None  # the median wait; None when that wait has no reply yet


def _medians(
    *, specialist: Specialist, since: datetime, weekly: bool
) -> list[tuple[date | str | None, int, float | Decimal | None]]:
    query = _MEDIANS.format(
        partition="PARTITION BY week" if weekly else "",
        week=sql.monday("asked_at") if weekly else "NULL",
        delay=sql.seconds_between("replied_at", "asked_at"),
        waits=_WAITS,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            {
                "specialist": specialist.pk,
                "owner": specialist.owner_id,
                "sent": Message.Status.SENT.value,
                "since": connection.ops.adapt_datetimefield_value(since),
            },
        )
        return cursor.fetchall()


def _median(total: int, seconds: float | Decimal | None) -> Median:
    # Whole seconds: SQLite's arithmetic on moments is a few microseconds off.
    return Median(
        waits=total, delay=None if seconds is None else timedelta(seconds=round(float(seconds)))
    )


def median(*, specialist: Specialist, since: datetime) -> Median:
    """The median wait that started since `since` (one query)."""
    rows = _medians(specialist=specialist, since=since, weekly=False)
    return _median(*rows[0][1:]) if rows else Median(waits=0, delay=None)


def weekly_medians(*, specialist: Specialist, since: datetime) -> dict[date, Median]:
    """The median wait of each week (Monday, UTC) from `since` on, by the week its wait
    started; weeks without a wait are left out (one query)."""
    return {
        sql.as_date(week): _median(total, seconds)
        for week, total, seconds in _medians(specialist=specialist, since=since, weekly=True)
        if week is not None
    }


def whole_hours(delay: timedelta) -> int:
    """A delay as people say it: whole hours, rounded up, at least one. Pure."""
    return max(1, math.ceil(delay.total_seconds() / 3600))
