from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from messaging import conversations, retention, tasks
from messaging.models import Message, Thread
from tests.config.test_settings import run_python
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

OLD = timedelta(days=settings.MESSAGING_RETENTION_DAYS + 1)


def write(thread_or_specialist, sender, body, *, ago=timedelta(0)):
    with time_machine.travel(timezone.now() - ago, tick=False):
        if isinstance(thread_or_specialist, Thread):
            return conversations.reply(thread=thread_or_specialist, sender=sender, body=body)
        return conversations.message_specialist(
            client=sender, specialist=thread_or_specialist, body=body
        )


def test_messages_past_the_retention_period_are_deleted_and_newer_ones_kept():
    client, specialist = UserFactory(), SpecialistFactory()
    thread = write(specialist, client, "old question", ago=OLD).thread
    write(thread, specialist.owner, "old answer", ago=OLD)
    write(thread, client, "recent", ago=timedelta(days=settings.MESSAGING_RETENTION_DAYS - 1))

    purged = retention.purge_old_messages(now=timezone.now())

    assert purged == 2
    assert list(Message.objects.values_list("body", flat=True)) == ["recent"]
    assert Thread.objects.filter(pk=thread.pk).exists()


def test_unread_counters_never_count_a_purged_message():
    client, specialist = UserFactory(), SpecialistFactory()
    thread = write(specialist, client, "one", ago=OLD).thread
    write(thread, client, "two", ago=OLD)
    write(thread, client, "three")
    write(thread, specialist.owner, "old reply", ago=OLD)
    thread.refresh_from_db()
    assert (thread.specialist_unread, thread.client_unread) == (3, 1)

    retention.purge_old_messages(now=timezone.now())

    thread.refresh_from_db()
    assert (thread.specialist_unread, thread.client_unread) == (1, 0)


def test_a_read_conversation_stays_read():
    client, specialist = UserFactory(), SpecialistFactory()
    thread = write(specialist, client, "old", ago=OLD).thread
    write(thread, client, "new")
    thread.refresh_from_db()
    conversations.mark_read(thread=thread, reader=specialist.owner)

    retention.purge_old_messages(now=timezone.now())

    thread.refresh_from_db()
    assert thread.specialist_unread == 0


def test_a_large_backlog_goes_in_batches():
    specialist = SpecialistFactory()
    for _ in range(5):
        write(specialist, UserFactory(), "old", ago=OLD)

    assert retention.purge_old_messages(now=timezone.now(), batch_size=2) == 5
    assert not Message.objects.exists()
    assert set(Thread.objects.values_list("specialist_unread", flat=True)) == {0}


def test_the_period_comes_from_the_setting(settings):
    settings.MESSAGING_RETENTION_DAYS = 30
    client, specialist = UserFactory(), SpecialistFactory()
    thread = write(specialist, client, "five weeks old", ago=timedelta(days=35)).thread
    write(thread, client, "three weeks old", ago=timedelta(days=21))

    tasks.purge_old_messages()

    assert list(Message.objects.values_list("body", flat=True)) == ["three weeks old"]


def test_beat_runs_the_purge_daily_and_the_default_period_is_a_year():
    entry = settings.CELERY_BEAT_SCHEDULE["messaging-purge-old-messages"]

    assert entry["task"] == tasks.purge_old_messages.name == "messaging.purge_old_messages"
    assert entry["schedule"].hour == {3}
    assert settings.MESSAGING_RETENTION_DAYS == 365


def test_a_retention_period_under_a_day_is_refused_at_start_up():
    result = run_python(
        "import config.settings",
        DJANGO_DEBUG="True",
        MESSAGING_RETENTION_DAYS="0",
    )

    assert result.returncode != 0
    assert "MESSAGING_RETENTION_DAYS must be at least 1" in result.stderr
