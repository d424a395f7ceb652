"""The search form's <option> lists, written out in Python: the form has about a hundred
options, and as template loops they were a quarter of the results page's time."""

import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from directory.search import Option

register = template.Library()


@register.simple_tag
def options(choices: Iterable[Any], selected: object) -> SafeString:
    """Curated `Option`s, (value, label) pairs or plain values, the `selected` one marked."""
    pairs = tuple(
        (choice.slug, choice.name)
        if isinstance(choice, Option)
        else (choice[0], str(choice[1]))
        if isinstance(choice, tuple)
        else (choice, choice)
        for choice in choices
    )
    return _options(pairs, selected, translation.get_language())


@functools.lru_cache(maxsize=512)
def _options(pairs: tuple[tuple[object, str], ...], selected: object, language: str) -> SafeString:
    """The same lists come back on every page in every language, so each is written once."""
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in pairs
        )
    )
