"""Everything the platform holds about one person, for the "Download my data" file.

What goes in:
- their account, e-mail addresses, log-in sessions, specialist profile and its booking rules;
- their consultations. A client's file has all of each consultation, their note, phone
  number and feedback included. A specialist's file has their schedule (times, mode,
  status, the client's name as their pages show it, their own cancellation reasons) but
  not what clients told them: a note, phone number or feedback is that client's data,
  shared with the specialist for one consultation, and a portable copy would put it out
  of reach of the client's own erasure;
- their conversations: correspondence belongs to both correspondents, so each side's file
  holds every delivered message of their conversations, and their own held ones;
- their questions, answers, articles, blocks, reports and messages to staff.
Secrets (the calendar feed token, password hash) stay out.
"""

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.db.models import Prefetch, Q
from django.urls import reverse

from bookings.models import (
    AvailabilityException,
    BookingSettings,
    Consultation,
    Hold,
    WaitlistEntry,
    WeeklyHours,
)
from content.models import Answer, Article, Question
from directory.models import Promotion, Specialist, User
from directory.profiles import lists_for
from matching.models import ShortlistEntry
from messaging.models import Block, ContactMessage, Message, Thread

FORMAT_VERSION = 1

Row = dict[str, Any]


def export_for(*, user: User, now: datetime) -> Row:
    """What the platform holds about `user` (see the module docstring), JSON-ready with
    DjangoJSONEncoder. Reads only; a fixed number of queries whatever the person holds."""
    specialist = Specialist.objects.filter(owner=user).select_related("booking_settings").first()
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": now,
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
        "shortlist": [
            {
                "specialist": entry.specialist.name,
                "address": entry.specialist.slug,
                "saved_at": entry.added_at,
            }
            for entry in ShortlistEntry.objects.filter(user=user)
            .select_related("specialist")
            .order_by("added_at", "pk")
        ],
        "waitlists": [
            {
                "specialist": entry.specialist.name,
                "joined_at": entry.created_at,
                "earlier_than": entry.before,
            }
            for entry in WaitlistEntry.objects.filter(client=user)
            .select_related("specialist")
            .order_by("created_at", "pk")
        ],
        "times_held_for_me": [
            {
                "specialist": hold.specialist.name,
                "starts_at": hold.starts_at,
                "held_at": hold.created_at,
                "status": hold.status,
            }
            for hold in Hold.objects.filter(client=user)
            .select_related("specialist")
            .order_by("created_at", "pk")
        ],
        **_consultations(user),
        "conversations": _conversations(user),
        **_blocks(user),
        "questions": [
            {
                "id": question.pk,
                "title": question.title,
                "details": question.details,
                "topic": question.topic.name if question.topic else "",
                "show_name": question.show_name,
                "status": question.status,
                "asked_at": question.created_at,
            }
            for question in Question.objects.filter(asker=user).select_related("topic")
        ],
        "answers": _answers(specialist) if specialist else [],
        "articles": _articles(specialist) if specialist else [],
        "messages_to_staff": [
            {
                "subject": contact.subject,
                "message": contact.body,
                "reply_to": contact.reply_to,
                "sent_at": contact.created_at,
            }
            for contact in ContactMessage.objects.filter(sender=user).order_by("created_at")
        ],
    }


def _profile(specialist: Specialist) -> Row:
    lists = lists_for(specialist_id=specialist.pk)
    try:
        rules: BookingSettings | None = specialist.booking_settings
    except BookingSettings.DoesNotExist:
        rules = None
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
        "booking_rules": {
            "buffer_minutes": rules.buffer_minutes,
            "notice_hours": rules.notice_hours,
            "horizon_days": rules.horizon_days,
            "daily_cap": rules.daily_cap,
            "meeting_link": rules.meeting_link,
        }
        if rules
        else None,
        "weekly_hours": [
            {"weekday": hours.get_weekday_display(), "starts": hours.starts, "ends": hours.ends}
            for hours in WeeklyHours.objects.filter(specialist=specialist)
        ],
        "availability_changes": [
            {"date": change.date, "kind": change.kind, "starts": change.starts, "ends": change.ends}
            for change in AvailabilityException.objects.filter(specialist=specialist)
        ],
        "promotions": [
            {"first_day": promotion.starts_on, "last_day": promotion.ends_on}
            for promotion in Promotion.objects.filter(specialist=specialist)
        ],
    }


