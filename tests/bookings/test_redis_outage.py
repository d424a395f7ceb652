"""Redis stopped while a client books: the booking succeeds, and its confirmation and
reminder go out once, after Redis is back, through a real Celery worker.

A Redis server of this test's own is stopped and started, so the shared one is never
touched. The worker is a separate process, so it needs a database it can see: PostgreSQL.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings.forms import slot_value
from bookings.models import BookingSettings, Consultation, Notice, Reminder
from tests.bookings.conftest import free_slot
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"needs PostgreSQL for the worker process to see the data (this run uses "
        f"{connection.vendor})",
    ),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(REDIS_SERVER or "redis-server", "--port", str(self.port)),
                *("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                *("--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test's Redis server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _worker_env(redis_url: str, var_dir: Path) -> dict[str, str]:
    database = connection.settings_dict
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "True",  # e-mail goes to .eml files under DJANGO_VAR_DIR
        "DJANGO_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "REDIS_URL": redis_url,
    }


def _beat_tick(env: dict[str, str]) -> None:
    """What Celery beat publishes on its schedule."""
    for task in ("bookings.send_notices", "bookings.sweep_due_reminders"):
        subprocess.run(  # noqa: S603
            [CELERY, "-A", "config", "call", task], cwd=ROOT, env=env, check=True, timeout=60
        )


def _wait_for_mail(folder: Path, count: int, *, seconds: float = 60) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(folder.glob("*.eml")) if folder.exists() else []
        if len(found) >= count:
            return found
        time.sleep(0.2)
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def test_a_booking_made_while_redis_is_down_is_confirmed_and_reminded_once_it_is_back(
    client, settings, specialist, redis_server, tmp_path
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": django_settings.REDIS_CACHE_OPTIONS,
        }
    }
    BookingSettings.objects.create(specialist=specialist, notice_hours=1)
    person = UserFactory()
    slot = free_slot(specialist, after=timedelta(hours=3))
    client.force_login(person)

    redis_server.stop()
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

    redis_server.start()
    var_dir = tmp_path / "worker"
    env = _worker_env(redis_server.url, var_dir)
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
        _beat_tick(env)
        delivered = _wait_for_mail(var_dir / "mail", 3)
        _beat_tick(env)  # a second tick finds nothing more to send
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
