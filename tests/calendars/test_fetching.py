import socket

import pytest

from calendars import fetching
from calendars.fetching import FetchError, fetch, mask_url, normalize_url, resolve
from tests.calendars.servers import Route

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"


def test_webcal_addresses_are_fetched_over_https():
    assert normalize_url(" webcal://p01-calendars.icloud.com/published/2/abc ") == (
        "https://p01-calendars.icloud.com/published/2/abc"
    )


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a.ics", "file:///etc/passwd", "gopher://x/", "https://", "not a url"],
)
def test_other_schemes_are_refused(url):
    with pytest.raises(FetchError, match="Only http, https and webcal"):
        normalize_url(url)


def test_addresses_with_credentials_are_refused():
    with pytest.raises(FetchError, match="user name or password"):
        normalize_url("https://user:secret@example.com/cal.ics")


def test_the_masked_address_shows_the_host_but_not_the_secret_path():
    masked = mask_url(
        "https://calendar.google.com/calendar/ical/x%40gmail.com/private-abc/basic.ics"
    )

    assert masked == "https://calendar.google.com/…"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104
        "::1",
        "fd00:ec2::254",
        "fe80::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_not_public(address):
    assert not fetching.is_public(address)


def test_a_public_address_is_public():
    assert fetching.is_public("93.184.216.34")
    assert fetching.is_public("2606:4700::6810:85e5")


def test_a_host_resolving_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443))],
    )

    with pytest.raises(FetchError, match="private network"):
        resolve("https://calendar.example.com/cal.ics")


def test_loopback_is_refused_unless_the_host_is_allowed(settings):
    settings.CALENDARS_ALLOWED_HOSTS = []
    with pytest.raises(FetchError, match="private network"):
        resolve("http://127.0.0.1:9/cal.ics")

    settings.CALENDARS_ALLOWED_HOSTS = ["127.0.0.1"]
    assert resolve("http://127.0.0.1:9/cal.ics").address == "127.0.0.1"


def test_an_unknown_host_gives_a_clear_error():
    with pytest.raises(FetchError, match="could not be found"):
        resolve("https://no-such-host.invalid/cal.ics")


def test_fetches_a_calendar_then_a_304_when_unchanged(ics_server):
    ics_server.routes["/cal.ics"] = Route(body=ICS)

    first = fetch(url=ics_server.url("/cal.ics"))
    second = fetch(url=ics_server.url("/cal.ics"), etag=first.etag)

    assert first.body == ICS
    assert first.etag
    assert first.last_modified == "Sat, 05 Dec 2026 10:00:00 GMT"
    assert second.body is None
    assert ics_server.not_modified == 1


def test_a_404_is_reported_in_plain_words(ics_server):
    with pytest.raises(FetchError, match="The calendar address returned 404"):
        fetch(url=ics_server.url("/missing.ics"))


def test_follows_up_to_three_redirects(ics_server):
    ics_server.routes["/cal.ics"] = Route(body=ICS)
    ics_server.routes["/r1"] = Route(status=302, location="/r2")
    ics_server.routes["/r2"] = Route(status=301, location=ics_server.url("/r3"))
    ics_server.routes["/r3"] = Route(status=307, location="/cal.ics")

    assert fetch(url=ics_server.url("/r1")).body == ICS


def test_refuses_a_fourth_redirect(ics_server):
    for n in range(4):
        ics_server.routes[f"/r{n}"] = Route(status=302, location=f"/r{n + 1}")
    ics_server.routes["/r4"] = Route(body=ICS)

    with pytest.raises(FetchError, match="too many times"):
        fetch(url=ics_server.url("/r0"))


def test_a_redirect_to_a_private_address_is_refused(ics_server, settings):
    settings.CALENDARS_ALLOWED_HOSTS = ["127.0.0.1"]
    ics_server.routes["/r"] = Route(status=302, location="http://169.254.169.254/latest/meta-data")

    with pytest.raises(FetchError, match="private network"):
        fetch(url=ics_server.url("/r"))


def test_a_redirect_to_another_scheme_is_refused(ics_server):
    ics_server.routes["/r"] = Route(status=302, location="file:///etc/passwd")

    with pytest.raises(FetchError, match="Only http, https and webcal"):
        fetch(url=ics_server.url("/r"))


def test_an_oversized_calendar_is_refused(ics_server, monkeypatch):
    monkeypatch.setattr(fetching, "MAX_BYTES", 1000)
    ics_server.routes["/big.ics"] = Route(body=ICS + b"X" * 2000)
    ics_server.routes["/big-no-length.ics"] = Route(body=b"X" * 3000, trickle_seconds=0.0001)

    with pytest.raises(FetchError, match="larger than 5 MB"):
        fetch(url=ics_server.url("/big.ics"))
    with pytest.raises(FetchError, match="larger than 5 MB"):
        fetch(url=ics_server.url("/big-no-length.ics"))


def test_a_slow_trickle_is_cut_off_at_the_time_limit(ics_server, monkeypatch):
    monkeypatch.setattr(fetching, "FETCH_SECONDS", 0.5)
    ics_server.routes["/slow.ics"] = Route(body=ICS * 10, trickle_seconds=0.05)

    with pytest.raises(FetchError, match="did not answer"):
        fetch(url=ics_server.url("/slow.ics"))
