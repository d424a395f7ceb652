"""Adding, choosing and removing a specialist's calendar connections.

Each function takes the specialist's lock first (as bookings do), so that limits and
"exactly one calendar receives new consultations" are decided under one lock; the database
constraint on RemoteCalendar is the real guard.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings import busy
from bookings.hours import lock_specialist
from calendars import caldav_sync, fetching, sealing, writeback
from calendars.models import CalendarConnection, RemoteCalendar, RemoteObject
from directory.models import Specialist

MAX_CONNECTIONS = 10
SYNC_NOW_INTERVAL = timedelta(minutes=1)


class CalendarError(Exception):
    """A connection could not be made or changed; the message is safe to show."""


def _lock(specialist: Specialist) -> None:
    lock_specialist(specialist=specialist)
    listed = CalendarConnection.objects.filter(specialist=specialist, removing_since=None)
    if listed.count() >= MAX_CONNECTIONS:
        raise CalendarError(
            _("You can connect at most %(count)s calendars.") % {"count": MAX_CONNECTIONS}
        )


@transaction.atomic
def add_subscription(*, specialist: Specialist, url: str, now: datetime) -> CalendarConnection:
    """Subscribe to an iCalendar address; its first sync is due at once.

    Raises CalendarError for an address that cannot be used.
    """
    try:
        url = fetching.normalize_url(url)
    except fetching.FetchError as error:
        raise CalendarError(str(error)) from None
    _lock(specialist)
    return CalendarConnection.objects.create(
        specialist=specialist,
        kind=CalendarConnection.Kind.ICS,
        url_sealed=sealing.seal(url, purpose="url"),
        masked_url=fetching.mask_url(url),
        next_sync_at=now,
    )


def add_caldav_account(
    *, specialist: Specialist, url: str, username: str, password: str, now: datetime
) -> CalendarConnection:
    """Connect a CalDAV account after logging in to it and listing its calendars.

    Every calendar is read for busy times; the first one receives new consultations
    unless another calendar of the specialist already does. Raises CalendarError.
    """
    try:
        client = caldav_sync.open_client(url=url, username=username, password=password)
        found = caldav_sync.list_calendars(client=client)
        url = fetching.normalize_url(url)
    except (caldav_sync.CalDAVError, fetching.FetchError) as error:
        raise CalendarError(str(error)) from None
    if not found:
        raise CalendarError(_("We found no calendars in this account."))
    with transaction.atomic():
        _lock(specialist)
        connection = CalendarConnection.objects.create(
            specialist=specialist,
            kind=CalendarConnection.Kind.CALDAV,
            url_sealed=sealing.seal(url, purpose="url"),
            username_sealed=sealing.seal(username, purpose="username"),
            password_sealed=sealing.seal(password, purpose="password"),
            masked_url=fetching.mask_url(url),
            next_sync_at=now,
        )
        has_receiver = RemoteCalendar.objects.filter(
            specialist=specialist, receives_consultations=True
        ).exists()
        RemoteCalendar.objects.bulk_create(
            RemoteCalendar(
                connection=connection,
                specialist=specialist,
                url=calendar.url,
                name=calendar.name,
                receives_consultations=not has_receiver and index == 0,
            )
            for index, calendar in enumerate(found)
        )
    return connection


@transaction.atomic
def choose_calendars(
    *,
    connection: CalendarConnection,
    read_busy: set[int],
    receiving: int | None,
    now: datetime,
) -> None:
    """Which calendars of a CalDAV account are read, and which one (of all the
    specialist's) receives new consultations. Busy times are read again at once."""
    lock_specialist(specialist=connection.specialist)
    calendars = RemoteCalendar.objects.filter(connection=connection)
    calendars.update(read_busy=False)
    calendars.filter(pk__in=read_busy).update(read_busy=True)
    if receiving is not None and calendars.filter(pk=receiving).exists():
        RemoteCalendar.objects.filter(specialist_id=connection.specialist_id).exclude(
            pk=receiving
        ).update(receives_consultations=False)
        try:
            with transaction.atomic():
                calendars.filter(pk=receiving).update(receives_consultations=True)
        except IntegrityError:
            raise CalendarError(_("Another calendar was just chosen. Please try again.")) from None
    # Read everything again: a calendar no longer chosen must stop blocking slots.
    CalendarConnection.objects.filter(pk=connection.pk).update(next_sync_at=now, parsed_at=None)


def request_sync(*, connection: CalendarConnection, now: datetime) -> None:
    """Make the connection due now ("Sync now"); at most once a minute.

    Raises CalendarError when it was synced or requested moments ago.
    """
    recent = now - SYNC_NOW_INTERVAL
    requested = (
        CalendarConnection.objects.filter(pk=connection.pk)
        .exclude(last_attempt_at__gt=recent)
        .exclude(next_sync_at__lte=now)
        .update(next_sync_at=now)
    )
    if not requested:
        raise CalendarError(_("This calendar is already being synced. Please wait a minute."))


def events_to_remove(*, connection: CalendarConnection) -> int:
    """How many of our consultations' events are in the connection's calendars (or are
    being written there now): a removal takes them out."""
    return writeback.written_to(connection=connection).count()


@transaction.atomic
def remove_connection(*, connection: CalendarConnection, now: datetime) -> int:
    """Remove a connection; its busy times stop blocking at once. The number of our
    consultations' events still to be taken out of its calendars.

    With none, it goes at once with its sealed secrets. Otherwise it is kept, unread
    and unlisted, until the write-back sweep has deleted those events with its
    credentials (REMOVAL_GIVES_UP at most); then it goes (`writeback.finish_removals`).
    """
    # A sync stores busy times under these same locks, so none can outlive the removal.
    lock_specialist(specialist=connection.specialist)
    CalendarConnection.objects.select_for_update().filter(pk=connection.pk).exists()
    return _remove(connection, now=now)


def _remove(connection: CalendarConnection, *, now: datetime) -> int:
    busy.forget_source(specialist=connection.specialist, source=connection.source, now=now)
    remaining = events_to_remove(connection=connection)
    if not remaining:
        connection.delete()
        return 0
    RemoteObject.objects.filter(calendar__connection=connection).delete()
    connection.calendars.update(read_busy=False, receives_consultations=False, sync_token="")
    CalendarConnection.objects.filter(pk=connection.pk).update(
        removing_since=now, busy_count=0, busy_hash="", etag="", content_hash=""
    )
    return remaining


def forget_specialist(*, specialist: Specialist, now: datetime) -> None:
    """Every connection of a specialist whose account is erased, with the busy times they
    brought, like a removal: their sealed credentials stay only until our consultations'
    events are out of their calendars. The caller holds the specialist's lock."""
    for connection in CalendarConnection.objects.filter(specialist=specialist):
        _remove(connection, now=now)
