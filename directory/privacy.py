"""Directory's part of a person's export and erasure: the account and the specialist profile
(privacy/ calls these in a fixed order, this one last)."""

import secrets
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.translation import gettext as _

from directory import files
from directory.models import Promotion, Specialist, User
from directory.profiles import lists_for

# RFC 2606 reserves .invalid: no mail can ever be delivered there.
ERASED_EMAIL_DOMAIN = "erased.invalid"

# The models with a foreign key to the user that erase_user_data handles.
ERASES: tuple[type[Model], ...] = (Specialist, EmailAddress, UserSession)

# Profile fields that say who the specialist is or how to reach them; all emptied.
PROFILE_TEXT_FIELDS = (
    "rejection_reason",
    "titles",
    "license_number",
    "license_body",
    "city",
    "region",
    "country",
    "fees",
    "gender",
    "gender_description",
    "education",
    "intro",
    "bio",
    "bio_html",
    "video_url",
    "meeting_link",
    "search_document",
)


def erase_user_data(*, user: User, now: datetime) -> None:
    """Empty a specialist's profile and delete its photos once the erasure commits; then
    close the account: sessions ended, e-mail addresses deleted, the user row anonymised
    and kept, because the other side's consultations and conversations point at it."""
    specialist = Specialist.objects.filter(owner=user).first()
    if specialist is not None:
        _erase_profile(specialist)
    _close_account(user)


def _erase_profile(specialist: Specialist) -> None:
    specialist.refresh_from_db()
    photos = [f.name for f in (specialist.photo, specialist.photo_thumbnail) if f.name]
    storage = specialist.photo.storage
    for field in PROFILE_TEXT_FIELDS:
        setattr(specialist, field, "")
    # The name stays non-empty: the other side's consultations and e-mails show it.
    specialist.name = _("A former specialist")
    specialist.slug = f"erased-{secrets.token_hex(8)}"
    specialist.photo.name = specialist.photo_thumbnail.name = ""
    specialist.time_zone = "UTC"
    specialist.years_experience = 0
    specialist.fee_per_session = specialist.sliding_scale_from = None
    specialist.latitude = specialist.longitude = None
    specialist.free_times = 0
    specialist.license_verified_at = specialist.submitted_at = specialist.published_at = None
    specialist.search_vector = None
    specialist.save()
    for related in (
        specialist.specialties,
        specialist.approaches,
        specialist.languages,
        specialist.payers,
        specialist.age_groups,
        specialist.communities,
    ):
        related.clear()
    specialist.licensures.all().delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Specialist), object_id=str(specialist.pk)
    ).update(object_repr=str(specialist))
    # Files are not transactional: they go once the erasure is certain.
    files.delete_on_commit(storage=storage, names=photos)


def _close_account(person: User) -> None:
    for session in UserSession.objects.filter(user=person):
        session.end()
    EmailAddress.objects.filter(user=person).delete()
    person.email = f"erased-{person.pk}-{secrets.token_hex(6)}@{ERASED_EMAIL_DOMAIN}"
    person.first_name = person.last_name = person.pronouns = person.time_zone = ""
    person.set_unusable_password()
    person.is_active = person.is_staff = person.is_superuser = False
    person.last_login = None
    person.save()
    person.groups.clear()
    person.user_permissions.clear()


def export_user_data(*, user: User) -> dict[str, Any]:
    """The account, its e-mail addresses and log-in sessions, and the specialist profile."""
    specialist = Specialist.objects.filter(owner=user).first()
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "pronouns": user.pronouns,
            "time_zone": user.time_zone,
            "role": user.role,
            "joined_at": user.date_joined,
            "last_login_at": user.last_login,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "started_at": session.created_at,
                "last_seen_at": session.last_seen_at,
                "ip": session.ip,
                "user_agent": session.user_agent,
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "specialist_profile": _profile(specialist) if specialist else None,
    }


def _profile(specialist: Specialist) -> dict[str, Any]:
    lists = lists_for(specialist_id=specialist.pk)
    return {
        "status": specialist.status,
        "address": specialist.slug,
        "name": specialist.name,
        "photo": specialist.photo.url if specialist.photo else "",
        "titles": specialist.titles,
        "license_number": specialist.license_number,
        "licensing_body": specialist.license_body,
        "license_verified_at": specialist.license_verified_at,
        "years_experience": specialist.years_experience,
        "specialties": lists.specialties,
        "approaches": lists.approaches,
        "languages": lists.languages,
        "offers_online": specialist.offers_online,
        "offers_in_person": specialist.offers_in_person,
        "city": specialist.city,
        "region": specialist.region,
        "country": specialist.country,
        "time_zone": specialist.time_zone,
        "fees": specialist.fees,
        "fee_per_session": specialist.fee_per_session,
        "fee_currency": specialist.fee_currency,
        "sliding_scale_from": specialist.sliding_scale_from,
        "insurance_and_payers": lists.payers,
        "age_groups": lists.age_groups,
        "communities": lists.communities,
        "licensed_in": lists.licensed_in,
        "gender": specialist.gender,
        "gender_description": specialist.gender_description,
        "accepting_new_clients": specialist.accepting_new_clients,
        "education": specialist.education,
        "intro": specialist.intro,
        "bio": specialist.bio,
        "offers_free_consultation": specialist.offers_free_consultation,
        "video_url": specialist.video_url,
        "meeting_link": specialist.meeting_link,
        "rejection_reason": specialist.rejection_reason,
        "submitted_at": specialist.submitted_at,
        "published_at": specialist.published_at,
        "created_at": specialist.created_at,
        "updated_at": specialist.updated_at,
        "promotions": [
            {"first_day": promotion.starts_on, "last_day": promotion.ends_on}
            for promotion in Promotion.objects.filter(specialist=specialist)
        ],
    }
