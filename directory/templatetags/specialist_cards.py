"""The specialist card: drawn by directory.cards, whose strings these filters show."""

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils.safestring import SafeString, mark_safe

from directory import cards
from directory.models import Specialist

register = template.Library()


@register.filter
def places(specialist: Specialist) -> str:
    return cards.places(specialist)


@register.filter
def next_free(specialist: Specialist, reader: ZoneInfo | None) -> str:
    return cards.next_free(specialist, reader=reader or None)


@register.filter
def fee(specialist: Specialist) -> str:
    return cards.fee(specialist)


@register.filter
def distance(specialist: Specialist) -> str:
    return cards.distance(specialist)


@register.simple_tag(takes_context=True)
def card_items(
    context: dict[str, Any],
    specialists: Sequence[Specialist],
    source: str = "",
    hearts: bool = False,
) -> SafeString:
    """The cards as list items. With `hearts`, the page holds matching/_shortlist_form.html."""
    drawn = cards.drawn(specialists, _drawing(context, source=source, hearts=hearts))
    # Each card is already safe HTML: joined as it is, not escaped again one by one.
    return mark_safe("".join([f"<li>{html}</li>" for html in drawn]))  # noqa: S308


@register.simple_tag(takes_context=True)
def specialist_card(
    context: dict[str, Any], specialist: Specialist, source: str = "", hearts: bool = False
) -> SafeString:
    return cards.drawn([specialist], _drawing(context, source=source, hearts=hearts))[0]


def _drawing(context: dict[str, Any], *, source: str, hearts: bool) -> cards.Drawing:
    return cards.Drawing(
        reader=context.get("READER_ZONE"),
        saved_ids=context.get("shortlist_ids", ()) if hearts else (),
        hearts=hearts,
        source=source,
    )
