"""The reply-time rule (messaging.replies), which the profile's trust fact and the
specialist's insights both read."""

from datetime import UTC, date, datetime, timedelta

import pytest

from messaging import replies
from messaging.models import Message, Thread
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)  # a Wednesday


def say(thread, sender, at, *, held=False):
    message = Message.objects.create(
        thread=thread,
        sender=sender,
        body="words",
        status=Message.Status.HELD if held else Message.Status.SENT,
    )
    Message.objects.filter(pk=message.pk).update(created_at=at)
    return message


def conversation(specialist, *script):
    """`script`: (who, when) pairs, who being "client" or "specialist"."""
    client = UserFactory()
    thread = Thread.objects.create(client=client, specialist=specialist)
    for who, at in script:
        say(thread, client if who == "client" else specialist.owner, at)
    return thread


@pytest.fixture
def specialist():
    return SpecialistFactory()


def test_a_run_of_messages_waits_from_its_first_until_the_next_reply(specialist):
    start = NOW - timedelta(days=3)
    conversation(
        specialist,
        ("client", start),
        ("client", start + HOUR),  # the same wait
        ("specialist", start + 3 * HOUR),
        ("specialist", start + 4 * HOUR),
        ("client", start + 5 * HOUR),  # a new wait, after the specialist's reply
        ("specialist", start + 6 * HOUR),
    )

    median = replies.median(specialist=specialist, since=NOW - timedelta(days=7))

    # Two waits, of three hours and one; the later of the middle two is three.
    assert median == replies.Median(waits=2, delay=3 * HOUR)


def test_messages_held_for_review_have_not_reached_the_specialist(specialist):
    start = NOW - timedelta(days=1)
    thread = conversation(specialist, ("client", start))
    say(thread, specialist.owner, start + HOUR, held=True)  # not delivered: no reply yet
    say(thread, thread.client, start + 2 * HOUR, held=True)  # not a wait either

    median = replies.median(specialist=specialist, since=NOW - timedelta(days=7))

    assert median == replies.Median(waits=1, delay=None)


def test_the_median_counts_an_unanswered_wait_as_the_slowest(specialist):
    start = NOW - timedelta(days=2)
    for hours in (1, 2, 9):
        conversation(specialist, ("client", start), ("specialist", start + hours * HOUR))
    conversation(specialist, ("client", start))

    median = replies.median(specialist=specialist, since=NOW - timedelta(days=7))

    assert median == replies.Median(waits=4, delay=9 * HOUR)  # the later of the middle two
    conversation(specialist, ("client", start))
    conversation(specialist, ("client", start))
    assert replies.median(specialist=specialist, since=NOW - timedelta(days=7)).delay is None


def test_the_median_reads_only_waits_since_the_given_moment(specialist):
    old = NOW - timedelta(days=100)
    conversation(specialist, ("client", old), ("specialist", old + HOUR))

    assert replies.median(specialist=specialist, since=NOW - timedelta(days=90)) == (
        replies.Median(waits=0, delay=None)
    )


def test_each_week_has_the_median_of_the_waits_that_started_in_it(
    specialist, django_assert_num_queries
):
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    for hours in (1, 2, 5):
        conversation(specialist, ("client", monday), ("specialist", monday + hours * HOUR))
    # Asked on Sunday, answered on Monday: the week it was asked.
    conversation(specialist, ("client", monday - 10 * HOUR), ("specialist", monday + 12 * HOUR))

    with django_assert_num_queries(1):
        weeks = replies.weekly_medians(specialist=specialist, since=monday - timedelta(weeks=2))

    assert weeks == {
        date(2026, 11, 23): replies.Median(waits=3, delay=2 * HOUR),
        date(2026, 11, 16): replies.Median(waits=1, delay=22 * HOUR),
    }


def test_other_specialists_conversations_do_not_count(specialist):
    other = SpecialistFactory()
    conversation(other, ("client", NOW - HOUR), ("specialist", NOW))

    assert replies.median(specialist=specialist, since=NOW - timedelta(days=7)).waits == 0


def test_whole_hours_round_up_and_start_at_one():
    assert replies.whole_hours(timedelta(minutes=3)) == 1
    assert replies.whole_hours(2 * HOUR) == 2
    assert replies.whole_hours(2 * HOUR + timedelta(minutes=5)) == 3
