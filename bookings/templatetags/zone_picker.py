"""The time-zone picker's options: the same four hundred zones on every picker, so each
list is written once per selected zone instead of walked on every page."""

import functools

from django import template
from django.utils.safestring import SafeString

from directory.models import TIME_ZONE_CHOICES
from directory.templatetags.select_options import options

register = template.Library()


@register.simple_tag
def zone_options(selected: object) -> SafeString:
    """<option>s for every zone a time may be shown in, `selected` marked (the zone labels
    are not translated)."""
    return _written(str(selected))


@functools.lru_cache(maxsize=64)
def _written(selected: str) -> SafeString:
    return options(TIME_ZONE_CHOICES, selected)
