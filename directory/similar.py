"""Specialists like one a client met, for "not a fit": others with free time soon."""

from datetime import datetime, timedelta

from directory.cards import card_rows
from directory.models import Specialist

SHOWN = 3
WITHIN = timedelta(days=7)


def free_this_week(*, specialist: Specialist, now: datetime) -> list[Specialist]:
    """Up to three other specialists offering free consultations with a free slot in the
    coming week, soonest first: those sharing a specialty with `specialist`, then any; read
    as cards, with their specialties."""
    candidates = (
        Specialist.objects.offering_free_consultations()
        .exclude(pk=specialist.pk)
        .filter(next_free_slot_at__gte=now, next_free_slot_at__lt=now + WITHIN)
    )
    shared = specialist.specialties.values("pk")
    sharing = candidates.filter(specialties__in=shared).distinct().order_by("next_free_slot_at")
    found = list(card_rows(sharing)[:SHOWN])
    if len(found) < SHOWN:
        others = candidates.exclude(pk__in=[s.pk for s in found]).order_by("next_free_slot_at")
        found += list(card_rows(others)[: SHOWN - len(found)])
    return found
