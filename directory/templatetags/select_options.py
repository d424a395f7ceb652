"""<option> lists written out in Python: the search form has hundreds of options (every area a
specialist may be licensed in), the time-zone picker four hundred, and as template loops they
were most of those pages' time."""

import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from directory.search import Option

register = template.Library()

Choices = tuple[tuple[object, Any], ...]


@register.simple_tag
def options(choices: Iterable[Any], selected: object) -> SafeString:
    """<option>s for curated `Option`s, (value, label) pairs or plain values, and <optgroup>s
    for (group, choices) pairs; the `selected` one marked."""
    return _written(_pairs(choices), selected, translation.get_language())


def _pairs(choices: Iterable[Any]) -> Choices:
    """The choices as nested tuples of strings, so that the same list is recognised."""
    pairs: list[tuple[object, Any]] = []
    for choice in choices:
        if isinstance(choice, Option):
            pairs.append((choice.slug, choice.name))
        elif not isinstance(choice, tuple):
            pairs.append((choice, str(choice)))
        elif isinstance(choice[1], list | tuple):
            pairs.append((str(choice[0]), _pairs(choice[1])))
        else:
            pairs.append((choice[0], str(choice[1])))
    return tuple(pairs)


@functools.lru_cache(maxsize=512)
def _written(pairs: Choices, selected: object, language: str) -> SafeString:
    """The same lists come back on every page in every language, so each is written once."""
    return mark_safe("".join(_html(pairs, selected)))  # noqa: S308 - every string is escaped


def _html(pairs: Choices, selected: object) -> Iterable[str]:
    for value, label in pairs:
        if isinstance(label, tuple):
            yield f'<optgroup label="{escape(value)}">{"".join(_html(label, selected))}</optgroup>'
        else:
            marked = " selected" if value == selected else ""
            yield f'<option value="{escape(value)}"{marked}>{escape(label)}</option>'
