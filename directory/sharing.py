"""What a profile page tells other sites: share links, Open Graph and schema.org JSON-LD."""

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from directory.models import Specialist


@dataclass(frozen=True)
class ShareLink:
    label: str
    url: str


def share_links(*, url: str, title: str) -> list[ShareLink]:
    """Plain links (no third-party scripts) to share a page."""
    return [
        ShareLink(
            _("E-mail"), "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)
        ),
        ShareLink(
            "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
        ),
        ShareLink(
            "X", "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title})
        ),
        ShareLink(
            "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})
        ),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
    ]


def json_ld(
    *,
    specialist: Specialist,
    url: str,
    photo_url: str,
    specialties: list[str],
    languages: list[str],
) -> SafeString:
    """schema.org data for search engines, safe to place inside a <script> element."""
    person: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": specialist.name,
        "jobTitle": specialist.titles,
        "url": url,
        "description": specialist.intro,
        "knowsAbout": specialties,
        "knowsLanguage": languages,
    }
    if photo_url:
        person["image"] = photo_url
    if specialist.location:
        person["workLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": specialist.city,
                "addressRegion": specialist.region,
                "addressCountry": specialist.country,
            },
        }
    text = json.dumps(person, ensure_ascii=False)
    # Nothing in the data can close the script element or start a comment.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above
