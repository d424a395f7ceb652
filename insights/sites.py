"""A specialist's own websites: their website, and the sites allowed to show their widget.

Both are read as addresses with a plain host name only, so nothing a specialist types can
add to a Content-Security-Policy or smuggle another host past the checks. They decide the
one rule for the way back after a booking made through the widget: the link a client is
offered is always one of these saved addresses, never one taken from a request.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from directory.models import Specialist
from insights.models import WidgetSettings

MAX_SITES = 10
# A host name (letters, digits, hyphens, dots, "localhost" included) and nothing else.
HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


@dataclass(frozen=True)
class Sites:
    website: str = ""  # the specialist's own website, a full address; "" when not given
    allowed: list[str] = field(default_factory=list)  # origins that may frame the widget

    def framing(self) -> list[str]:
        """The origins that may frame the widget: the listed ones and the website's; none
        (any site) when nothing is listed."""
        if not self.allowed:
            return []
        own = origin_of(self.website)
        return [*self.allowed, own] if own and own not in self.allowed else self.allowed


def _parts(address: str) -> SplitResult | None:
    """An http(s) address with a plain host name and no user name or password; None else."""
    if not address or any(c.isspace() or c == "\\" or not c.isprintable() for c in address):
        return None
    parts = urlsplit(address if "://" in address else "https://" + address)
    try:
        parts.port  # noqa: B018 (raises ValueError for a port that is not one)
    except ValueError:
        return None
    if (
        parts.scheme not in ("http", "https")
        or parts.username is not None
        or not HOST.fullmatch(parts.hostname or "")
    ):
        return None
    return parts


def origin_of(address: str) -> str | None:
    """ "https://example.org" (with its port, if any) for a web address; None for anything
    else. Pure."""
    parts = _parts(address)
    if parts is None:
        return None
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def return_address(*, sites: Sites, came_from: str) -> str:
    """Where a client who booked through the widget is offered to go back to: the listed
    site the widget was shown on (`came_from`, the embedding page's origin) or else the
    specialist's website; "" when there is neither. Pure, and only ever one of the
    addresses the specialist saved, so no request can point the link anywhere else."""
    asked = origin_of(came_from)
    if asked is not None and asked in sites.allowed and asked != origin_of(sites.website):
        return asked + "/"
    return sites.website


def parse_sites(text: str) -> list[str]:
    """Addresses, one per line, as origins ("https://example.org"); raise ValidationError
    naming the first line that is not a web address."""
    found: list[str] = []
    for line in text.split():
        origin = origin_of(line)
        if origin is None:
            raise ValidationError(
                _("“%(site)s” is not a website address such as https://example.org."),
                params={"site": line[:100]},
            )
        if origin not in found:
            found.append(origin)
    if len(found) > MAX_SITES:
        raise ValidationError(_("List at most %(count)s websites."), params={"count": MAX_SITES})
    return found


def parse_website(text: str) -> str:
    """The specialist's website as a full address (without its #fragment); "" for none;
    raise ValidationError for anything that is not a web address."""
    text = text.strip()
    if not text:
        return ""
    parts = _parts(text)
    if parts is None:
        raise ValidationError(
            _("“%(site)s” is not a website address such as https://example.org."),
            params={"site": text[:100]},
        )
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else ""
    return iri_to_uri(urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")))


def sites_of(*, specialist: Specialist) -> Sites:
    """One query."""
    found = WidgetSettings.objects.filter(specialist=specialist).first()
    return Sites(website=found.website, allowed=found.sites) if found else Sites()


def save(*, specialist: Specialist, sites: Sites) -> None:
    """Store the specialist's website and the sites allowed to frame the widget; the widget
    follows within its cache time."""
    WidgetSettings.objects.update_or_create(
        specialist=specialist,
        defaults={"website": sites.website, "allowed_sites": "\n".join(sites.allowed)},
    )
