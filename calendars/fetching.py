"""Fetch a subscribed calendar safely: its address is attacker-controlled input.

Only http, https and webcal; every address the host resolves to must be public (no
private, loopback, link-local or metadata address) unless the host is in
CALENDARS_ALLOWED_HOSTS, and the connection goes to the address that was checked, so that
a second DNS answer cannot swap it. The same checks run again after each redirect (at
most 3). One fetch takes at most FETCH_SECONDS in all and reads at most MAX_BYTES.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

FETCH_SECONDS = 10.0
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
SCHEMES = {"http": 80, "https": 443}
USER_AGENT = "FirstStep-CalendarSync/1.0"


class FetchError(Exception):
    """The calendar could not be fetched; the message is plain words, safe to show."""


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since the ETag / Last-Modified we sent
    etag: str
    last_modified: str


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def normalize_url(url: str) -> str:
    """The address to fetch: webcal:// is https://. Raises FetchError for anything else."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "webcal":
        url = "https" + url[len(parts.scheme) :]
        parts = urlsplit(url)
        scheme = "https"
    if scheme not in SCHEMES or not parts.hostname:
        raise FetchError(_("Only http, https and webcal calendar addresses can be used."))
    if parts.username or parts.password:
        raise FetchError(_("The calendar address must not contain a user name or password."))
    return url


def mask_url(url: str) -> str:
    """What pages show of a secret address: its scheme and host only."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…"


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> Target:
    """Check a normalized address and pick the IP address to connect to; raises FetchError."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise FetchError(_("The calendar address is not valid.")) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchError(_("The calendar server's name could not be found.")) from None
    addresses = [str(info[4][0]) for info in infos]
    if host not in settings.CALENDARS_ALLOWED_HOSTS and not all(map(is_public, addresses)):
        raise FetchError(_("The calendar address points to a private network."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)


def _read_capped(response: http.client.HTTPResponse, *, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
        raise FetchError(_("The calendar is larger than 5 MB."))
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(_("The calendar is larger than 5 MB."))
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(*, url: str, etag: str = "", last_modified: str = "") -> Fetched:
    """GET a calendar, conditionally when `etag` / `last_modified` are given.

    Raises FetchError with a plain-words reason for anything but a 200 or a 304.
    """
    deadline = time.monotonic() + FETCH_SECONDS
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    headers["Accept-Encoding"] = "identity"
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _redirect in range(MAX_REDIRECTS + 1):
        url = normalize_url(url)
        target = resolve(url)
        kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        connection = kind(target, timeout=max(0.1, deadline - time.monotonic()))
        try:
            connection.request("GET", target.path, headers=headers)
            response = connection.getresponse()
            status = response.status
            if status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("The calendar address redirected nowhere."))
                url = urljoin(url, location)
                continue
            if status == 304:
                return Fetched(body=None, etag=etag, last_modified=last_modified)
            if status in (401, 403):
                raise FetchError(
                    _("The calendar address refused access (%(status)s).") % {"status": status}
                )
            if status != 200:
                raise FetchError(
                    _("The calendar address returned %(status)s.") % {"status": status}
                )
            body = _read_capped(response, deadline=deadline)
            return Fetched(
                body=body,
                etag=response.getheader("ETag") or "",
                last_modified=response.getheader("Last-Modified") or "",
            )
        except TimeoutError:
            raise FetchError(_("The calendar server did not answer within 10 seconds.")) from None
        except ssl.SSLError:
            raise FetchError(_("The calendar server's secure connection failed.")) from None
        except (OSError, http.client.HTTPException):
            raise FetchError(_("The calendar server could not be reached.")) from None
        finally:
            connection.close()
    raise FetchError(_("The calendar address redirected too many times."))
