"""Redis stopped while a client books: the booking succeeds, and its confirmation and
reminder go out once, after Redis is back, through a real Celery worker.

A Redis server of this test's own is stopped and started, so the shared one is never
touched. The worker is a separate process, so it needs a database it can see: PostgreSQL.
"""

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings.forms import slot_value
from bookings.models import BookingSettings, Consultation, Notice, Reminder
from tests.bookings.conftest import CELERY, REDIS_SERVER, ROOT, beat_tick, free_slot, worker_env
from tests.factories import UserFactory

TICK = ("bookings.send_notices", "bookings.sweep_due_reminders")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"needs PostgreSQL for the worker process to see the data (this run uses "
        f"{connection.vendor})",
    ),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
]


def _wait_for_mail(folder: Path, count: int, *, seconds: float = 60) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(folder.glob("*.eml")) if folder.exists() else []
        if len(found) >= count:
            return found
        time.sleep(0.2)
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def test_a_booking_made_while_redis_is_down_is_confirmed_and_reminded_once_it_is_back(
    client, settings, specialist, private_redis, tmp_path
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": django_settings.REDIS_CACHE_OPTIONS,
        }
    }
    BookingSettings.objects.create(specialist=specialist, notice_hours=1)
    person = UserFactory()
    slot = free_slot(specialist, after=timedelta(hours=3))
    client.force_login(person)

    private_redis.stop()
    response = client.post(
        reverse("bookings:book", kwargs={"slug": specialist.slug}),
        {"slot": slot_value(slot.starts_at), "mode": "video", "tz": "Europe/Berlin"},
    )

    assert response.status_code == 302
    consultation = Consultation.objects.get(client=person)
    assert consultation.notices.get().sent_at is None
    # Time passes: the reminder an hour before comes due while the notice still waits.
    hour_before = consultation.reminders.get(kind=Reminder.Kind.HOUR_BEFORE)
    Reminder.objects.filter(pk=hour_before.pk).update(due_at=timezone.now())
    Notice.objects.update(due_at=timezone.now())

    private_redis.start()
    var_dir = tmp_path / "worker"
    env = worker_env(redis_url=private_redis.url, var_dir=var_dir)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603
        [
            *(CELERY, "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO"),
            *("--without-mingle", "--without-gossip"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        beat_tick(env, *TICK)
        delivered = _wait_for_mail(var_dir / "mail", 3)
        beat_tick(env, *TICK)  # a second tick finds nothing more to send
        time.sleep(2)
        delivered_after = sorted((var_dir / "mail").glob("*.eml"))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()

    assert len(delivered) == 3, (tmp_path / "worker.log").read_text()[-3000:]
    assert delivered_after == delivered
    recipients = sorted(
        line.split(":", 1)[1].strip()
        for path in delivered
        for line in path.read_text().splitlines()
        if line.startswith("To:")
    )
    assert recipients == sorted([person.email, person.email, specialist.owner.email])
    assert Notice.objects.get().sent_at is not None
    assert Reminder.objects.get(pk=hour_before.pk).sent_at is not None
