"""In-person practices within a distance of a place, measured in the database.

The great-circle distance (haversine) is computed in SQL, the same expression on PostgreSQL
and SQLite (Django provides the trigonometric functions on both). A box of latitudes and
longitudes comes first: it holds every point within the distance and is answered by the
partial index `specialist_in_person_place`, so only the profiles in the box are measured.
"""

import math

from django.db.models import Expression, F, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from directory.models import Specialist
from directory.places import EARTH_RADIUS_KM, Place, bounding_box

DISTANCE_CHOICES = (5, 10, 25, 50, 100, 250)
DEFAULT_KM = 25
MAX_KM = 500


def within(queryset: QuerySet[Specialist], *, place: Place, km: int) -> QuerySet[Specialist]:
    """Profiles that meet in person within `km` of `place`, each with its `distance_km`."""
    south, north, west, east = bounding_box(
        latitude=place.latitude, longitude=place.longitude, km=km
    )
    box = Q(latitude__gte=south, latitude__lte=north)
    if west is not None and east is not None:
        if west <= east:
            box &= Q(longitude__gte=west, longitude__lte=east)
        else:  # the box crosses the antimeridian
            box &= Q(longitude__gte=west) | Q(longitude__lte=east)
    return (
        queryset.filter(box, offers_in_person=True)
        .annotate(distance_km=distance_from(place))
        .filter(distance_km__lte=km)
    )


def distance_from(place: Place) -> Expression:
    """Kilometres from `place` to the profile's practice, as an SQL expression."""
    latitude = Radians(F("latitude"))
    longitude = Radians(F("longitude"))
    half = Value(2.0)
    h = Power(Sin((latitude - Value(math.radians(place.latitude))) / half), 2) + Value(
        math.cos(math.radians(place.latitude))
    ) * Cos(latitude) * Power(Sin((longitude - Value(math.radians(place.longitude))) / half), 2)
    # Rounding can take h a hair above 1, where asin is undefined.
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(h, Value(1.0))))
