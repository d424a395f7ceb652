"""The public profile page's own parts (its head, photo, introduction, biography and facts),
drawn once per what they show: only the sections and the heart are drawn for each visit."""

import operator
from typing import NamedTuple
from urllib.parse import urljoin

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from directory import sharing
from directory.models import Specialist
from directory.profiles import UNREAD, Lists
from directory.sections import drawn

HEAD = "directory/_profile_head.html"
PHOTO = "directory/_profile_photo.html"
INTRO = "directory/_profile_intro.html"
ABOUT = "directory/_profile_about.html"
FACTS = "directory/_profile_facts.html"

# Everything the parts may show of the row (with the photo's address, taken apart below).
_row = operator.attrgetter(
    *(field.attname for field in Specialist._meta.concrete_fields if field.name not in UNREAD)
)


class Parts(NamedTuple):
    head: SafeString
    photo: SafeString
    intro: SafeString
    about: SafeString
    facts: SafeString


def parts_for(*, specialist: Specialist, lists: Lists, preview: bool = False) -> Parts:
    """The parts for this profile as it is now: from the process's cache, under a key made of
    every column of the row, its lists and the photo's address, or drawn now."""
    # The canonical address, not the Host header, goes into shared links and metadata.
    url = settings.SITE_URL + specialist.get_absolute_url()
    photo = specialist.photo.url if specialist.photo else ""
    return drawn(
        templates=(HEAD, PHOTO, INTRO, ABOUT, FACTS),
        shown=(url, photo, preview, lists, _row(specialist)),
        draw=lambda: _draw(
            specialist=specialist, lists=lists, url=url, photo=photo, preview=preview
        ),
    )


def _draw(*, specialist: Specialist, lists: Lists, url: str, photo: str, preview: bool) -> Parts:
    photo_url = urljoin(url, photo) if photo else ""
    title = _("%(name)s, %(titles)s") % {"name": specialist.name, "titles": specialist.titles}
    context = {
        "specialist": specialist,
        "lists": lists,
        "page_url": url,
        "photo_url": photo_url,
        "share_title": title,
        "preview": preview,
        # Our own parameter, so insights can tell visits from shared links apart.
        "share_links": sharing.share_links(url=url + "?src=share", title=title),
        "json_ld": sharing.json_ld(
            specialist=specialist,
            url=url,
            photo_url=photo_url,
            specialties=lists.specialties,
            languages=lists.languages,
        ),
    }
    drawn_parts = (render_to_string(name, context) for name in (HEAD, PHOTO, INTRO, ABOUT, FACTS))
    # Our own templates' output.
    return Parts(*(mark_safe(html) for html in drawn_parts))  # noqa: S308
