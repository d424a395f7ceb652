"""Times for a reader: the one place a moment becomes the words a person reads.

Every page, e-mail and calendar file shows a moment in its READER's zone; where the other
person's wall time differs it is shown beside it ("09:00 your time · 19:30 in Kolkata"). A wall
time that happens twice (the hour repeated when clocks go back) carries its zone abbreviation
("01:30 EDT", "01:30 EST"), so the two are never confused.

The reader's zone comes from, in order: `?tz=` on the request, the account's stored zone, the
`tz` cookie the browser sets on the first visit. Without any of these a page falls back to the
specialist's zone (or UTC) and says so.
"""

from datetime import datetime
from functools import cache
from importlib import resources
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.http import HttpRequest
from django.utils import dateformat
from django.utils.translation import gettext as _

from directory.models import OFFERED_TIME_ZONE_CHOICES, User

COOKIE = "tz"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie
UTC = ZoneInfo("UTC")

LONG = "l j F Y, H:i"
SHORT = "D j M, H:i"
TIME = "H:i"
STYLES = {"long": LONG, "short": SHORT, "time": TIME}


@cache
def _keys() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def _renamed() -> dict[str, str]:
    """Old names of zones to the names in use today ("Asia/Calcutta" to "Asia/Kolkata"), from
    the tz database's links; browsers still report some old ones."""
    text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    current = {key for key, _label in OFFERED_TIME_ZONE_CHOICES}
    links = (line.split()[1:3] for line in text.splitlines() if line.startswith("L "))
    return {old: new for new, old in links if new in current and old not in current}


def zone_named(key: str | None) -> ZoneInfo | None:
    """The zone for an IANA key from the outside world (a cookie, a query, a form), or None;
    an old name gives the zone under its name in use today."""
    if not key or len(key) > 64 or key not in _keys():
        return None
    try:
        return ZoneInfo(_renamed().get(key, key))
    except (ZoneInfoNotFoundError, ValueError):
        return None


class ReaderZone(NamedTuple):
    """The zone a page shows times in; `chosen` is False when it is a fallback, not the
    reader's own, which the page must say."""

    zone: ZoneInfo
    chosen: bool

    @property
    def key(self) -> str:
        return self.zone.key


def from_request(request: HttpRequest) -> ZoneInfo | None:
    """The reader's own zone: `?tz=`, else the account's, else the browser's cookie."""
    zone = zone_named(request.GET.get(COOKIE))
    if zone is not None:
        return zone
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        zone = zone_named(user.time_zone)
        if zone is not None:
            return zone
    return zone_named(request.COOKIES.get(COOKIE))


def choose(*, user: object, zone: ZoneInfo) -> None:
    """Store the zone a person picked on their account (a visitor keeps it in the cookie)."""
    if isinstance(user, User) and user.is_authenticated:
        User.objects.filter(pk=user.pk).update(time_zone=zone.key)
        user.time_zone = zone.key


def remember(*, user: object, zone: ZoneInfo) -> None:
    """Store the browser's zone on an account that has none yet; a zone the person chose
    is never overwritten (conditional UPDATE, so two tabs cannot race)."""
    if isinstance(user, User) and user.is_authenticated and not user.time_zone:
        User.objects.filter(pk=user.pk, time_zone="").update(time_zone=zone.key)
        user.time_zone = zone.key


def for_request(request: HttpRequest, *, fallback: str | None = None) -> ReaderZone:
    """The reader's zone, or the fallback (a specialist's zone), or UTC: labelled as a guess."""
    zone = getattr(request, "reader_zone", None) or from_request(request)
    if zone is not None:
        return ReaderZone(zone, True)
    return ReaderZone(zone_named(fallback) or UTC, False)


def place(zone: ZoneInfo | str) -> str:
    """What a person calls a zone: "Kolkata" for Asia/Kolkata, "Buenos Aires" for
    America/Argentina/Buenos_Aires, "UTC" for UTC."""
    key = zone if isinstance(zone, str) else zone.key
    return key.rsplit("/", 1)[-1].replace("_", " ")


def is_repeated(local: datetime) -> bool:
    """True when this wall time happens twice in its zone (clocks going back)."""
    other = local.replace(fold=1 - local.fold)
    return other.utcoffset() != local.utcoffset()


def wall(moment: datetime, zone: ZoneInfo, *, style: str = "long") -> str:
    """The moment as a wall time in the zone, e.g. "Monday 7 December 2026, 09:00"; a
    repeated wall time gets the zone's abbreviation ("01:30 EDT")."""
    local = moment.astimezone(zone)
    text = dateformat.format(local, STYLES[style])
    if is_repeated(local):
        text = f"{text} {local.tzname()}"
    return text


def beside(moment: datetime, *, reader: ZoneInfo, other: ZoneInfo) -> str:
    """The other person's wall time for a reader, e.g. "19:30 in Kolkata" (with the day when
    it is another day there); empty when it reads the same in both zones."""
    mine, theirs = moment.astimezone(reader), moment.astimezone(other)
    if mine.utcoffset() == theirs.utcoffset():
        return ""
    style = "time" if mine.date() == theirs.date() else "short"
    return _("%(time)s in %(place)s") % {
        "time": wall(moment, other, style=style),
        "place": place(other),
    }


def both(
    moment: datetime, *, reader: ReaderZone | ZoneInfo, other: ZoneInfo | None, style: str = "long"
) -> str:
    """The full line for a reader: "Monday 7 December 2026, 09:00 your time · 19:30 in
    Kolkata"; "… 09:00 (Kolkata time)" when the reader's zone is a guess."""
    if isinstance(reader, ZoneInfo):
        reader = ReaderZone(reader, True)
    text = wall(moment, reader.zone, style=style)
    if not reader.chosen:
        return _("%(when)s (%(place)s time)") % {"when": text, "place": place(reader.zone)}
    elsewhere = beside(moment, reader=reader.zone, other=other) if other else ""
    if not elsewhere:
        return _("%(when)s (%(place)s time)") % {"when": text, "place": place(reader.zone)}
    return _("%(when)s your time · %(elsewhere)s") % {"when": text, "elsewhere": elsewhere}


def from_written_query(moment: datetime | str | None) -> datetime | None:
    """A moment read by a written-out query, aware: SQLite gives naive UTC, or text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
