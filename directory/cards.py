"""What a specialist card needs, shared by search, the home page and featured listings."""

from collections.abc import Sequence

from django.db.models import F, Prefetch, prefetch_related_objects

from directory.models import Specialist, Specialty

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


def with_specialties(cards: Sequence[Specialist]) -> None:
    """Load every card's specialties in one query, as `card.card_specialties`."""
    prefetch_related_objects(
        list(cards),
        Prefetch(
            "specialties",
            queryset=Specialty.objects.only("slug", "name"),
            to_attr="card_specialties",
        ),
    )
