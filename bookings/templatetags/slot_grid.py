"""The week of free times written out in Python: a week holds up to a few hundred slots, and
as a template loop (a `with`, a filter and an escape per slot) they were most of the slot
picker's time. The markup is the one templates/bookings/_slot_grid.html describes."""

from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import quote

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from directory import local_time
from directory.templatetags.local_time import Zone, _zone

register = template.Library()

Days = Sequence[tuple[date, Sequence[tuple[object, str]]]]


@register.simple_tag
def slot_links(days: Days, zone: Zone, zone_words: str, book_url: str, then: str) -> SafeString:
    """Each day's heading and its times, each a link to the booking form."""
    shown, words = _zone(zone), conditional_escape(zone_words)
    tail = f"&amp;tz={escape(quote(str(zone), safe='/'))}"
    if then:
        tail += f"&amp;next={escape(quote(str(then), safe='/'))}"
    parts = []
    for day, day_slots in days:
        day_name = escape(date_format(day, "l j F"))
        parts.append(f'<div class="slot-day"><h2>{escape(date_format(day, "D j M"))}</h2>')
        parts.append('<ul class="slot-list">')
        for slot, value in day_slots:
            time = escape(local_time.wall(slot.starts_at, shown, style="time"))  # type: ignore[attr-defined]
            href = f"{escape(book_url)}?slot={escape(quote(value, safe='/'))}{tail}"
            label = f"{day_name}, {time}, {words}"
            parts.append(f'<li><a class="slot" href="{href}" aria-label="{label}">{time}</a></li>')
        parts.append("</ul></div>")
    return _joined(parts)


@register.simple_tag
def slot_choices(days: Days, zone: Zone, zone_words: str, selected: str) -> SafeString:
    """Each day's times as radio buttons in a fieldset with the date as its legend."""
    shown, words = _zone(zone), conditional_escape(zone_words)
    parts = []
    for day, day_slots in days:
        day_name = escape(date_format(day, "l j F"))
        parts.append(f'<fieldset class="slot-day"><legend>{day_name}</legend>')
        parts.append('<ul class="slot-list">')
        for slot, value in day_slots:
            time = escape(local_time.wall(slot.starts_at, shown, style="time"))  # type: ignore[attr-defined]
            name = escape(value)
            checked = " checked" if value == selected else ""
            parts.append(
                f'<li><input type="radio" name="slot" id="slot-{name}" value="{name}"'
                f' aria-label="{day_name}, {time}, {words}"{checked} required>'
                f' <label class="slot" for="slot-{name}">{time}</label></li>'
            )
        parts.append("</ul></fieldset>")
    return _joined(parts)


def _joined(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
