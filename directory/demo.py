"""Demo data for the directory: people, and a believable set of published specialists.

Scales to tens of thousands of profiles in seconds: rows are bulk-created, every demo
account shares one password hash, and the few generated photos are reused.
"""

import functools
import io
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from directory import licensing, markdown, places, promotions, search
from directory.models import (
    AgeGroup,
    Approach,
    Community,
    Language,
    Licensure,
    Payer,
    Promotion,
    Specialist,
    Specialty,
    User,
)
from directory.profiles import search_document_for

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed by `make run`, demo data only
ADMIN_EMAIL = "admin@example.com"
CLIENT_EMAIL = "client@example.com"
SPECIALIST_EMAIL = "leanne@example.com"

LEANNE_BIO = """\
Leanne Sawchuk is a Registered Psychotherapist, Art Therapist, and Speaker with an experience \
of more than 9 years. She supports people struggling with addictions, anxiety, depression, \
eating disorders, body image, relationship issues, and trauma.

She has graduated from the Toronto Institute of Relational Psychotherapy. She also has a \
psychology and fine arts degree from York University.

Currently she is working on a book based on her personal route to self healing. Along with \
that she runs workshops on anxiety, body image, and eating disorders and has travelled around \
speaking publicly on these topics as well.
"""

FIRST_NAMES = [
    "Amara", "Ben", "Chloé", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Isabel", "Jonas",
    "Kavya", "Liam", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Samuel", "Tara",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Aisha", "Marco", "Nadia", "Owen",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Bianchi", "Chen", "Dubois", "Eriksen", "Fernández", "Gill", "Haddad", "Ivanova",
    "Johnson", "Kowalski", "Lefebvre", "Martin", "Nguyen", "Okafor", "Patel", "Quintero",
    "Rossi", "Singh", "Tremblay", "Usman", "Vargas", "Walsh", "Xu", "Yamamoto", "Zimmerman",
]  # fmt: skip
TITLES = [
    "Registered Psychotherapist",
    "Clinical Psychologist",
    "Licensed Marriage and Family Therapist",
    "Registered Clinical Counsellor",
    "Registered Social Worker, Psychotherapist",
    "Counselling Psychologist",
    "Art Therapist, Registered Psychotherapist",
]
CURRENCIES = {
    "Canada": "CAD",
    "United States": "USD",
    "United Kingdom": "GBP",
    "Germany": "EUR",
    "Australia": "AUD",
    "India": "INR",
    "Chile": "CLP",
}
PLACES = [
    ("Toronto", "Ontario", "Canada", "America/Toronto"),
    ("Vancouver", "British Columbia", "Canada", "America/Vancouver"),
    ("Montréal", "Quebec", "Canada", "America/Toronto"),
    ("New York", "New York", "United States", "America/New_York"),
    ("Chicago", "Illinois", "United States", "America/Chicago"),
    ("London", "England", "United Kingdom", "Europe/London"),
    ("Berlin", "Berlin", "Germany", "Europe/Berlin"),
    ("Sydney", "New South Wales", "Australia", "Australia/Sydney"),
    ("Mumbai", "Maharashtra", "India", "Asia/Kolkata"),
    ("Santiago", "Santiago Metropolitan", "Chile", "America/Santiago"),
    # Neighbours of the cities above, so that "within 25 km" and "nearest first" tell apart.
    ("Mississauga", "Ontario", "Canada", "America/Toronto"),
    ("Markham", "Ontario", "Canada", "America/Toronto"),
    ("Burnaby", "British Columbia", "Canada", "America/Vancouver"),
    ("Brooklyn", "New York", "United States", "America/New_York"),
    ("Jersey City", "New Jersey", "United States", "America/New_York"),
    ("Evanston", "Illinois", "United States", "America/Chicago"),
    ("Potsdam", "Brandenburg", "Germany", "Europe/Berlin"),
]
# Where some specialists also hold a licence, to see clients online across a border.
SECOND_LICENCES = {"CA": ["CA-ON", "CA-BC", "CA-QC"], "US": ["US-NY", "US-IL", "US-NJ"]}
PALETTE = ["#2f6f62", "#6d5a96", "#b9602d", "#3c6e9e", "#8a4a5e", "#55794a", "#a0782c"]
PHOTO_COUNT = 24


