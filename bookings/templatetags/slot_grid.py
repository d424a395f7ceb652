"""The week of free times written out in Python: a week holds up to a few hundred slots, and
as a template loop (a `with`, a filter and an escape per slot) they were most of the slot
picker's time. The markup is the one templates/bookings/_slot_grid.html describes.

Per slot only plain string work is left: the time is written as local_time.wall(…,
style="time") writes it, and a value made by bookings.forms.slot_value needs no escaping
and only its colons quoted."""

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django import template
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from directory import local_time
from directory.templatetags.local_time import Zone, _zone

register = template.Library()

Days = Sequence[tuple[date, Sequence[tuple[object, str]]]]

# Characters that quote(…, safe="/") and escape() both leave as they are, and the colon,
# which quote() writes as %3A: the only characters of an ISO moment in UTC.
_PLAIN = re.compile(r"[0-9A-Za-z_.~/:-]*\Z").match


def _quoted(value: str) -> str:
    """escape(quote(value, safe="/")), in one step for a value of plain characters."""
    if _PLAIN(value):
        return value.replace(":", "%3A")
    return escape(quote(value, safe="/"))


def _escaped(value: str) -> str:
    """escape(value), in no step for a value of plain characters."""
    return value if _PLAIN(value) else escape(value)


def _times(day_slots: Sequence[tuple[object, str]], zone: ZoneInfo) -> list[str]:
    """Each slot's time as local_time.wall(…, style="time") writes it ("09:00", and "01:30
    EDT" for a wall time that happens twice), escaped; the slots are in order."""
    moments = [slot.starts_at.astimezone(zone) for slot, _value in day_slots]  # type: ignore[attr-defined]
    texts = [f"{local.hour:02d}:{local.minute:02d}" for local in moments]
    if moments and not _steady(moments[0].date(), moments[-1].date(), zone):
        for index, local in enumerate(moments):
            if local_time.is_repeated(local):
                texts[index] = escape(f"{texts[index]} {local.tzname()}")
    return texts


def _steady(first: date, last: date, zone: ZoneInfo) -> bool:
    """True when no wall time of the day `first` (= `last`) happens twice in `zone`: the
    offset is the same at its start, noon and end (the noon check catches a change that
    went and came back, as bookings.slots does)."""
    midnight = datetime.combine(first, time(0), tzinfo=zone)
    offset = midnight.utcoffset()
    return (
        first == last
        and offset == (midnight + timedelta(hours=12)).utcoffset()
        and offset == datetime.combine(first + timedelta(days=1), time(0), tzinfo=zone).utcoffset()
    )


@functools.lru_cache(maxsize=1024)
def _day_names(day: date, language: str | None) -> tuple[str, str]:
    """The day as a slot's name starts ("Monday 7 December") and as its heading ("Mon 7
    Dec"), escaped: the same few weeks are shown over and over."""
    return escape(date_format(day, "l j F")), escape(date_format(day, "D j M"))


@register.simple_tag
def slot_links(days: Days, zone: Zone, zone_words: str, book_url: str, then: str) -> SafeString:
    """Each day's heading and its times, each a link to the booking form."""
    shown, words = _zone(zone), conditional_escape(zone_words)
    tail = f"&amp;tz={escape(quote(str(zone), safe='/'))}"
    if then:
        tail += f"&amp;next={escape(quote(str(then), safe='/'))}"
    url = escape(book_url)
    parts = []
    for day, day_slots in days:
        day_name, heading = _day_names(day, translation.get_language())
        parts.append(f'<div class="slot-day"><h2>{heading}</h2>')
        parts.append('<ul class="slot-list">')
        for (_slot, value), time_text in zip(day_slots, _times(day_slots, shown), strict=True):
            href = f"{url}?slot={_quoted(value)}{tail}"
            label = f"{day_name}, {time_text}, {words}"
            parts.append(
                f'<li><a class="slot" href="{href}" aria-label="{label}">{time_text}</a></li>'
            )
        parts.append("</ul></div>")
    return _joined(parts)


@register.simple_tag
def slot_choices(days: Days, zone: Zone, zone_words: str, selected: str) -> SafeString:
    """Each day's times as radio buttons in a fieldset with the date as its legend."""
    shown, words = _zone(zone), conditional_escape(zone_words)
    parts = []
    for day, day_slots in days:
        day_name, _heading = _day_names(day, translation.get_language())
        parts.append(f'<fieldset class="slot-day"><legend>{day_name}</legend>')
        parts.append('<ul class="slot-list">')
        for (_slot, value), time_text in zip(day_slots, _times(day_slots, shown), strict=True):
            name = _escaped(value)
            checked = " checked" if value == selected else ""
            parts.append(
                f'<li><input type="radio" name="slot" id="slot-{name}" value="{name}"'
                f' aria-label="{day_name}, {time_text}, {words}"{checked} required>'
                f' <label class="slot" for="slot-{name}">{time_text}</label></li>'
            )
        parts.append("</ul></fieldset>")
    return _joined(parts)


def _joined(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
