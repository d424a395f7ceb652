"""Sync a connection: read its busy times and store them through `bookings.busy`.

A sync never raises for bad input: a fetch or parse failure becomes the connection's
last error, in plain words. While a connection fails, its last good busy times stay for
KEEP_ON_FAILURE; then they are dropped and the specialist is e-mailed once.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from bookings import busy
from bookings.hours import lock_specialist
from bookings.models import BookingSettings
from calendars import caldav_sync, emails, fetching, parsing, sealing
from calendars.models import SYNC_EVERY, CalendarConnection
from directory import local_time
from outbox import sending

KEEP_ON_FAILURE = timedelta(hours=24)
STATUS_DAYS = 30
DEFAULT_HORIZON_DAYS = 30
# A feed unchanged for this long is parsed again anyway: the horizon moves with the clock.
REPARSE_AFTER = timedelta(hours=6)
MAX_PER_SWEEP = 5000
BATCH = 25

SyncFailure = (fetching.FetchError, parsing.ParseError, caldav_sync.CalDAVError)


def due_batches(*, now: datetime) -> list[list[int]]:
    """The connections due now, in batches for workers; each is next due SYNC_EVERY later.

    The queue holds only ids: a lost batch is simply due again at the next turn.
    """
    with transaction.atomic():
        ids = list(
            CalendarConnection.objects.filter(next_sync_at__lte=now, removing_since=None)
            .order_by("next_sync_at")
            .values_list("pk", flat=True)[:MAX_PER_SWEEP]
        )
        CalendarConnection.objects.filter(pk__in=ids).update(next_sync_at=now + SYNC_EVERY)
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def _window(connection: CalendarConnection, now: datetime) -> tuple[ZoneInfo, datetime, datetime]:
    horizon = getattr(connection, "horizon_days", None) or DEFAULT_HORIZON_DAYS
    zone = local_time.zone_named(connection.specialist.time_zone) or ZoneInfo("UTC")
    return zone, now, now + timedelta(days=horizon + 1)


def _fresh(connection: CalendarConnection, now: datetime) -> bool:
    return connection.parsed_at is not None and connection.parsed_at > now - REPARSE_AFTER


@dataclass
class _Read:
    """What reading one connection gave, before anything is stored."""

    connection: CalendarConnection
    changes: dict[str, object] = field(default_factory=dict)
    intervals: list[parsing.Interval] | None = None  # None: unchanged
    caldav: list[caldav_sync.CalendarChanges] | None = None
    error: str = ""

    @property
    def unchanged(self) -> bool:
        if self.caldav is not None:
            return all(change.nothing for change in self.caldav)
        return self.intervals is None


def _read_subscription(read: _Read, now: datetime) -> None:
    connection = read.connection
    fresh = _fresh(connection, now)
    fetched = fetching.fetch(
        url=sealing.unseal(connection.url_sealed, purpose="url"),
        etag=connection.etag if fresh else "",
        last_modified=connection.last_modified if fresh else "",
    )
    if fetched.body is None:
        return
    digest = hashlib.sha256(fetched.body).hexdigest()
    if fresh and digest == connection.content_hash:
        return
    zone, start, end = _window(connection, now)
    read.intervals = parsing.busy_intervals(data=fetched.body, zone=zone, start=start, end=end)
    read.changes.update(etag=fetched.etag[:300], last_modified=fetched.last_modified[:100])
    read.changes.update(parsed_at=now, content_hash=digest)


def _read_caldav(read: _Read, now: datetime) -> None:
    zone, start, end = _window(read.connection, now)
    fresh = _fresh(read.connection, now)
    read.caldav = caldav_sync.read_changes(
        connection=read.connection, zone=zone, start=start, end=end, fresh=fresh
    )
    if not fresh:
        read.changes["parsed_at"] = now


def _read(connection: CalendarConnection, now: datetime) -> _Read:
    """Fetch and parse, outside any transaction; failures become plain words."""
    read = _Read(connection=connection)
    try:
        if connection.kind == CalendarConnection.Kind.CALDAV:
            _read_caldav(read, now)
        else:
            _read_subscription(read, now)
    except SyncFailure as error:
        read.error = str(error)
    except sealing.UnsealError:
        read.error = _("The stored address can no longer be read; please add it again.")
    return read


def sync_connections(*, connection_ids: list[int], now: datetime) -> int:
    """Sync the given connections that no other worker holds; how many were synced.

    Claimed in one UPDATE; an unchanged calendar (304, same bytes, same sync token) then
    costs one shared UPDATE at the end, and a changed one its own short transaction.
    Never raises for what a calendar holds or how its server answers.
    """
    with quick_commit():
        token, claimed = CalendarConnection.objects.filter(
            pk__in=connection_ids, removing_since=None
        ).claim(now=now, last_attempt_at=now)
    if not claimed:
        return 0
    horizon = BookingSettings.objects.filter(specialist_id=OuterRef("specialist_id"))
    found = (
        CalendarConnection.objects.filter(claim=token)
        .select_related("specialist")
        .annotate(horizon_days=Subquery(horizon.values("horizon_days")[:1]))
        .order_by("pk")
    )
    reads = [_read(connection, now) for connection in found]
    unchanged = [read.connection.pk for read in reads if not read.error and read.unchanged]
    for read in reads:
        if read.error:
            _failed(read.connection, message=read.error, now=now, changes=read.changes)
        elif not read.unchanged:
            _succeeded(read, now=now)
    if unchanged:
        with quick_commit():
            CalendarConnection.objects.filter(pk__in=unchanged, claim=token).release(
                last_success_at=now, **_CLEARED
            )
    return claimed


def sync_connection(*, connection_id: int, now: datetime) -> bool:
    """Sync one connection unless another worker holds it; False when nothing was done."""
    return bool(sync_connections(connection_ids=[connection_id], now=now))


@contextmanager
def quick_commit() -> Iterator[None]:
    """A transaction whose commit does not wait for the disk (PostgreSQL). What a sync
    writes is redone by the next sync if a crash loses it, and every commit that does
    wait (a booking) flushes it first, so nothing that depends on it can survive without it."""
    with transaction.atomic():
        if db_connection.vendor == "postgresql":
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


_CLEARED = {"last_error": "", "failing_since": None, "failure_notified_at": None}


def _busy_hash(intervals: list[parsing.Interval]) -> str:
    text = ";".join(f"{start.isoformat()}/{end.isoformat()}" for start, end in sorted(intervals))
    return hashlib.sha256(text.encode()).hexdigest()


def _succeeded(read: _Read, *, now: datetime) -> None:
    connection = read.connection
    with quick_commit():
        # Locked (specialist, then connection, as a removal does) so that a removal cannot
        # slip in between and leave orphaned busy times.
        lock_specialist(specialist=connection.specialist)
        locked = CalendarConnection.objects.select_for_update().filter(
            pk=connection.pk, removing_since=None
        )
        if not locked.exists():
            return
        intervals = read.intervals
        if read.caldav is not None:
            intervals = caldav_sync.store_changes(connection=connection, changes=read.caldav)
        intervals = intervals or []
        digest = _busy_hash(intervals)
        if digest != connection.busy_hash:  # the same busy times again are not written
            busy.replace_busy_times(
                specialist=connection.specialist,
                source=connection.source,
                intervals=intervals,
                now=now,
            )
        soon = now + timedelta(days=STATUS_DAYS)
        count = sum(1 for start, end in intervals if end > now and start < soon)
        locked.release(
            **read.changes, **_CLEARED, last_success_at=now, busy_count=count, busy_hash=digest
        )


def _failed(
    connection: CalendarConnection, *, message: str, now: datetime, changes: dict[str, object]
) -> None:
    failing_since = connection.failing_since or now
    CalendarConnection.objects.filter(pk=connection.pk).release(
        **changes, last_error=message[:300], failing_since=failing_since
    )
    if failing_since > now - KEEP_ON_FAILURE:
        return
    with transaction.atomic():
        # One worker wins the conditional UPDATE: the e-mail is written once per failure,
        # in the same transaction, and the outbox sends it after the commit.
        won = CalendarConnection.objects.filter(pk=connection.pk, failure_notified_at=None).update(
            failure_notified_at=now, busy_count=0, busy_hash=""
        )
        if won:
            busy.forget_source(specialist=connection.specialist, source=connection.source, now=now)
            sending.queue(emails.sync_failing, connection_id=connection.pk)
