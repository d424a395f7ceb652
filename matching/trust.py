"""Trust from what the platform knows, instead of star ratings (testimonials from clients go
against most therapists' ethics codes): the licence check, how soon the specialist replies,
the free consultations held here, and when the profile was last updated. Each fact comes
with a short note on how we know it.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Min, OuterRef, Q, Subquery
from django.http import HttpRequest
from django.utils import timezone

from bookings.models import Consultation
from directory.models import Specialist
from directory.sections import Section
from messaging.models import Message, Thread

REPLY_WINDOW = timedelta(days=90)
MIN_CONVERSATIONS = 5


@dataclass(frozen=True)
class Facts:
    license_verified_at: datetime | None
    reply_hours: int | None  # None: fewer than MIN_CONVERSATIONS, or most are unanswered
    conversations: int
    consultations_held: int
    updated_at: datetime


def median_reply_hours(delays: list[timedelta | None]) -> int | None:
    """The median delay in whole hours (rounded up, at least 1), counting an unanswered
    conversation as slower than any answered one; None below MIN_CONVERSATIONS or when the
    median conversation is unanswered. Pure."""
    if len(delays) < MIN_CONVERSATIONS:
        return None
    hours = [math.inf if delay is None else delay.total_seconds() / 3600 for delay in delays]
    median = statistics.median_high(hours)
    if math.isinf(median):
        return None
    return max(1, math.ceil(median))


def reply_delays(*, specialist: Specialist, now: datetime) -> list[timedelta | None]:
    """For each conversation a client started in the last 90 days, the time from their first
    message to the specialist's first reply (None: no reply yet). One query."""
    first_from_client = (
        Message.objects.filter(thread=OuterRef("pk"), sender=OuterRef("client"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    rows = (
        Thread.objects.filter(specialist=specialist, created_at__gte=now - REPLY_WINDOW)
        .annotate(asked_at=Subquery(first_from_client))
        .annotate(
            replied_at=Min(
                "messages__created_at",
                filter=Q(messages__sender=specialist.owner_id)
                & Q(messages__created_at__gte=F("asked_at")),
            )
        )
        .exclude(asked_at=None)
        .values_list("asked_at", "replied_at")
    )
    return [None if replied is None else replied - asked for asked, replied in rows]


def facts_for(*, specialist: Specialist, now: datetime) -> Facts:
    """Two queries: the reply delays and the consultations held."""
    delays = reply_delays(specialist=specialist, now=now)
    held = Consultation.objects.filter(
        specialist=specialist, status=Consultation.Status.COMPLETED
    ).count()
    return Facts(
        license_verified_at=specialist.license_verified_at,
        reply_hours=median_reply_hours(delays),
        conversations=len(delays),
        consultations_held=held,
        updated_at=specialist.updated_at,
    )


def profile_section(specialist: Specialist, request: HttpRequest) -> Section | None:
    return Section(
        template="matching/_trust_section.html",
        order=25,
        context={"facts": facts_for(specialist=specialist, now=timezone.now())},
    )