def _consultations(user: User) -> Row:
    as_client: list[Row] = []
    as_specialist: list[Row] = []
    for consultation in (
        Consultation.objects.filter(Q(client=user) | Q(specialist__owner=user))
        .select_related("specialist", "client")
        .order_by("starts_at", "pk")
    ):
        row: Row = {
            "id": consultation.pk,
            "starts_at": consultation.starts_at,
            "ends_at": consultation.ends_at,
            "mode": consultation.mode,
            "status": consultation.status,
            "booked_at": consultation.created_at,
            "cancelled_at": consultation.cancelled_at,
            "cancelled_by": consultation.cancelled_by,
        }
        if consultation.client_id == user.pk:
            as_client.append(
                {
                    **row,
                    "specialist": consultation.specialist.name,
                    "note": consultation.note,
                    "phone": consultation.phone,
                    "time_zone": consultation.client_time_zone,
                    "reason_given": consultation.change_reason,
                    "fit": consultation.fit,
                }
            )
        else:
            own_reason = consultation.cancelled_by == Consultation.Party.SPECIALIST
            as_specialist.append(
                {
                    **row,
                    "client": consultation.client.display_name,
                    "reason_given": consultation.change_reason if own_reason else "",
                }
            )
    return {"consultations_as_client": as_client, "consultations_as_specialist": as_specialist}


def _conversations(user: User) -> list[Row]:
    threads = (
        Thread.objects.of_party(user)
        .select_related("client", "specialist")
        .prefetch_related(
            Prefetch("messages", queryset=Message.objects.order_by("created_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    conversations = []
    for thread in threads:
        as_client = thread.client_id == user.pk
        reported_by_me = thread.reported_by_id == user.pk
        conversations.append(
            {
                "id": thread.pk,
                "as": "client" if as_client else "specialist",
                "with": thread.specialist.name if as_client else thread.client.display_name,
                "started_at": thread.created_at,
                "reported_by_me_at": thread.reported_at if reported_by_me else None,
                "messages": [
                    {
                        "from": "me" if message.sender_id == user.pk else "them",
                        "text": message.body,
                        "sent_at": message.created_at,
                        "held_for_review": message.status == Message.Status.HELD,
                    }
                    for message in thread.messages.all()
                    # The other side's held messages have not been delivered to this person.
                    if message.status == Message.Status.SENT or message.sender_id == user.pk
                ],
            }
        )
    return conversations


def _blocks(user: User) -> Row:
    made: list[Row] = []
    received: list[Row] = []
    for block in (
        Block.objects.filter(Q(client=user) | Q(specialist__owner=user))
        .select_related("client", "specialist")
        .order_by("created_at", "pk")
    ):
        if block.client_id == user.pk:
            received.append({"specialist": block.specialist.name, "since": block.created_at})
        else:
            made.append({"client": block.client.display_name, "since": block.created_at})
    return {"clients_i_blocked": made, "blocked_by_specialists": received}


def _answers(specialist: Specialist) -> list[Row]:
    return [
        {
            "question": reverse("content:question", kwargs={"pk": answer.question_id}),
            "text": answer.body,
            "status": answer.status,
            "written_at": answer.created_at,
            "changed_at": answer.updated_at,
        }
        for answer in Answer.objects.filter(specialist=specialist)
    ]


def _articles(specialist: Specialist) -> list[Row]:
    return [
        {
            "title": article.title,
            "address": article.slug,
            "summary": article.summary,
            "text": article.body,
            "topics": sorted(topic.name for topic in article.topics.all()),
            "references": [reference.text for reference in article.references.all()],
            "status": article.status,
            "published_at": article.published_at,
            "created_at": article.created_at,
            "changed_at": article.updated_at,
        }
        for article in Article.objects.filter(author=specialist)
        .prefetch_related("topics", "references")
        .order_by("created_at", "pk")
    ]
