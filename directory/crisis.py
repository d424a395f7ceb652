"""Crisis lines per country, for the crisis page: numbers a phone can dial or text at once.

Every country where a listed specialist practises has an entry (tests/directory/
test_crisis.py keeps it so for the countries the demo data and the profile form use).
The visitor's own country comes first: from the browser's language region here, and from
its time zone in static/js/site.js (each entry carries its zones).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Line:
    name: str | Promise
    call: str = ""  # what to dial, as written locally; tel: keeps digits, * and +
    text: str = ""  # a number to text
    url: str = ""
    note: str | Promise = ""

    @property
    def tel(self) -> str:
        return "".join(c for c in self.call if c.isdigit() or c in "+*")

    @property
    def sms(self) -> str:
        return "".join(c for c in self.text if c.isdigit() or c in "+*")


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str | Promise
    emergency: str
    lines: Sequence[Line]
    zones: Sequence[str] = ()
    # How people write the country in a profile, lower case, besides the name itself.
    aliases: Sequence[str] = ()

    @property
    def emergency_tel(self) -> str:
        return "".join(c for c in self.emergency if c.isdigit())


COUNTRIES: tuple[Country, ...] = (
    Country(
        "CA",
        _("Canada"),
        "911",
        [Line(_("9-8-8 Suicide Crisis Helpline"), call="988", text="988", url="https://988.ca")],
        zones=(
            "America/Toronto",
            "America/Vancouver",
            "America/Edmonton",
            "America/Winnipeg",
            "America/Halifax",
            "America/St_Johns",
            "America/Regina",
            "America/Moncton",
            "America/Whitehorse",
        ),
    ),
    Country(
        "US",
        _("United States"),
        "911",
        [
            Line(
                _("988 Suicide & Crisis Lifeline"),
                call="988",
                text="988",
                url="https://988lifeline.org",
            )
        ],
        zones=(
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "America/Phoenix",
            "America/Anchorage",
            "America/Detroit",
            "America/Boise",
            "America/Indiana/Indianapolis",
            "America/Kentucky/Louisville",
            "Pacific/Honolulu",
        ),
        aliases=("usa", "us", "u.s.", "united states of america"),
    ),
    Country(
        "GB",
        _("United Kingdom"),
        "999",
        [
            Line(_("Samaritans"), call="116 123", url="https://www.samaritans.org"),
            Line(_("Shout"), text="85258", url="https://giveusashout.org"),
        ],
        zones=("Europe/London",),
        aliases=("uk", "england", "scotland", "wales", "northern ireland", "great britain"),
    ),
    Country(
        "IE",
        _("Ireland"),
        "112",
        [
            Line(_("Samaritans"), call="116 123", url="https://www.samaritans.org"),
            Line(_("Text About It"), text="50808", url="https://text50808.ie"),
        ],
        zones=("Europe/Dublin",),
    ),
    Country(
        "DE",
        _("Germany"),
        "112",
        [
            Line(
                _("TelefonSeelsorge"),
                call="0800 111 0 111",
                url="https://www.telefonseelsorge.de",
                note=_("Also on 0800 111 0 222, free, any time."),
            )
        ],
        zones=("Europe/Berlin",),
        aliases=("deutschland",),
    ),
    Country(
        "FR",
        _("France"),
        "112",
        [Line(_("3114, national suicide prevention line"), call="3114", url="https://3114.fr")],
        zones=("Europe/Paris",),
    ),
    Country(
        "ES",
        _("Spain"),
        "112",
        [Line(_("024, suicidal behaviour helpline"), call="024")],
        zones=("Europe/Madrid",),
        aliases=("españa",),
    ),
    Country(
        "AU",
        _("Australia"),
        "000",
        [
            Line(
                _("Lifeline"),
                call="13 11 14",
                text="0477 13 11 14",
                url="https://www.lifeline.org.au",
            )
        ],
        zones=(
            "Australia/Sydney",
            "Australia/Melbourne",
            "Australia/Brisbane",
            "Australia/Adelaide",
            "Australia/Perth",
            "Australia/Hobart",
            "Australia/Darwin",
        ),
    ),
    Country(
        "NZ",
        _("New Zealand"),
        "111",
        [Line(_("1737, Need to talk?"), call="1737", text="1737", url="https://1737.org.nz")],
        zones=("Pacific/Auckland",),
        aliases=("aotearoa",),
    ),
    Country(
        "IN",
        _("India"),
        "112",
        [
            Line(_("Tele-MANAS"), call="14416", url="https://telemanas.mohfw.gov.in"),
            Line(_("KIRAN mental health helpline"), call="1800 599 0019"),
        ],
        zones=("Asia/Kolkata", "Asia/Calcutta"),
    ),
    Country(
        "CL",
        _("Chile"),
        "131",
        [Line(_("Línea de Prevención del Suicidio"), call="*4141")],
        zones=("America/Santiago",),
    ),
    Country(
        "MX",
        _("Mexico"),
        "911",
        [Line(_("Línea de la Vida"), call="800 911 2000")],
        zones=("America/Mexico_City", "America/Monterrey", "America/Tijuana", "America/Cancun"),
        aliases=("méxico",),
    ),
)

ELSEWHERE = Line(
    _("Find a Helpline"),
    url="https://findahelpline.com",
    note=_("Free, confidential helplines in many other countries."),
)


def for_name(name: str) -> Country | None:
    """The entry for a country as a profile writes it ("Canada", "UK"), or None."""
    wanted = name.strip().lower()
    for country in COUNTRIES:
        if wanted == str(country.name).lower() or wanted in country.aliases:
            return country
    return None


def visitor_first(accept_language: str) -> list[Country]:
    """Every entry, the one of the first language region the browser names first
    ("en-GB,en;q=0.8" puts the United Kingdom first); the order is kept otherwise."""
    for part in accept_language.split(",")[:10]:
        tag = part.split(";")[0].strip()
        region = tag.split("-")[1].upper() if "-" in tag else ""
        for index, country in enumerate(COUNTRIES):
            if country.code == region:
                return [country, *COUNTRIES[:index], *COUNTRIES[index + 1 :]]
    return list(COUNTRIES)
