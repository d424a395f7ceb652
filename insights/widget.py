"""The "Book a free consultation" widget a specialist embeds on their own website.

The framed page is the only one of the site that another site may frame: its own
Content-Security-Policy names the sites allowed (any, unless the specialist listed some).
It holds nothing personal, sets no cookie and is cached for a few minutes per specialist,
zone and language, so a popular website costs the database one read every few minutes.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from csp.constants import NONE, SELF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bookings import availability
from bookings.forms import slot_value
from directory.models import Specialist
from insights.models import WidgetSettings

CACHE_SECONDS = 180
SHOWN = 4
LOOK_AHEAD = timedelta(days=14)
MAX_SITES = 10
# Our own links carry it, so insights can tell where a visit came from.
SOURCE = "widget"
# A host name (letters, digits, hyphens, dots, "localhost" included) and nothing else.
HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    book_url: str


@dataclass(frozen=True)
class Snippets:
    frame_url: str
    title: str
    script: str
    iframe: str


def next_times(*, specialist: Specialist, zone: ZoneInfo, now: datetime) -> list[Slot]:
    """The next few free consultation times, each with the absolute address that books it."""
    if not specialist.offers_free_consultation:
        return []
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + LOOK_AHEAD
    )[:SHOWN]
    book = settings.SITE_URL + reverse("bookings:book", kwargs={"slug": specialist.slug})
    return [
        Slot(
            starts_at=slot.starts_at,
            book_url=book
            + "?"
            + urlencode({"slot": slot_value(slot.starts_at), "tz": zone.key, "src": SOURCE}),
        )
        for slot in found
    ]


def profile_url(*, specialist: Specialist) -> str:
    return settings.SITE_URL + specialist.get_absolute_url() + "?" + urlencode({"src": SOURCE})


def policy_changes(*, allowed: list[str]) -> dict[str, list[str] | None]:
    """What the widget changes in the site's Content-Security-Policy (django-csp's replace):
    framing by the listed sites and our own pages, or by any site; nothing to fetch, connect
    to or post beyond its own CSS, script and photo."""
    return {
        "default-src": [NONE],
        "connect-src": None,
        "font-src": None,
        "form-action": [NONE],
        "frame-ancestors": [SELF, *allowed] if allowed else ["*"],
    }


def allowed_sites(*, specialist: Specialist) -> list[str]:
    found = WidgetSettings.objects.filter(specialist=specialist).first()
    return found.sites if found else []


def parse_sites(text: str) -> list[str]:
    """Addresses, one per line, as origins ("https://example.org"); raise ValidationError
    naming the first line that is not a web address. Only host name characters pass, so
    nothing a specialist types can add to the Content-Security-Policy."""
    sites: list[str] = []
    for line in text.split():
        parts = urlsplit(line if "://" in line else "https://" + line)
        try:
            port = parts.port
        except ValueError:
            port = -1
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or port == -1 or not HOST.fullmatch(host):
            raise ValidationError(
                _("“%(site)s” is not a website address such as https://example.org."),
                params={"site": line[:100]},
            )
        origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
        if origin not in sites:
            sites.append(origin)
    if len(sites) > MAX_SITES:
        raise ValidationError(_("List at most %(count)s websites."), params={"count": MAX_SITES})
    return sites


def save_sites(*, specialist: Specialist, sites: list[str]) -> None:
    """Store the sites allowed to frame the widget; takes effect within CACHE_SECONDS."""
    WidgetSettings.objects.update_or_create(
        specialist=specialist, defaults={"allowed_sites": "\n".join(sites)}
    )


def snippets(*, specialist: Specialist) -> Snippets:
    """What the specialist pastes into their website: a script that turns a plain link into
    the widget (the link stays when scripts are off), or an iframe."""
    frame = settings.SITE_URL + reverse("insights:widget", kwargs={"slug": specialist.slug})
    label = _("Book a free consultation with %(name)s") % {"name": specialist.name}
    script = settings.SITE_URL + reverse("insights:embed")
    return Snippets(
        frame_url=frame,
        title=label,
        script=format_html(
            '<a href="{}" data-first-step-widget="{}" target="_blank" rel="noopener">{}</a>\n'
            '<script src="{}" async></script>',
            profile_url(specialist=specialist),
            frame,
            label,
            script,
        ),
        iframe=format_html(
            '<iframe src="{}" title="{}" width="360" height="440" loading="lazy"></iframe>',
            frame,
            label,
        ),
    )
