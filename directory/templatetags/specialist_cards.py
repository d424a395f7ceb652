"""Filters for the specialist card; the strings themselves are made in directory.cards."""

from zoneinfo import ZoneInfo

from django import template

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
