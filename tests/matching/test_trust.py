from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from bookings.models import Consultation
from matching import trust
from messaging import replies
from messaging.models import Message
from tests.factories import ConsultationFactory, MessageFactory, SpecialistFactory, ThreadFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


# The rule itself is messaging.replies' (tests/messaging/test_replies.py); here, when it shows.


def test_no_reply_time_below_five_waits():
    assert trust.reply_hours(replies.Median(waits=4, delay=HOUR)) is None
    assert trust.reply_hours(replies.Median(waits=5, delay=HOUR)) == 1


def test_no_reply_time_when_the_median_wait_is_unanswered():
    assert trust.reply_hours(replies.Median(waits=9, delay=None)) is None


def test_the_fact_is_rounded_up_to_whole_hours():
    assert trust.reply_hours(replies.Median(waits=5, delay=2 * HOUR + timedelta(minutes=5))) == 3


def conversation(specialist, *, asked_ago, reply_after=None, now):
    thread = ThreadFactory(specialist=specialist)
    asked = MessageFactory(thread=thread)
    Message.objects.filter(pk=asked.pk).update(created_at=now - asked_ago)
    if reply_after is not None:
        reply = MessageFactory(thread=thread, sender=specialist.owner, body="Hi")
        Message.objects.filter(pk=reply.pk).update(created_at=now - asked_ago + reply_after)
    return thread


def test_the_fact_reads_the_last_ninety_days():
    now = timezone.now()
    specialist = SpecialistFactory()
    conversation(specialist, asked_ago=timedelta(days=2), reply_after=3 * HOUR, now=now)
    conversation(specialist, asked_ago=timedelta(days=1), now=now)
    conversation(specialist, asked_ago=timedelta(days=200), reply_after=HOUR, now=now)

    assert trust.recent_replies(specialist=specialist, now=now) == replies.Median(
        waits=2, delay=None
    )


def test_the_profile_shows_each_fact_with_how_we_know(client):
    now = timezone.now()
    specialist = SpecialistFactory(license_verified_at=now - timedelta(days=3))
    for hours in (1, 2, 2, 3, 9):
        conversation(specialist, asked_ago=timedelta(days=5), reply_after=hours * HOUR, now=now)
    ConsultationFactory(
        specialist=specialist,
        starts_at=now - timedelta(days=2),
        status=Consultation.Status.COMPLETED,
    )

    page = client.get(specialist.get_absolute_url()).content.decode()

    assert "License verified on" in page
    assert "Usually replies within 2 hours" in page
    assert "1 free consultation held here" in page
    assert "Profile last updated on" in page
    assert page.count("How we know") == 4


def test_a_new_profile_shows_no_reply_time_or_verification(client):
    specialist = SpecialistFactory()

    page = client.get(specialist.get_absolute_url()).content.decode()

    assert "Usually replies" not in page
    assert "License verified on" not in page
    assert "0 free consultations held here" in page


def test_a_profile_counts_once_an_hour_but_reads_the_licence_live(client):
    now = timezone.now()
    specialist = SpecialistFactory()
    url = specialist.get_absolute_url()
    assert "License verified on" not in client.get(url).content.decode()

    ConsultationFactory(
        specialist=specialist,
        starts_at=now - timedelta(days=2),
        status=Consultation.Status.COMPLETED,
    )
    specialist.license_verified_at = now
    specialist.save(update_fields=["license_verified_at"])
    within_the_hour = client.get(url).content.decode()
    cache.delete(f"trust:counts:{specialist.pk}")  # the hour is over
    after_it = client.get(url).content.decode()

    assert "License verified on" in within_the_hour
    assert "1 free consultation held here" not in within_the_hour
    assert "1 free consultation held here" in after_it
