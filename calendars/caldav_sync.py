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
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error as dav_error
from django.utils.translation import gettext as _

from calendars import fetching, parsing, sealing
from calendars.models import CalendarConnection

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


def busy_intervals(
    *,
    connection: CalendarConnection,
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    fresh: bool,
) -> tuple[list[parsing.Interval] | None, dict[int, str]]:
    """Busy times between `start` and `end` in the calendars chosen for reading, and each
    calendar's sync token; None instead of the times when `fresh` and no token changed.

    Raises CalDAVError or parsing.ParseError.
    """
    client = client_for(connection)
    chosen = list(connection.calendars.filter(read_busy=True))
    with plain_errors():
        calendars = {remote.pk: calendar_at(client=client, url=remote.url) for remote in chosen}
        tokens = {pk: _sync_token(calendar) for pk, calendar in calendars.items()}
        if fresh and all(tokens[r.pk] and tokens[r.pk] == r.sync_token for r in chosen):
            return None, tokens
        found: list[parsing.Interval] = []
        for calendar in calendars.values():
            events: object = calendar.search(start=start, end=end, event=True, expand=False)
            for event in cast("list[Event]", events):
                data = event.data or ""
                if OWN_UID_MARK in data:
                    continue
                found += parsing.busy_intervals(data=data.encode(), zone=zone, start=start, end=end)
    return found, tokens
