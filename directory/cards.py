"""What a specialist card needs, shared by search, the home page and featured listings."""

import functools
import hashlib
import operator
from collections.abc import Collection, Sequence
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.cache import caches
from django.db import connection, models
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from directory import local_time
from directory.models import Specialist

TOP_SPECIALTIES = 3

# What a card shows; the bio and search columns stay in the database.
CARD_FIELDS = (
    "slug",
    "status",
    "name",
    "titles",
    "photo",
    "photo_thumbnail",
    "offers_free_consultation",
    "offers_online",
    "offers_in_person",
    "city",
    "region",
    "country",
    "time_zone",
    "next_free_slot_at",
    "fee_per_session",
    "fee_currency",
    "sliding_scale_from",
    "accepting_new_clients",
)
# Free consultations first (seed 001: those specialists are featured prominently), then
# whoever is free soonest. Matches the partial index `specialist_listing_order`.
DEFAULT_ORDER = (
    F("offers_free_consultation").desc(),
    F("next_free_slot_at").asc(nulls_last=True),
    F("id").asc(),
)
SOONEST_ORDER = (
    F("next_free_slot_at").asc(nulls_last=True),
    F("offers_free_consultation").desc(),
    F("id").asc(),
)


class Tag(NamedTuple):
    slug: str
    name: str


_BY_NAME = operator.attrgetter("name")


class _Tags(models.TextField):
    """The specialties a card shows, read with the card as "slug<TAB>name" lines."""

    def from_db_value(self, value: str | None, *_args: object) -> list[Tag]:
        if not value:
            return []
        tags = [Tag._make(line.split("\t", 1)) for line in value.split("\n") if line]
        return sorted(tags, key=_BY_NAME)


# The card's first TOP_SPECIALTIES specialties by name, in the query that reads the card.
_TAGS_SQL = """(SELECT {aggregate}(top.tag, %s) FROM (
    SELECT specialty.slug || %s || specialty.name AS tag
    FROM directory_specialist_specialties link
    JOIN directory_specialty specialty ON specialty.id = link.specialty_id
    WHERE link.specialist_id = "directory_specialist"."id"
    ORDER BY specialty.name, specialty.id LIMIT %s) top)"""


def card_rows(queryset: QuerySet[Specialist]) -> QuerySet[Specialist]:
    """`queryset` reading only what a card shows, with its specialties as `card_specialties`."""
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    tags = RawSQL(  # noqa: S611 - constants; the separators and limit are parameters
        _TAGS_SQL.format(aggregate=aggregate), ["\n", "\t", TOP_SPECIALTIES], output_field=_Tags()
    )
    return queryset.only(*CARD_FIELDS).annotate(card_specialties=tags)


# The card's display strings are made here rather than with template tags and filters:
# a results page shows 23 cards, and per-card template logic was a third of its time.


def places(specialist: Specialist) -> str:
    """How the specialist sees clients, e.g. "Online · In person (Lyon)"."""
    parts = []
    if specialist.offers_online:
        parts.append(_("Online"))
    if specialist.offers_in_person:
        parts.append(f"{_('In person')} ({specialist.city})" if specialist.city else _("In person"))
    return " · ".join(parts)


def next_free(specialist: Specialist, *, reader: ZoneInfo | None) -> str:
    """The next free slot in the reader's zone (else the specialist's own), e.g. "Tue 24 Nov,
    10:00"; empty when there is none (or the zone is unknown, which the form does not allow)."""
    moment = specialist.next_free_slot_at
    zone = reader or local_time.zone_named(specialist.time_zone)
    if moment is None or zone is None:
        return ""
    return local_time.wall(moment, zone, style="short")


def fee(specialist: Specialist) -> str:
    """The fee, e.g. "120 CAD per session (sliding scale from 80)"; empty when none is given."""
    if specialist.fee_per_session is None:
        return ""
    text = _("%(fee)s %(currency)s per session") % {
        "fee": specialist.fee_per_session,
        "currency": specialist.fee_currency,
    }
    if specialist.sliding_scale_from is not None:
        text += " " + _("(sliding scale from %(fee)s)") % {"fee": specialist.sliding_scale_from}
    return text


def distance(specialist: Specialist) -> str:
    """How far the practice is from the place searched, e.g. "3.2 km"; empty when the search
    named no place."""
    km = getattr(specialist, "distance_km", None)
    if km is None:
        return ""
    return _("%(km)s km") % {"km": number_format(km, decimal_pos=1 if km < 100 else 0)}


CARD_TEMPLATE = "directory/_specialist_card.html"
# A results page shows 23 cards, and drawing them was most of its time. A card's HTML is
# kept under a key made of everything it shows, so an edit or a new free time is simply a
# new key: nothing is ever invalidated, and old versions age out. Each process keeps its own.
CARD_SECONDS = 30 * 60


class Drawing(NamedTuple):
    """How cards are drawn for one reader: their zone, their shortlist, and where from."""

    reader: ZoneInfo | None
    saved_ids: Collection[int] = ()
    hearts: bool = False
    source: str = ""


def drawn(cards: Sequence[Specialist], drawing: Drawing) -> list[SafeString]:
    """Each card's HTML, in order: from the cache in one round trip, the rest drawn now."""
    cache = caches["fragments"]
    page = (
        _template_digest(),
        translation.get_language(),
        drawing.reader.key if drawing.reader else "",
        drawing.hearts,
        drawing.source,
    )
    keys = [_card_key(card, drawing, page) for card in cards]
    found = cache.get_many(keys)
    missing = {
        key: render_to_string(CARD_TEMPLATE, _card_context(card, drawing))
        for key, card in zip(keys, cards, strict=True)
        if key not in found
    }
    if missing:
        cache.set_many(missing, CARD_SECONDS)
    found.update(missing)
    return [mark_safe(found[key]) for key in keys]  # noqa: S308 - our own template's output


def _card_context(card: Specialist, drawing: Drawing) -> dict[str, object]:
    return {
        "card": card,
        "featured": getattr(card, "is_featured", False),
        "reader": drawing.reader,
        "hearts": drawing.hearts,
        "saved": card.pk in drawing.saved_ids,
        "source": drawing.source,
    }


def _card_key(card: Specialist, drawing: Drawing, page: tuple[object, ...]) -> str:
    """Everything the card shows: the page's part (template, language, zone, hearts, source)
    and the card's own columns as read (a column not read is read now, as the card would)."""
    values = card.__dict__
    shown = (
        page,
        card.pk,
        card.pk in drawing.saved_ids,
        values.get("is_featured", False),
        [values[name] if name in values else getattr(card, name) for name in CARD_FIELDS],
        values.get("card_specialties", ()),
        values.get("distance_km"),
    )
    return "card:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


@functools.cache
def _template_digest() -> str:
    """The card template's own version, so a changed template is never served from old keys."""
    source = get_template(CARD_TEMPLATE).template.source  # type: ignore[attr-defined]
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()
