"""Where a specialist is licensed to practise, and whom that lets them see.

Areas are ISO 3166 codes: a country ("GB", ISO 3166-1) or, where mental-health professions are
licensed by state or province (Canada and the United States), a subdivision ("CA-ON",
ISO 3166-2). Names come from pycountry. A specialist licensed in a country may see clients
anywhere in it; one licensed in a province, clients who live there.
"""

from functools import cache

import pycountry
from django.db.models import Q
from django.utils.translation import gettext as _

# Countries whose professions are licensed by subdivision; elsewhere a country is offered.
BY_SUBDIVISION = ("CA", "US")


def _country_name(country: object) -> str:
    return str(getattr(country, "common_name", None) or country.name)  # type: ignore[attr-defined]


@cache
def areas() -> dict[str, str]:
    """Every area a licence may cover, code to name ("CA-ON": "Ontario, Canada")."""
    names = {country.alpha_2: _country_name(country) for country in pycountry.countries}
    for country in BY_SUBDIVISION:
        for subdivision in pycountry.subdivisions.get(country_code=country):
            names[subdivision.code] = f"{subdivision.name}, {names[country]}"
    return names


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The areas for a select: each licensing country's subdivisions, then every country."""
    return [*_subdivision_groups(), (_("Countries"), _countries())]


@cache
def _countries() -> list[tuple[str, str]]:
    return sorted(
        ((code, name) for code, name in areas().items() if "-" not in code),
        key=lambda choice: choice[1],
    )


@cache
def _subdivision_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    names = areas()
    groups = []
    for country in BY_SUBDIVISION:
        subdivisions = [
            (code, name.rsplit(", ", 1)[0])
            for code, name in names.items()
            if code.startswith(f"{country}-")
        ]
        groups.append((names[country], sorted(subdivisions, key=lambda choice: choice[1])))
    return groups


def name_of(code: str) -> str:
    return areas().get(code, code)


def normalized(code: str) -> str:
    """The area code as stored ("ca-on" -> "CA-ON"), or "" when it is not one we know."""
    code = code.strip().upper()
    return code if code in areas() else ""


def covering(lives_in: str) -> Q:
    """Specialists whose licence lets them see someone living in `lives_in`: the country's,
    the subdivision's, or for a whole country any of its own (`Specialist.licensed_in`)."""
    country = lives_in.split("-", 1)[0]
    if lives_in == country:
        return Q(licensed_in__contains=f" {country} ") | Q(licensed_in__contains=f" {country}-")
    return Q(licensed_in__contains=f" {country} ") | Q(licensed_in__contains=f" {lives_in} ")


def area_for(*, region: str, country: str) -> str:
    """The licensing area of a place written out ("Ontario", "Canada" -> "CA-ON"), or ""."""
    try:
        country_code = pycountry.countries.lookup(country).alpha_2 if country else ""
    except LookupError:
        return ""
    if country_code in BY_SUBDIVISION and region:
        for subdivision in pycountry.subdivisions.get(country_code=country_code):
            if subdivision.name.casefold() == region.casefold():
                return str(subdivision.code)
    return country_code
