"""The "Book a free consultation" widget a specialist embeds on their own website.

The framed page is the only one of the site that another site may frame: its own
Content-Security-Policy names the sites allowed (any, unless the specialist listed some).
It holds nothing personal, sets no cookie and is cached for a few minutes per specialist,
zone, language and way back (insights.sites), so a popular website costs the database one
read every few minutes. Its links carry where the booking ends: a page of ours that offers
the way back to the specialist's own site.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from csp.constants import NONE, SELF
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bookings import availability
from bookings.forms import slot_value
from directory.models import Specialist

CACHE_SECONDS = 180
SHOWN = 4
LOOK_AHEAD = timedelta(days=14)
# Our own links carry it, so insights can tell where a visit came from.
SOURCE = "widget"


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


def booked_path(*, specialist: Specialist, back: str) -> str:
    """Our page a booking made through the widget ends on, offering the way back to `back`
    (one of the specialist's own addresses, insights.sites); "" without one, so the booking
    ends on the consultation's page as usual."""
    if not back:
        return ""
    booked = reverse("insights:booked", kwargs={"slug": specialist.slug})
    return booked + "?" + urlencode({"back": back})


def _query(**values: str) -> str:
    return urlencode({key: value for key, value in values.items() if value})


def next_times(
    *, specialist: Specialist, zone: ZoneInfo, now: datetime, then: str = ""
) -> list[Slot]:
    """The next few free consultation times, each with the absolute address that books it
    (and goes on to `then` afterwards, when given)."""
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
            + _query(slot=slot_value(slot.starts_at), tz=zone.key, src=SOURCE, next=then),
        )
        for slot in found
    ]


def button_url(*, specialist: Specialist, zone: ZoneInfo, then: str = "") -> str:
    """Where the widget's button continues: picking a time (then `then`), or the profile of
    a specialist who offers no free consultation."""
    if not specialist.offers_free_consultation:
        return profile_url(specialist=specialist)
    pick = settings.SITE_URL + reverse("bookings:pick", kwargs={"slug": specialist.slug})
    return pick + "?" + _query(tz=zone.key, src=SOURCE, next=then)


def profile_url(*, specialist: Specialist) -> str:
    return settings.SITE_URL + specialist.get_absolute_url() + "?" + urlencode({"src": SOURCE})


def policy_changes(*, framing: list[str]) -> dict[str, list[str] | None]:
    """What the widget changes in the site's Content-Security-Policy (django-csp's replace):
    framing by the given sites and our own pages, or by any site when none are given;
    nothing to fetch, connect to or post beyond its own CSS, script and photo."""
    return {
        "default-src": [NONE],
        "connect-src": None,
        "font-src": None,
        "form-action": [NONE],
        "frame-ancestors": [SELF, *framing] if framing else ["*"],
    }


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
