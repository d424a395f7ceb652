"""Erasing an account: the person's data goes, the other side's records stay whole.

The user row is kept, anonymised, because the other side's consultations and
conversations point at it: their pages still render and the cancellation notices written
here are sent after the commit (to the other side: an inactive account gets none). What
only the person wrote or owned is deleted; free text they left on shared rows
is blanked. The README's "Privacy" section lists each choice.
"""

import logging
import secrets
from datetime import datetime
from functools import partial

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from bookings import booking, hours, next_free
from bookings.models import (
    AvailabilityException,
    BookingSettings,
    Consultation,
    Hold,
    Reminder,
    WaitlistEntry,
    WeeklyHours,
)
from calendars import connections as calendar_connections
from content import articles
from content.models import (
    Answer,
    Article,
    ArticleLink,
    HiddenArticleLink,
    ProfileLinkState,
    Question,
)
from directory import files
from directory.models import Specialist, User
from matching.models import ShortlistEntry
from messaging import retention
from messaging.models import ContactMessage, Message, Thread

logger = logging.getLogger(__name__)

# RFC 2606 reserves .invalid: no mail can ever be delivered there.
ERASED_EMAIL_DOMAIN = "erased.invalid"

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


@transaction.atomic
def erase_account(*, user: User, now: datetime) -> None:
    """Erase the person's personal data and close the account, all or nothing.

    Upcoming consultations on either side are cancelled through bookings.booking.cancel,
    so the other side gets the usual notice; unsent reminders are dropped; a specialist's
    profile, articles and answers stop being public.
    """
    mine = Q(client=user) | Q(specialist__owner=user)
    upcoming_filter = {"status": Consultation.Status.CONFIRMED, "starts_at__gt": now}
    # Locked in the order every booking change takes: the specialists, then the person,
    # then the consultations, so that a booking in flight finishes first, nothing
    # deadlocks, and cancel() accepts each consultation.
    held = Hold.objects.filter(mine, status=Hold.Status.HELD)
    booking.lock_specialists(
        ids=[
            *Consultation.objects.filter(mine, **upcoming_filter).values_list(
                "specialist_id", flat=True
            ),
            *Specialist.objects.filter(owner=user).values_list("pk", flat=True),
            *held.values_list("specialist_id", flat=True),
        ]
    )
    person = User.objects.select_for_update().get(pk=user.pk)
    upcoming = list(
        Consultation.objects.select_for_update(of=("self",))
        .filter(mine, **upcoming_filter)
        .order_by("pk")
    )
    specialist = Specialist.objects.filter(owner=person).first()
    if specialist is not None:
        # Unlisted before the cancellations, which then need not look for a next free slot.
        Specialist.objects.filter(pk=specialist.pk).update(
            status=Specialist.Status.DRAFT, next_free_slot_at=None
        )
    for consultation in upcoming:
        booking.cancel(consultation=consultation, by=person, reason="", now=now)
    Reminder.objects.filter(
        Q(consultation__client=person) | Q(consultation__specialist__owner=person),
        sent_at=None,
    ).delete()
    _blank_consultation_text(person)
    _erase_messages(person)
    Question.objects.filter(asker=person).delete()
    ShortlistEntry.objects.filter(user=person).delete()
    # Waiting on either side ends; a time held for the person goes to the next one waiting.
    freed = set(held.filter(client=person).values_list("specialist_id", flat=True))
    held.update(status=Hold.Status.RELEASED)
    WaitlistEntry.objects.filter(mine).delete()
    for other in Specialist.objects.filter(pk__in=freed):
        next_free.wake_waitlist(specialist=other, now=now)
    if specialist is not None:
        _withdraw_content(specialist)
        _erase_profile(specialist)
        calendar_connections.forget_specialist(specialist=specialist, now=now)
    _close_account(person)
    transaction.on_commit(partial(logger.info, "account erased", extra={"user_id": person.pk}))


def _blank_consultation_text(person: User) -> None:
    """The other side keeps the consultation; what this person wrote on it goes."""
    Consultation.objects.filter(client=person).update(
        note="", phone="", fit="", client_time_zone="UTC"
    )
    for party, side in (
        (Consultation.Party.CLIENT, Q(client=person)),
        (Consultation.Party.SPECIALIST, Q(specialist__owner=person)),
    ):
        Consultation.objects.filter(side, cancelled_by=party).update(change_reason="")


def _erase_messages(person: User) -> None:
    """Their messages are deleted; the other side keeps theirs and the conversation."""
    threads = Thread.objects.of_party(person)
    thread_ids = list(threads.values_list("pk", flat=True))
    Message.objects.filter(sender=person).delete()
    retention.clamp_unread_counters(thread_ids=thread_ids)
    delivered = Message.objects.filter(thread=OuterRef("pk"), status=Message.Status.SENT)
    Thread.objects.filter(pk__in=thread_ids).update(
        last_message_at=Subquery(delivered.order_by("-created_at").values("created_at")[:1])
    )
    Thread.objects.filter(pk__in=thread_ids).exclude(
        Exists(Message.objects.filter(thread=OuterRef("pk")))
    ).delete()
    # With the messages sent while logged out ("Can't log in?") from the account's address.
    ContactMessage.objects.filter(
        Q(sender=person) | Q(sender=None, reply_to__iexact=person.email)
    ).delete()


def _withdraw_content(specialist: Specialist) -> None:
    """Drafts are deleted; published articles and answers are withdrawn from view."""
    Article.objects.filter(author=specialist, status=Article.Status.DRAFT).delete()
    for article in Article.objects.filter(author=specialist, status=Article.Status.PUBLISHED):
        articles.unpublish_article(article=article)
    Answer.objects.filter(specialist=specialist, status=Answer.Status.PUBLISHED).update(
        status=Answer.Status.HIDDEN
    )


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
    for model in (BookingSettings, WeeklyHours, AvailabilityException):
        model.objects.filter(specialist=specialist).delete()
    hours.hours_changed(specialist=specialist)
    ArticleLink.objects.filter(specialist=specialist).delete()
    HiddenArticleLink.objects.filter(specialist=specialist).delete()
    ProfileLinkState.objects.filter(specialist=specialist).delete()
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