@dataclass(frozen=True)
class DemoResult:
    created_specialists: int
    total_specialists: int


def generate_photo(*, seed: int) -> bytes:
    """A soft abstract portrait placeholder, made locally (no downloads)."""
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    size = 320
    image = Image.new("RGB", (size, size), rng.choice(PALETTE))
    draw = ImageDraw.Draw(image)
    skin = rng.choice(["#f1d3bd", "#d9a67e", "#a86f4c", "#6e4630", "#f4e0d0"])
    hair = rng.choice(["#2b1d16", "#5a3b26", "#9c6b3c", "#d8b36a", "#3b3b3b", "#c9c2b8"])
    draw.ellipse((70, 200, 250, 380), fill=rng.choice(["#e8e4dc", "#35465a", "#7b2e3a", "#2e5d4f"]))
    draw.ellipse((95, 60, 225, 200), fill=hair)
    draw.ellipse((105, 80, 215, 210), fill=skin)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _photo_paths() -> list[str]:
    paths = []
    for index in range(PHOTO_COUNT):
        path = f"specialists/demo-{index:02d}.jpg"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(generate_photo(seed=index)))
        paths.append(path)
    return paths


def _user(email: str, *, role: str, password_hash: str, **extra: object) -> User:
    user, _ = User.objects.get_or_create(
        email=email, defaults={"role": role, "password": password_hash, **extra}
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed_people() -> User:
    """The three demo log-ins, and the seed-003 specialist's published profile."""
    password_hash = make_password(DEMO_PASSWORD)
    _user(
        ADMIN_EMAIL,
        role=User.Role.CLIENT,
        password_hash=password_hash,
        is_staff=True,
        is_superuser=True,
        first_name="Admin",
    )
    _user(CLIENT_EMAIL, role=User.Role.CLIENT, password_hash=password_hash, first_name="Sam")
    owner = _user(
        SPECIALIST_EMAIL,
        role=User.Role.SPECIALIST,
        password_hash=password_hash,
        first_name="Leanne",
    )
    if not Specialist.objects.filter(owner=owner).exists():
        now = timezone.now()
        leanne = Specialist.objects.create(
            owner=owner,
            slug="leanne-sawchuk",
            status=Specialist.Status.PUBLISHED,
            submitted_at=now,
            published_at=now,
            name="Leanne Sawchuk",
            titles="Registered Psychotherapist, Art Therapist",
            license_number="RP-004512",
            license_body="College of Registered Psychotherapists of Ontario",
            license_verified_at=now,
            years_experience=9,
            offers_online=True,
            offers_in_person=True,
            city="Toronto",
            region="Ontario",
            country="Canada",
            latitude=_coordinates("Toronto", "Ontario", "Canada")[0],
            longitude=_coordinates("Toronto", "Ontario", "Canada")[1],
            time_zone="America/Toronto",
            fees="50-minute sessions; couples 180 CAD",
            fee_per_session=140,
            fee_currency="CAD",
            sliding_scale_from=100,
            gender=Specialist.Gender.WOMAN,
            education=(
                "Toronto Institute of Relational Psychotherapy\n"
                "York University: psychology and fine arts degree"
            ),
            intro="Art therapy and relational psychotherapy for anxiety, body image and healing.",
            bio=LEANNE_BIO,
            bio_html=markdown.render(LEANNE_BIO),
            offers_free_consultation=True,
            photo=_photo_paths()[0],
        )
        leanne.specialties.set(
            Specialty.objects.filter(
                slug__in=[
                    "addictions",
                    "anxiety",
                    "depression",
                    "eating-disorders",
                    "body-image",
                    "relationship-issues",
                    "trauma",
                ]
            )
        )
        leanne.approaches.set(Approach.objects.filter(slug__in=["art-therapy", "psychodynamic"]))
        leanne.languages.set(Language.objects.filter(slug="english"))
        leanne.payers.set(Payer.objects.filter(slug__in=["sun-life", "green-shield-canada"]))
        leanne.age_groups.set(AgeGroup.objects.filter(slug__in=["adults", "teens"]))
        leanne.communities.set(Community.objects.filter(slug="lgbtq-plus"))
        leanne.search_document = search_document_for(
            name=leanne.name,
            titles=leanne.titles,
            bio=leanne.bio,
            specialties=[s.name for s in leanne.specialties.all()],
            approaches=[a.name for a in leanne.approaches.all()],
        )
        leanne.save(update_fields=["search_document"])
        search.reindex(specialist_ids=[leanne.pk])
    return owner


def _bio(rng: random.Random, name: str, specialties: list[str], approaches: list[str]) -> str:
    first = name.split()[0]
    focus = ", ".join(s.lower() for s in specialties[:-1]) + f" and {specialties[-1].lower()}"
    return (
        f"{first} works with adults who are dealing with {focus}. "
        f"Sessions draw on {' and '.join(approaches)}, at a pace that feels safe.\n\n"
        + rng.choice(
            [
                "Many clients come when they feel stuck and are unsure where to start; "
                "a first conversation is often the hardest and the most useful step.",
                "The work is collaborative: together we notice patterns, build skills you can "
                "use between sessions, and make room for what matters to you.",
                "Therapy here is warm, direct and practical, with space for whatever you bring, "
                "including the parts that are hard to put into words.",
            ]
        )
    )


@transaction.atomic
def seed_specialists(*, total: int, rng_seed: int = 2026) -> DemoResult:
    """Top the directory up to `total` published profiles (idempotent)."""
    existing = Specialist.objects.count()
    missing = max(total - existing, 0)
    if not missing:
        return DemoResult(created_specialists=0, total_specialists=existing)

    rng = random.Random(rng_seed + existing)  # noqa: S311 - demo data
    specialties = list(Specialty.objects.all())
    approaches = list(Approach.objects.all())
    languages = list(Language.objects.all())
    english = next(lang for lang in languages if lang.slug == "english")
    payers = list(Payer.objects.all())
    age_groups = list(AgeGroup.objects.all())
    communities = list(Community.objects.all())
    genders = [*Specialist.Gender.values[:3], ""]
    photos = _photo_paths()
    password_hash = make_password(DEMO_PASSWORD)
    now = timezone.now()

    users = User.objects.bulk_create(
        User(
            email=f"specialist{existing + i}@example.com",
            role=User.Role.SPECIALIST,
            password=password_hash,
        )
        for i in range(missing)
    )
    profiles = []
    chosen: list[tuple[list[Any], ...]] = []
    for i, user in enumerate(users):
        index = existing + i
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        picked_specialties = rng.sample(specialties, rng.randint(2, 5))
        picked_approaches = rng.sample(approaches, rng.randint(1, 3))
        picked_languages = [english, *rng.sample(languages, rng.randint(0, 2))]
        picked_languages = list({lang.pk: lang for lang in picked_languages}.values())
        chosen.append(
            (
                picked_specialties,
                picked_approaches,
                picked_languages,
                rng.sample(payers, rng.randint(0, 3)),
                rng.sample(age_groups, rng.randint(1, 3)),
                rng.sample(communities, rng.randint(0, 2)),
            )
        )
        city, region, country, zone = rng.choice(PLACES)
        latitude, longitude = _coordinates(city, region, country)
        fee = rng.choice([90, 110, 130, 150, 180])
        bio = _bio(
            rng, name, [s.name for s in picked_specialties], [a.name for a in picked_approaches]
        )
        titles = rng.choice(TITLES)
        profiles.append(
            Specialist(
                owner=user,
                slug=f"{slugify(name)}-{index}",
                status=Specialist.Status.PUBLISHED,
                submitted_at=now,
                published_at=now,
                name=name,
                titles=titles,
                license_number=f"R-{100000 + index}",
                license_body="Regulatory college",
                years_experience=rng.randint(2, 30),
                offers_online=rng.random() < 0.85,
                offers_in_person=rng.random() < 0.6,
                city=city,
                region=region,
                country=country,
                latitude=latitude,
                longitude=longitude,
                time_zone=zone,
                fees="50-minute sessions",
                fee_per_session=fee,
                fee_currency=CURRENCIES[country],
                sliding_scale_from=fee - 40 if rng.random() < 0.3 else None,
                gender=rng.choice(genders),
                accepting_new_clients=rng.random() < 0.9,
                education="Master of Arts in Counselling Psychology",
                intro=f"Support with {picked_specialties[0].name.lower()} and more.",
                bio=bio,
                bio_html=markdown.render(bio),
                offers_free_consultation=rng.random() < 0.8,
                # Most meet by video; the rest offer a phone call only.
                meeting_link=f"https://meet.example/{slugify(name)}-{index}"
                if rng.random() < 0.8
                else "",
                photo=photos[index % len(photos)],
                search_document=search_document_for(
                    name=name,
                    titles=titles,
                    bio=bio,
                    specialties=[s.name for s in picked_specialties],
                    approaches=[a.name for a in picked_approaches],
                ),
            )
        )
    profiles = Specialist.objects.bulk_create(profiles, batch_size=2000)
    through: Any
    for through, attr, position in (
        (Specialist.specialties.through, "specialty", 0),
        (Specialist.approaches.through, "approach", 1),
        (Specialist.languages.through, "language", 2),
        (Specialist.payers.through, "payer", 3),
        (Specialist.age_groups.through, "agegroup", 4),
        (Specialist.communities.through, "community", 5),
    ):
        through.objects.bulk_create(
            (
                through(specialist_id=profile.pk, **{f"{attr}_id": item.pk})
                for profile, picks in zip(profiles, chosen, strict=True)
                for item in picks[position]
            ),
            batch_size=5000,
        )
    search.reindex(specialist_ids=[profile.pk for profile in profiles])
    return DemoResult(created_specialists=missing, total_specialists=existing + missing)


@functools.cache
def _coordinates(city: str, region: str, country: str) -> tuple[float | None, float | None]:
    return places.coordinates(city=city, region=region, country=country) or (None, None)


def license_demo_profiles(*, rng: random.Random) -> int:
    """Demo profiles without a licensed area get the one where they practise, and some a
    second one in their country; returns how many profiles were given areas."""
    unlicensed = (
        Specialist.objects.filter(owner__email__endswith="@example.com", licensures=None)
        .order_by("pk")
        .values_list("pk", "region", "country")
    )
    rows: list[Licensure] = []
    for pk, region, country in unlicensed:
        home = licensing.area_for(region=region, country=country)
        if not home:
            continue
        areas = {home}
        others = SECOND_LICENCES.get(home.split("-")[0], [])
        if others and rng.random() < 0.3:
            areas.add(rng.choice(others))
        rows.extend(Licensure(specialist_id=pk, area=area) for area in sorted(areas))
    Licensure.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len({row.specialist_id for row in rows})


@transaction.atomic
def seed_promotions(*, admin: User, count: int = 6) -> int:
    """A few listings featured for the coming month, once (kept if they already exist)."""
    if Promotion.objects.exists():
        return 0
    today = timezone.localdate()
    chosen = list(Specialist.objects.offering_free_consultations().order_by("pk")[1 : count + 1])
    for specialist in chosen:
        promotions.promote(
            specialist=specialist,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            actor=admin,
            note="Demo promotion",
        )
    return len(chosen)


def demo_logins() -> list[tuple[str, str, str]]:
    return [
        ("Client", CLIENT_EMAIL, DEMO_PASSWORD),
        ("Specialist", SPECIALIST_EMAIL, DEMO_PASSWORD),
        ("Admin", ADMIN_EMAIL, DEMO_PASSWORD),
    ]


def seed(*, specialists: int, stdout) -> None:  # type: ignore[no-untyped-def]
    seed_people()
    result = seed_specialists(total=specialists)
    license_demo_profiles(rng=random.Random(2026))  # noqa: S311 - demo data
    seed_promotions(admin=User.objects.get(email=ADMIN_EMAIL))
    stdout.write(
        f"Directory: {result.total_specialists} specialists "
        f"({result.created_specialists} new). Media in {settings.MEDIA_ROOT}"
    )
