"""Trust from what the platform knows, instead of star ratings (testimonials from clients go
against most therapists' ethics codes): the licence check, how soon the specialist replies,
the free consultations held here, and when the profile was last updated. Each fact comes
with a short note on how we know it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from bookings.models import Consultation
from directory.models import Specialist
from directory.sections import Section, drawn
from messaging import replies

REPLY_WINDOW = timedelta(days=90)
MIN_WAITS = 5
# What a profile shows of the counts over ninety days: an hour old is as true, and it spares
# every profile view two queries. The licence and the last update are read live.
COUNTS_SECONDS = 60 * 60
TEMPLATE = "matching/_trust_section.html"


@dataclass(frozen=True)
class Counts:
    reply_hours: int | None
    waits: int
    consultations_held: int


@dataclass(frozen=True)
class Facts:
    license_verified_at: datetime | None
    reply_hours: int | None  # None: fewer than MIN_WAITS, or the median one is unanswered
    waits: int  # how many times clients waited for a reply in the last 90 days
    consultations_held: int
    updated_at: datetime


def reply_hours(median: replies.Median) -> int | None:
    """ "Usually replies within N hours": the median over the last 90 days (messaging.replies
    owns the rule), shown from MIN_WAITS waits and only when the median one has a reply."""
    if median.waits < MIN_WAITS or median.delay is None:
        return None
    return replies.whole_hours(median.delay)


def recent_replies(*, specialist: Specialist, now: datetime) -> replies.Median:
    """One query."""
    return replies.median(specialist=specialist, since=now - REPLY_WINDOW)


def counts_for(*, specialist: Specialist, now: datetime) -> Counts:
    """Two queries: the median reply time and the consultations held."""
    median = recent_replies(specialist=specialist, now=now)
    held = Consultation.objects.filter(
        specialist=specialist, status=Consultation.Status.COMPLETED
    ).count()
    return Counts(reply_hours=reply_hours(median), waits=median.waits, consultations_held=held)


def facts_for(*, specialist: Specialist, counts: Counts) -> Facts:
    return Facts(
        license_verified_at=specialist.license_verified_at,
        reply_hours=counts.reply_hours,
        waits=counts.waits,
        consultations_held=counts.consultations_held,
        updated_at=specialist.updated_at,
    )


def profile_section(specialist: Specialist, request: HttpRequest) -> Section | None:
    now = timezone.now()
    counts: Counts = cache.get_or_set(  # type: ignore[assignment]  # never None: set on a miss
        f"trust:counts:{specialist.pk}",
        lambda: counts_for(specialist=specialist, now=now),
        COUNTS_SECONDS,
    )
    facts = facts_for(specialist=specialist, counts=counts)
    html = drawn(
        templates=(TEMPLATE,),
        shown=facts,
        draw=lambda: render_to_string(TEMPLATE, {"section": {"facts": facts}}),
    )
    return Section(template="", order=25, html=mark_safe(html))  # noqa: S308 - our template's
