"""Reminders: 100,000 due reminders swept by 2 Celery worker processes on Redis.

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); on anything else it reports why it
did not run. The workers are `celery -A config worker -c 1` subprocesses started against a
settings module written for this run, whose e-mail backend renders nothing further and
only counts: every message's reminder id goes into a Redis set, so duplicates (total minus
distinct) and misses (expected minus distinct) are exact. Celery's own no-op rate is
measured first with the same two workers, and the sweep is reported as a ratio to it.
"""

import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.db import connection
from django.utils import timezone

from bench.harness import Context, Figure

TOTAL = int(os.environ.get("BENCH_REMINDERS", "100000"))
NOOP_TASKS = 3000
DOMAIN = "bench-reminders.example"
SENT_SET = "bench:reminders:sent"
SENT_TOTAL = "bench:reminders:total"
ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _redis():  # type: ignore[no-untyped-def]
    """One client per process, reused like a mail backend's open connection."""
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


class CountingBackend(BaseEmailBackend):
    """Hands nothing to the network: builds each message, then records how many it took
    and their reminder ids when closed (once a batch, like an SMTP connection's QUIT)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ids: list[str] = []

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from bookings.emails import REMINDER_HEADER

        for message in email_messages:
            message.message()  # build the MIME message, as a real backend would
            self.ids.append(message.extra_headers.get(REMINDER_HEADER, ""))
        return len(email_messages)

    def close(self) -> None:
        if not self.ids:
            return
        pipe = _redis().pipeline()
        pipe.incrby(SENT_TOTAL, len(self.ids))
        pipe.sadd(SENT_SET, *self.ids)
        pipe.execute()
        self.ids = []


def _make_data() -> list[int]:
    """TOTAL confirmed consultations, each with one reminder due a minute ago."""
    from django.contrib.auth.hashers import make_password

    from bookings.models import Consultation, Reminder
    from directory.models import Specialist, User

    per_specialist = 50
    specialists_needed = TOTAL // per_specialist
    password = make_password("bench")
    owners = User.objects.bulk_create(
        (
            User(email=f"s{i}@{DOMAIN}", role=User.Role.SPECIALIST, password=password)
            for i in range(specialists_needed)
        ),
        batch_size=5000,
    )
    specialists = Specialist.objects.bulk_create(
        (
            Specialist(
                owner=owner,
                slug=f"bench-reminders-{owner.pk}",
                name=f"Bench Reminders {i}",
                titles="Psychotherapist",
                status=Specialist.Status.PUBLISHED,
                time_zone="Europe/Berlin",
            )
            for i, owner in enumerate(owners)
        ),
        batch_size=5000,
    )
    clients = User.objects.bulk_create(
        User(email=f"c{i}@{DOMAIN}", password=password, first_name=f"C{i}")
        for i in range(per_specialist)
    )
    start = (timezone.now() + timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)
    consultations = Consultation.objects.bulk_create(
        (
            Consultation(
                specialist=specialist,
                client=client,
                starts_at=start + timedelta(minutes=30 * k),
                ends_at=start + timedelta(minutes=30 * k + 30),
                client_time_zone="Europe/Berlin",
            )
            for specialist in specialists
            for k, client in enumerate(clients)
        ),
        batch_size=5000,
    )
    due = timezone.now() - timedelta(minutes=1)
    reminders = Reminder.objects.bulk_create(
        (
            Reminder(consultation=c, kind=Reminder.Kind.DAY_BEFORE, due_at=due)
            for c in consultations
        ),
        batch_size=5000,
    )
    return [r.pk for r in reminders]


def _clean() -> None:
    from bookings.models import Consultation, Reminder
    from directory.models import Specialist, User

    ours = {"specialist__owner__email__endswith": f"@{DOMAIN}"}
    Reminder.objects.filter(**{f"consultation__{k}": v for k, v in ours.items()}).delete()
    Consultation.objects.filter(**ours).delete()
    Specialist.objects.filter(owner__email__endswith=f"@{DOMAIN}").delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _settings_module(folder: Path) -> str:
    (folder / "bench_reminder_worker_settings.py").write_text(
        "from bench.settings import *  # noqa: F403\n"
        'EMAIL_BACKEND = "bench.reminders.CountingBackend"\n'
    )
    return "bench_reminder_worker_settings"


def _start_workers(folder: Path, count: int = 2) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": _settings_module(folder),
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
    }
    workers = []
    for index in range(count):
        workers.append(
            subprocess.Popen(  # noqa: S603 - our own worker command
                [
                    sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1",
                    "-n", f"bench-reminders-{index}@%h", "--without-gossip",
                    "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(folder / f"worker{index}.log", "w"),  # noqa: SIM115
            )
        )  # fmt: skip
    return workers


def _wait_ready(count: int, timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len([r for r in replies if any("bench-reminders" in k for k in r)]) >= count:
            return
    raise RuntimeError("the Celery workers did not start")


def _wait_drained(queue: str = "celery", timeout: float = 600) -> None:
    """Until the queue is empty and no task is still held by a worker (acks_late)."""
    client = _redis()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.llen(queue) == 0 and client.hlen("unacked") == 0:
            return
        time.sleep(0.02)
    raise RuntimeError("the queue did not drain in time")


def _noop_rate() -> float:
    from config.celery import ping

    started = time.perf_counter()
    with ping.app.producer_or_acquire() as producer:
        for _ in range(NOOP_TASKS):
            ping.apply_async(producer=producer)
    _wait_drained()
    return NOOP_TASKS / (time.perf_counter() - started)


def run(ctx: Context) -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        ctx.add(
            Figure(
                name="reminders sweep (needs PostgreSQL and Redis: not run)",
                value=0,
                unit="",
                extra={"database": connection.vendor, "redis": bool(settings.REDIS_URL)},
            )
        )
        return
    from bookings import reminders
    from bookings.models import Reminder
    from bookings.tasks import send_reminder_batch

    client = _redis()
    _clean()
    client.delete(SENT_SET, SENT_TOTAL, "celery", "unacked", "unacked_index")
    print(f"   making {TOTAL} due reminders...", flush=True)
    made = time.perf_counter()
    ids = _make_data()
    print(f"   made in {time.perf_counter() - made:.1f} s; starting 2 workers", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        workers = _start_workers(Path(folder))
        try:
            _wait_ready(len(workers))
            noop = _noop_rate()
            started = time.perf_counter()
            batches = reminders.due_batches(now=timezone.now())
            with send_reminder_batch.app.producer_or_acquire() as producer:
                for batch in batches:
                    send_reminder_batch.apply_async((batch,), producer=producer)
            _wait_drained()
            elapsed = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
    distinct = client.scard(SENT_SET)
    total = int(client.get(SENT_TOTAL) or 0)
    unsent = Reminder.objects.filter(pk__in=ids, sent_at=None).count()
    rate = TOTAL / elapsed
    ctx.add(
        Figure(
            name=f"reminders: {TOTAL} due, swept by 2 Celery workers on Redis",
            value=round(elapsed, 2),
            unit="s",
            extra={
                "reminders per second": round(rate),
                "Celery no-op tasks per second (same workers, same run)": round(noop),
                "ratio to Celery no-op rate": round(rate / noop, 1),
                "batches": len(batches),
                "e-mails handed to the backend": total,
                "duplicates": total - distinct,
                "missed": TOTAL - distinct,
                "rows still unsent": unsent,
            },
        )
    )
    _clean()
    client.delete(SENT_SET, SENT_TOTAL)
