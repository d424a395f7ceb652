"""CalDAV accounts through the `caldav` library: list calendars, read busy times.

The server address is checked like a subscribed calendar's (scheme, public address unless
allowed by CALENDARS_ALLOWED_HOSTS) before any request. Errors become CalDAVError with
plain words; the library's own messages (which may quote the server) are never shown.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from caldav.calendarobjectresource import Event
from caldav.collection import Calendar, SynchronizableCalendarObjectCollection
from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error as dav_error
from caldav.lib.url import URL
from django.utils.translation import gettext as _

from calendars import fetching, parsing, sealing
from calendars.models import CalendarConnection, RemoteCalendar, RemoteObject

TIMEOUT_SECONDS = 10
MAX_CALENDARS = 50
# The UIDs of the events we write carry this, so that our own consultations are not read
# back as busy times.
OWN_UID_MARK = "first-step-consultation"


class CalDAVError(Exception):
    """The CalDAV server could not be used; the message is plain words, safe to show."""


@dataclass(frozen=True)
class FoundCalendar:
    url: str
    name: str


@contextmanager
def plain_errors() -> Iterator[None]:
    try:
        yield
    except dav_error.AuthorizationError:
        raise CalDAVError(_("Wrong user name or password.")) from None
    except dav_error.NotFoundError:
        raise CalDAVError(_("The CalDAV address returned 404.")) from None
    except (dav_error.DAVError, ValueError):
        # ValueError: the library refuses an answer it cannot make sense of (a foreign href).
        raise CalDAVError(_("The CalDAV server gave an answer we could not use.")) from None
    except TimeoutError:
        raise CalDAVError(_("The CalDAV server did not answer within 10 seconds.")) from None
    except OSError:
        raise CalDAVError(_("The CalDAV server could not be reached.")) from None


def open_client(*, url: str, username: str, password: str) -> DAVClient:
    """A client for a checked server address; raises CalDAVError."""
    try:
        url = fetching.normalize_url(url)
        fetching.resolve(url)
    except fetching.FetchError as error:
        raise CalDAVError(str(error)) from None
    return DAVClient(
        url=url,
        username=username,
        password=password,
        timeout=TIMEOUT_SECONDS,
        enable_rfc6764=False,
        require_tls=False,
    )


def client_for(connection: CalendarConnection) -> DAVClient:
    return open_client(
        url=sealing.unseal(connection.url_sealed, purpose="url"),
        username=sealing.unseal(connection.username_sealed, purpose="username"),
        password=sealing.unseal(connection.password_sealed, purpose="password"),
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def list_calendars(*, client: DAVClient) -> list[FoundCalendar]:
    """The event calendars of the account, at most MAX_CALENDARS; raises CalDAVError.

    Only calendars on the server's own origin: the server names their addresses, and
    we must not be sent with the password to another host (a private one, say).
    """
    origin = _origin(str(client.url))
    with plain_errors():
        found = []
        for calendar in client.principal().calendars()[:MAX_CALENDARS]:
            if _origin(str(calendar.url)) != origin:
                continue
            name = calendar.get_display_name() or str(calendar.url).rstrip("/").rsplit("/", 1)[-1]
            found.append(FoundCalendar(url=str(calendar.url), name=str(name)[:200]))
        return found


def calendar_at(*, client: DAVClient, url: str) -> Calendar:
    return Calendar(client=client, url=url)


def put_event(*, client: DAVClient, href: str, data: bytes) -> None:
    """Create or replace the event at `href`; raises the library's DAVError."""
    response = client.put(href, data.decode(), {"Content-Type": "text/calendar; charset=utf-8"})
    if response.status == 401:
        raise dav_error.AuthorizationError(href)
    if response.status not in (200, 201, 204):
        raise dav_error.PutError(href)


def delete_event(*, client: DAVClient, href: str) -> None:
    """Delete the event at `href`; an event already gone is fine."""
    response = client.delete(href)
    if response.status == 401:
        raise dav_error.AuthorizationError(href)
    if response.status not in (200, 204, 404):
        raise dav_error.DeleteError(href)


def _sync_token(calendar: Calendar) -> str:
    """The collection's sync token (RFC 6578), "" when the server offers none."""
    try:
        token = calendar.get_property(dav.SyncToken())
    except dav_error.DAVError:
        return ""
    return str(token or "")[:500]


