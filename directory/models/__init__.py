"""The directory's models, one module per capability. Django finds models here, so every
model is imported below."""

from directory.models.profiles import (
    CURRENCY_CHOICES,
    PROFILE_SLUG_PLACEHOLDER,
    Licensure,
    Specialist,
    SpecialistQuerySet,
)
from directory.models.promotions import Promotion, PromotionChange
from directory.models.taxonomy import (
    AgeGroup,
    Approach,
    Community,
    Language,
    Payer,
    Specialty,
    Taxonomy,
)
from directory.models.users import (
    OFFERED_TIME_ZONE_CHOICES,
    TIME_ZONE_CHOICES,
    User,
    UserManager,
)

__all__ = [
    "CURRENCY_CHOICES",
    "OFFERED_TIME_ZONE_CHOICES",
    "PROFILE_SLUG_PLACEHOLDER",
    "TIME_ZONE_CHOICES",
    "AgeGroup",
    "Approach",
    "Community",
    "Language",
    "Licensure",
    "Payer",
    "Promotion",
    "PromotionChange",
    "Specialist",
    "SpecialistQuerySet",
    "Specialty",
    "Taxonomy",
    "User",
    "UserManager",
]
