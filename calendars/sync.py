"""Sync a connection: read its busy times and store them through `bookings.busy`.

A sync never raises for bad input: a fetch or parse failure becomes the connection's
last error, in plain words. While a connection fails, its last good busy times stay for
KEEP_ON_FAILURE; then they are dropped and the specialist is e-mailed once.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from bookings import busy
from bookings.availability import lock_specialist, zone_or_none
from bookings.models import BookingSettings, BusyTime
from calendars import caldav_sync, emails, fetching, parsing, sealing
from calendars.models import SYNC_EVERY, CalendarConnection, RemoteCalendar

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
            CalendarConnection.objects.filter(next_sync_at__lte=now)
            .order_by("next_sync_at")
            .values_list("pk", flat=True)[:MAX_PER_SWEEP]
        )
        CalendarConnection.objects.filter(pk__in=ids).update(next_sync_at=now + SYNC_EVERY)
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def _window(connection: CalendarConnection, now: datetime) -> tuple[ZoneInfo, datetime, datetime]:
    horizon = (
        BookingSettings.objects.filter(specialist_id=connection.specialist_id)
        .values_list("horizon_days", flat=True)
        .first()
    ) or DEFAULT_HORIZON_DAYS
    zone = zone_or_none(connection.specialist.time_zone) or ZoneInfo("UTC")
    return zone, now, now + timedelta(days=horizon + 1)


def _fresh(connection: CalendarConnection, now: datetime) -> bool:
    return connection.parsed_at is not None and connection.parsed_at > now - REPARSE_AFTER


def _read_subscription(
    connection: CalendarConnection, now: datetime, changes: dict[str, object]
) -> list[parsing.Interval] | None:
    """The busy intervals of a subscribed calendar, or None when it has not changed."""
    fresh = _fresh(connection, now)
    fetched = fetching.fetch(
        url=sealing.unseal(connection.url_sealed, purpose="url"),
        etag=connection.etag if fresh else "",
        last_modified=connection.last_modified if fresh else "",
    )
    if fetched.body is None:
        return None
    digest = hashlib.sha256(fetched.body).hexdigest()
    if fresh and digest == connection.content_hash:
        return None
    zone, start, end = _window(connection, now)
    intervals = parsing.busy_intervals(data=fetched.body, zone=zone, start=start, end=end)
    changes.update(etag=fetched.etag[:300], last_modified=fetched.last_modified[:100])
    changes.update(parsed_at=now, content_hash=digest)
    return intervals


def _read_caldav(
    connection: CalendarConnection, now: datetime, changes: dict[str, object]
) -> tuple[list[parsing.Interval] | None, dict[int, str]]:
    """The busy intervals of a CalDAV account (None when no sync token changed), and the
    tokens to keep once they are stored."""
    zone, start, end = _window(connection, now)
    found, tokens = caldav_sync.busy_intervals(
        connection=connection, zone=zone, start=start, end=end, fresh=_fresh(connection, now)
    )
    if found is not None:
        changes["parsed_at"] = now
    return found, tokens


def sync_connection(*, connection_id: int, now: datetime) -> bool:
    """Sync one connection unless another worker holds it; False when nothing was done.

    Never raises for what the calendar holds or how its server answers.
    """
    token = secrets.token_hex(16)
    claimed = (
        CalendarConnection.objects.filter(pk=connection_id)
        .unclaimed(now=now)
        .update(claimed_at=now, claim=token, last_attempt_at=now)
    )
    if not claimed:
        return False
    connection = CalendarConnection.objects.select_related("specialist").get(pk=connection_id)
    changes: dict[str, object] = {"claimed_at": None, "claim": ""}
    tokens: dict[int, str] = {}
    try:
        if connection.kind == CalendarConnection.Kind.CALDAV:
            intervals, tokens = _read_caldav(connection, now, changes)
        else:
            intervals = _read_subscription(connection, now, changes)
    except SyncFailure as error:
        _failed(connection, message=str(error), now=now, changes=changes)
    except sealing.UnsealError:
        message = _("The stored address can no longer be read; please add it again.")
        _failed(connection, message=message, now=now, changes=changes)
    else:
        _succeeded(connection, intervals=intervals, now=now, changes=changes)
        for pk, token in tokens.items():
            RemoteCalendar.objects.filter(pk=pk).update(sync_token=token)
    return True


_CLEARED = {"last_error": "", "failing_since": None, "failure_notified_at": None}


def _succeeded(
    connection: CalendarConnection,
    *,
    intervals: list[parsing.Interval] | None,
    now: datetime,
    changes: dict[str, object],
) -> None:
    if intervals is None:
        # Unchanged (304): one UPDATE, so that an unchanged calendar costs almost nothing.
        CalendarConnection.objects.filter(pk=connection.pk).update(
            **changes, **_CLEARED, last_success_at=now
        )
        return
    with transaction.atomic():
        # Locked (specialist, then connection, as a removal does) so that a removal cannot
        # slip in between and leave orphaned busy times.
        lock_specialist(specialist=connection.specialist)
        if not CalendarConnection.objects.select_for_update().filter(pk=connection.pk).exists():
            return
        busy.replace_busy_times(
            specialist=connection.specialist, source=connection.source, intervals=intervals, now=now
        )
        count = BusyTime.objects.filter(
            specialist_id=connection.specialist_id,
            source=connection.source,
            starts_at__lt=now + timedelta(days=STATUS_DAYS),
        ).count()
        CalendarConnection.objects.filter(pk=connection.pk).update(
            **changes, **_CLEARED, last_success_at=now, busy_count=count
        )


def _failed(
    connection: CalendarConnection, *, message: str, now: datetime, changes: dict[str, object]
) -> None:
    failing_since = connection.failing_since or now
    CalendarConnection.objects.filter(pk=connection.pk).update(
        **changes, last_error=message[:300], failing_since=failing_since
    )
    if failing_since > now - KEEP_ON_FAILURE:
        return
    with transaction.atomic():
        # One worker wins the conditional UPDATE: the e-mail goes out once per failure. It
        # is sent before the commit, so that a mail server error leaves it for the next sync.
        won = CalendarConnection.objects.filter(pk=connection.pk, failure_notified_at=None).update(
            failure_notified_at=now, busy_count=0
        )
        if won:
            busy.forget_source(specialist=connection.specialist, source=connection.source, now=now)
            connection.last_error = message
            emails.sync_failing(connection=connection)