@dataclass(frozen=True)
class CalendarChanges:
    """What one read found in a calendar: every object in the window when `full`, else
    only the objects changed (`changed`) or removed (`deleted`) since the stored token."""

    calendar_id: int
    token: str
    full: bool
    changed: dict[str, list[parsing.Interval]]
    deleted: frozenset[str]

    @property
    def nothing(self) -> bool:
        return not (self.full or self.changed or self.deleted)


def _href(resource: object) -> str:
    return str(cast("URL", cast("Event", resource).url).canonical())[:1000]


def _busy_of(data: str | None, zone: ZoneInfo, start: datetime, end: datetime) -> list:
    if not data or OWN_UID_MARK in data:  # gone meanwhile, or one of our consultations
        return []
    return parsing.busy_intervals(data=data.encode(), zone=zone, start=start, end=end)


def _read_all(
    calendar: Calendar, calendar_id: int, zone: ZoneInfo, start: datetime, end: datetime
) -> CalendarChanges:
    # The token first: a change made during the search is then reported again, harmlessly.
    token = _sync_token(calendar)
    events: object = calendar.search(start=start, end=end, event=True, expand=False)
    changed = {
        _href(event): _busy_of(event.data, zone, start, end)
        for event in cast("list[Event]", events)
    }
    return CalendarChanges(calendar_id, token, True, changed, frozenset())


def _read_since(
    calendar: Calendar, calendar_id: int, token: str, zone: ZoneInfo, start: datetime, end: datetime
) -> CalendarChanges | None:
    """Only what changed since `token` (one small request when nothing did); None when the
    server no longer accepts the token or cut its answer short."""
    try:
        found = cast(
            "SynchronizableCalendarObjectCollection",
            calendar.get_objects_by_sync_token(
                sync_token=token, load_objects=True, disable_fallback=True
            ),
        )
    except dav_error.DAVError:
        return None  # an expired token; a real refusal shows again in the full read
    if found.truncated:
        return None
    deleted = frozenset(str(url)[:1000] for url in found.deleted_urls)
    changed = {
        _href(resource): _busy_of(getattr(resource, "data", None), zone, start, end)
        for resource in found.objects
        if _href(resource) not in deleted
    }
    return CalendarChanges(calendar_id, str(found.sync_token or "")[:500], False, changed, deleted)


def read_changes(
    *,
    connection: CalendarConnection,
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    fresh: bool,
) -> list[CalendarChanges]:
    """What changed in each calendar chosen for reading, between `start` and `end`.

    With a sync token kept from the last read (and `fresh`: the window has not moved far),
    only the changes since are fetched (RFC 6578); otherwise, or when the server refuses
    the token, the calendar's events in the window are read in full. Raises CalDAVError
    or parsing.ParseError.
    """
    client = client_for(connection)
    found = []
    with plain_errors():
        for remote in connection.calendars.filter(read_busy=True):
            calendar = calendar_at(client=client, url=remote.url)
            changes = None
            if fresh and remote.sync_token:
                changes = _read_since(calendar, remote.pk, remote.sync_token, zone, start, end)
            found.append(changes or _read_all(calendar, remote.pk, zone, start, end))
    return found


def store_changes(
    *, connection: CalendarConnection, changes: list[CalendarChanges]
) -> list[parsing.Interval]:
    """Apply a read to the stored objects (and tokens) of the connection's calendars; the
    busy intervals of every calendar read. Calendars no longer read are forgotten."""
    read = [change.calendar_id for change in changes]
    stored = RemoteObject.objects.filter(calendar__connection=connection)
    stored.exclude(calendar_id__in=read).delete()
    connection.calendars.exclude(pk__in=read).update(sync_token="")
    for change in changes:
        objects = RemoteObject.objects.filter(calendar_id=change.calendar_id)
        if change.full:
            objects.delete()
        elif change.changed or change.deleted:
            objects.filter(href__in=[*change.changed, *change.deleted]).delete()
        RemoteObject.objects.bulk_create(
            RemoteObject(
                calendar_id=change.calendar_id,
                href=href,
                busy=[[s.isoformat(), e.isoformat()] for s, e in intervals],
            )
            for href, intervals in change.changed.items()
            if intervals
        )
        RemoteCalendar.objects.filter(pk=change.calendar_id).update(sync_token=change.token)
    return [
        (datetime.fromisoformat(s), datetime.fromisoformat(e))
        for busy in stored.values_list("busy", flat=True)
        for s, e in busy
    ]
