"""Template side of directory.local_time: `{% load local_time %}`.

    {{ moment|wall:zone }}              Monday 7 December 2026, 09:00
    {{ moment|wall_short:zone }}        Mon 7 Dec, 09:00
    {{ moment|wall_time:zone }}         09:00 (01:30 EDT in a repeated hour)
    {% both_times moment reader other %}  … 09:00 your time · 19:30 in Kolkata
    {% also_at moment reader other %}     19:30 in Kolkata
    {{ key|zone_label }}                America/New York (a zone choice's label, without
                                        a search through the four hundred choices)

`zone` is a ReaderZone, a ZoneInfo or an IANA key; an unknown key reads as UTC.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template

from directory import local_time
from directory.local_time import ReaderZone
from directory.models.users import zone_label

register = template.Library()
register.filter("zone_label", zone_label)

Zone = ReaderZone | ZoneInfo | str | None


def _zone(zone: Zone) -> ZoneInfo:
    if isinstance(zone, ReaderZone):
        return zone.zone
    if isinstance(zone, ZoneInfo):
        return zone
    return local_time.zone_named(zone) or local_time.UTC


@register.filter
def wall(moment: datetime | None, zone: Zone) -> str:
    return local_time.wall(moment, _zone(zone)) if moment else ""


@register.filter
def wall_short(moment: datetime | None, zone: Zone) -> str:
    return local_time.wall(moment, _zone(zone), style="short") if moment else ""


@register.filter
def wall_time(moment: datetime | None, zone: Zone) -> str:
    return local_time.wall(moment, _zone(zone), style="time") if moment else ""


@register.filter
def place(zone: Zone) -> str:
    return local_time.place(_zone(zone))


@register.simple_tag
def also_at(moment: datetime | None, reader: Zone, other: Zone) -> str:
    """The other side's wall time ("19:30 in Kolkata"), empty when it reads the same."""
    if moment is None or not other:
        return ""
    return local_time.beside(moment, reader=_zone(reader), other=_zone(other))


@register.simple_tag
def both_times(
    moment: datetime | None, reader: Zone, other: Zone, style: str = "long", chosen: bool = True
) -> str:
    """`chosen=False` when the reader's zone is a fallback (then it is named, not "your")."""
    if moment is None:
        return ""
    if not isinstance(reader, ReaderZone):
        reader = ReaderZone(_zone(reader), chosen)
    return local_time.both(
        moment, reader=reader, other=_zone(other) if other else None, style=style
    )
