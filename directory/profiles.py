"""Building and changing specialist profiles: create, edit, submit for review.

States: draft -> pending review -> published, or rejected with a reason (see
directory.moderation). Only published profiles appear anywhere public.

Editing a published profile: it stays published and the changes show at once, except
for the facts clients rely on to trust a specialist (name, professional titles, license
number and licensing body). Changing any of those sends the profile back to review, hidden
until an admin approves it again, and a changed license loses its verification.
"""

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory import files, licensing, limits, markdown, places, search
from directory.models import Licensure, Specialist, User
from directory.photos import ProcessedPhoto

# Generous for a person editing by hand; each photo costs a worker a decode.
SAVES_PER_HOUR = 60
PHOTOS_PER_HOUR = 12

# What a specialist may set themselves; status, owner, slug and review fields are not here.
EDITABLE_FIELDS = (
    "name",
    "titles",
    "license_number",
    "license_body",
    "years_experience",
    "offers_online",
    "offers_in_person",
    "city",
    "region",
    "country",
    "time_zone",
    "fees",
    "fee_per_session",
    "fee_currency",
    "sliding_scale_from",
    "gender",
    "gender_description",
    "accepting_new_clients",
    "education",
    "intro",
    "bio",
    "offers_free_consultation",
    "video_url",
    "meeting_link",
)
RELATED_FIELDS = ("specialties", "approaches", "languages", "payers", "age_groups", "communities")
PLACE_FIELDS = ("city", "region", "country")
REVIEWED_FIELDS = ("name", "titles", "license_number", "license_body")
LICENSE_FIELDS = ("license_number", "license_body")


@dataclass(frozen=True)
class Lists:
    """The names a profile page shows for its curated lists."""

    specialties: list[str]
    approaches: list[str]
    languages: list[str]
    payers: list[str]
    age_groups: list[str]
    communities: list[str]
    # Where the specialist may practise, by name ("Ontario, Canada").
    licensed_in: list[str]


def _lists_sql(specialist: str) -> str:
    """Every (kind, name) of one profile's lists and where it is licensed, for the profile
    whose id is the SQL expression `specialist`."""
    parts = []
    for kind, (model, through, column, _prefix) in search.LISTS.items():
        parts.append(
            f"SELECT '{kind}' AS kind, t.name AS name FROM {model._meta.db_table} t "  # noqa: S608 - constants
            f"JOIN {through._meta.db_table} l ON l.{column} = t.id "
            f"WHERE l.specialist_id = {specialist}"
        )
    parts.append(
        f"SELECT 'licensed_in', area FROM {Licensure._meta.db_table} "  # noqa: S608 - constants
        f"WHERE specialist_id = {specialist}"
    )
    return " UNION ALL ".join(parts)


def _lists(rows: Iterable[Sequence[str]]) -> Lists:
    grouped: dict[str, list[str]] = {kind: [] for kind in [*search.LISTS, "licensed_in"]}
    for kind, name in rows:
        grouped[kind].append(licensing.name_of(name) if kind == "licensed_in" else name)
    return Lists(**{kind: sorted(names, key=str.lower) for kind, names in grouped.items()})


def lists_for(*, specialist_id: int) -> Lists:
    """All the lists of one profile, and where it is licensed, in one query, sorted by name."""
    with connection.cursor() as cursor:
        cursor.execute(_lists_sql("%(specialist)s"), {"specialist": specialist_id})
        return _lists(cursor.fetchall())


# The search columns are the profile's words over again, and the largest of its row.
UNREAD = ("search_document", "search_vector")
_READ = [field for field in Specialist._meta.concrete_fields if field.name not in UNREAD]
_READ_NAMES = [field.attname for field in _READ]
# A profile page reads its row and its lists at every visit, so this is written out: the ORM
# took ten times longer to build the query than to read the row. The lists come as one text
# of "kind<TAB>name" lines, as a card's specialties do (curated names hold neither).
_PROFILE_SQL = """
SELECT {columns},
  (SELECT {aggregate}(lists.kind || %(tab)s || lists.name, %(newline)s) FROM ({lists}) lists)
FROM {table} s WHERE s.status = %(published)s AND s.slug = %(slug)s"""


def public_profile(*, slug: str) -> tuple[Specialist, Lists] | None:
    """The listed profile at `slug` (all but its search columns) and its lists, in one
    query; None when no listed profile has that address."""
    with connection.cursor() as cursor:
        cursor.execute(
            _profile_sql(connection.vendor),
            {
                "tab": "\t",
                "newline": "\n",
                "published": Specialist.Status.PUBLISHED.value,
                "slug": slug,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    *values, lists = row
    if _converted(connection.vendor):
        compiler = Query(Specialist).get_compiler(connection=connection)
        columns = [field.get_col(Specialist._meta.db_table) for field in _READ]
        values = next(compiler.apply_converters([values], compiler.get_converters(columns)))
    specialist = Specialist.from_db(connection.alias, _READ_NAMES, values)
    return specialist, _lists(line.split("\t", 1) for line in (lists or "").split("\n") if line)


@functools.cache
def _profile_sql(vendor: str) -> str:
    return _PROFILE_SQL.format(
        columns=", ".join(f's."{field.column}"' for field in _READ),
        aggregate="string_agg" if vendor == "postgresql" else "group_concat",
        lists=_lists_sql("s.id"),
        table=Specialist._meta.db_table,
    )


@functools.cache
def _converted(vendor: str) -> bool:
    """Whether the backend converts any of the row's values (SQLite's datetimes and booleans
    are text and integers; PostgreSQL's come as they are)."""
    compiler = Query(Specialist).get_compiler(connection=connection)
    return bool(compiler.get_converters([f.get_col(Specialist._meta.db_table) for f in _READ]))


def licensed_areas(*, specialist_id: int) -> list[str]:
    """The codes of the areas a specialist is licensed in."""
    return list(
        Licensure.objects.filter(specialist_id=specialist_id)
        .order_by("area")
        .values_list("area", flat=True)
    )


def set_licensed_areas(*, specialist: Specialist, areas: Iterable[str]) -> None:
    """Replace where `specialist` is licensed with `areas` (codes licensing.areas() knows)."""
    wanted = {area for area in areas if licensing.normalized(area) == area}
    Licensure.objects.filter(specialist=specialist).exclude(area__in=wanted).delete()
    Licensure.objects.bulk_create(
        [Licensure(specialist=specialist, area=area) for area in sorted(wanted)],
        ignore_conflicts=True,
    )


class ProfileError(Exception):
    """A profile rule was broken; the message is safe to show to the specialist."""


def search_document_for(
    *, name: str, titles: str, bio: str, specialties: Iterable[str], approaches: Iterable[str]
) -> str:
    """The words a profile is found by, in one text (indexed for full-text search)."""
    return "\n".join([name, titles, " ".join(specialties), " ".join(approaches), bio])


def refresh_derived_fields(specialist: Specialist) -> None:
    """Recompute the sanitized bio and the search text from the profile's current data."""
    specialist.bio_html = markdown.render(specialist.bio)
    specialist.search_document = search_document_for(
        name=specialist.name,
        titles=specialist.titles,
        bio=specialist.bio,
        specialties=[s.name for s in specialist.specialties.all()],
        approaches=[a.name for a in specialist.approaches.all()],
    )
    specialist.save(update_fields=["bio_html", "search_document", "updated_at"])
    search.reindex(specialist_ids=[specialist.pk])


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60].strip("-") or "specialist"
    if not Specialist.objects.filter(slug=base).exists():
        return base
    return f"{base}-{get_random_string(6, 'abcdefghjkmnpqrstuvwxyz23456789')}"


def _apply(specialist: Specialist, data: Mapping[str, Any], photo: ProcessedPhoto | None) -> None:
    before = [getattr(specialist, name) for name in PLACE_FIELDS]
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(specialist, name, data[name])
    if specialist.latitude is None or before != [getattr(specialist, n) for n in PLACE_FIELDS]:
        found = places.coordinates(
            city=specialist.city, region=specialist.region, country=specialist.country
        )
        specialist.latitude, specialist.longitude = found or (None, None)
    if photo is not None:
        replaced = [specialist.photo.name, specialist.photo_thumbnail.name]
        name = files.unguessable_name(suffix="")
        specialist.photo.save(f"{name}.jpg", photo.profile, save=False)
        specialist.photo_thumbnail.save(f"{name}-card.jpg", photo.card, save=False)
        files.delete_on_commit(storage=specialist.photo.storage, names=replaced)


def may_save(*, owner: User, with_photo: bool) -> bool:
    """Count one save of `owner`'s profile (and one photo upload); False once either limit
    is reached. Views ask before the form decodes the photo, so a burst costs nothing."""
    saves_ok = limits.allow(
        scope="profile-save", key=owner.pk, limit=SAVES_PER_HOUR, window_seconds=3600
    )
    if not with_photo:
        return saves_ok
    photos_ok = limits.allow(
        scope="photo-upload", key=owner.pk, limit=PHOTOS_PER_HOUR, window_seconds=3600
    )
    return saves_ok and photos_ok


def _set_related(specialist: Specialist, data: Mapping[str, Any]) -> None:
    for name in RELATED_FIELDS:
        if name in data:
            getattr(specialist, name).set(data[name])
    if "licensed_in" in data:
        set_licensed_areas(specialist=specialist, areas=data["licensed_in"])


@transaction.atomic
def create_profile(
    *, owner: User, data: Mapping[str, Any], photo: ProcessedPhoto | None = None
) -> Specialist:
    """Create `owner`'s profile as a draft; the owner becomes a specialist.

    Nothing is public until an admin approves it. Raises ProfileError if the owner
    already has a profile.
    """
    if Specialist.objects.filter(owner=owner).exists():
        raise ProfileError(_("You already have a profile."))
    specialist = Specialist(owner=owner, status=Specialist.Status.DRAFT)
    _apply(specialist, data, photo)
    specialist.slug = _unique_slug(specialist.name)
    try:
        with transaction.atomic():
            specialist.save()
    except IntegrityError:
        # Two tabs creating at once, or the same slug picked in between.
        raise ProfileError(_("Your profile could not be saved. Please try again.")) from None
    _set_related(specialist, data)
    refresh_derived_fields(specialist)
    if owner.role != User.Role.SPECIALIST:
        owner.role = User.Role.SPECIALIST
        owner.save(update_fields=["role"])
    return specialist


@transaction.atomic
def update_profile(
    *, specialist: Specialist, data: Mapping[str, Any], photo: ProcessedPhoto | None = None
) -> bool:
    """Save the owner's changes. Returns True when they sent a published profile back to review.

    See the module docstring for which changes need a new review.
    """
    locked = Specialist.objects.select_for_update().get(pk=specialist.pk)
    before = {name: getattr(locked, name) for name in REVIEWED_FIELDS}
    _apply(locked, data, photo)
    changed = {name for name in REVIEWED_FIELDS if getattr(locked, name) != before[name]}
    back_to_review = locked.status == Specialist.Status.PUBLISHED and bool(changed)
    if back_to_review:
        locked.status = Specialist.Status.PENDING
        locked.submitted_at = timezone.now()
    if changed & set(LICENSE_FIELDS):
        locked.license_verified_at = None
    locked.save()
    _set_related(locked, data)
    refresh_derived_fields(locked)
    specialist.refresh_from_db()
    return back_to_review


def reviewed_field_labels() -> list[str]:
    fields = [Specialist._meta.get_field(name) for name in REVIEWED_FIELDS]
    return [str(field.verbose_name) for field in fields if hasattr(field, "verbose_name")]


def missing_for_review(specialist: Specialist) -> list[str]:
    """What a profile still needs before it can be reviewed, in words for the owner."""
    missing = []
    if not specialist.name.strip():
        missing.append(_("your full name"))
    if not specialist.titles.strip():
        missing.append(_("your professional titles"))
    if not specialist.specialties.exists():
        missing.append(_("at least one specialty"))
    if not specialist.languages.exists():
        missing.append(_("at least one language"))
    if not specialist.bio.strip():
        missing.append(_("a biography"))
    if not (specialist.offers_online or specialist.offers_in_person):
        missing.append(_("a session format (online or in person)"))
    return missing


@transaction.atomic
def submit_for_review(*, specialist: Specialist) -> Specialist:
    """Send a draft or rejected profile to the moderation queue.

    Raises ProfileError when it is already pending or published, or still incomplete.
    """
    if specialist.status in (Specialist.Status.PENDING, Specialist.Status.PUBLISHED):
        raise ProfileError(_("Your profile is already with us; there is nothing to submit."))
    missing = missing_for_review(specialist)
    if missing:
        raise ProfileError(
            _("Before we can review your profile, please add: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    claimed = Specialist.objects.filter(
        pk=specialist.pk, status__in=[Specialist.Status.DRAFT, Specialist.Status.REJECTED]
    ).update(
        status=Specialist.Status.PENDING,
        submitted_at=timezone.now(),
        rejection_reason="",
        updated_at=timezone.now(),
    )
    if not claimed:
        raise ProfileError(_("Your profile is already with us; there is nothing to submit."))
    specialist.refresh_from_db()
    return specialist
