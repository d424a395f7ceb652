"""Reminders when a sender fails or dies mid-batch: nothing is lost, nothing is sent twice.

The SIGKILL tests run real Celery workers (separate processes, so the data must be in a
database they can see: PostgreSQL) on a Redis server of the test's own, killed and
restarted without touching the shared one. Deliveries are files, counted across processes.
"""

import email
import email.policy
import os
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.db.models import F
from django.utils import timezone

from bookings import reminders
from bookings.emails import REMINDER_HEADER
from bookings.models import Consultation, Reminder
from config.mailbox import MailboxBackend
from outbox.claims import STALE_CLAIM
from tests.bookings.conftest import CELERY, REDIS_SERVER, ROOT, beat_tick, worker_env
from tests.factories import SpecialistFactory, UserFactory

SEND_SECONDS = 0.25
REDELIVERED_SENT_NOTHING = re.compile(r"send_reminder_batch\[[-\w]+\] succeeded in [\d.]+s: 0\n")
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


class SlowMailbox(MailboxBackend):
    """The development mailbox with a distant server's pace: a worker using it is caught
    in the middle of a batch. Each message is a file once it is handed off."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            time.sleep(SEND_SECONDS)
            super().send_messages([message])
        return len(email_messages)


def due_reminders(count: int) -> list[int]:
    """`count` confirmed consultations tomorrow, each with a reminder due a minute ago."""
    specialist = SpecialistFactory()
    start = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    due = timezone.now() - timedelta(minutes=1)
    made = []
    for index in range(count):
        consultation = Consultation.objects.create(
            specialist=specialist,
            client=UserFactory(),
            starts_at=start + timedelta(minutes=30 * index),
            ends_at=start + timedelta(minutes=30 * index + 30),
        )
        reminder = Reminder.objects.create(
            consultation=consultation, kind=Reminder.Kind.DAY_BEFORE, due_at=due
        )
        made.append(reminder.pk)
    return made


def send_calling(then: Callable[[], object], *, on_call: int) -> Callable[..., int]:
    """The locmem send, running `then` first on its `on_call`th call (`then` may raise)."""
    calls = []
    real = LocmemBackend.send_messages

    def send(backend: LocmemBackend, messages: Sequence[EmailMessage]) -> int:
        calls.append(1)
        if len(calls) == on_call:
            then()
        return real(backend, messages)

    return send


def sent_ids() -> set[int]:
    return set(Reminder.objects.exclude(sent_at=None).values_list("pk", flat=True))


def outbox_ids() -> list[int]:
    return [int(message.extra_headers[REMINDER_HEADER]) for message in mail.outbox]


@pytest.mark.django_db
def test_a_send_failing_mid_batch_keeps_what_went_out_and_the_retry_sends_only_the_rest():
    ids = due_reminders(5)
    now = timezone.now()

    def smtp_down() -> None:
        raise ConnectionError("smtp down")

    with (
        mock.patch(LOCMEM_SEND, send_calling(smtp_down, on_call=3)),
        pytest.raises(ConnectionError),
    ):
        reminders.send_batch(reminder_ids=ids, now=now)

    assert sent_ids() == set(outbox_ids()) and len(mail.outbox) == 2
    assert not Reminder.objects.filter(sent_at=None).exclude(claim="").exists()
    assert reminders.send_batch(reminder_ids=ids, now=now) == 3
    assert sorted(outbox_ids()) == sorted(ids)


@pytest.mark.django_db
def test_a_worker_whose_claim_was_taken_over_stops_at_its_next_mark():
    ids = due_reminders(4)
    now = timezone.now()

    def taken_over() -> None:
        Reminder.objects.filter(pk__in=ids).update(claimed_at=now, claim="the-other-worker")

    with mock.patch(LOCMEM_SEND, send_calling(taken_over, on_call=1)):
        sent = reminders.send_batch(reminder_ids=ids, now=now)

    assert sent == 0
    assert len(mail.outbox) == 1  # the one in hand when it noticed
    assert sent_ids() == set()
    assert Reminder.objects.filter(claim="the-other-worker").count() == 4


# A real worker, killed.


class Worker:
    """`celery worker` as the Procfile runs it (prefork), in a process group of its own."""

    def __init__(self, *, env: dict[str, str], log: Path, name: str) -> None:
        self.log = log
        self.output = log.open("a")
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(CELERY, "-A", "config", "worker", "--concurrency", "1", "-n", f"{name}@%h"),
                *("--loglevel", "INFO", "--without-mingle", "--without-gossip"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ready = re.compile(rf"{name}@\S+ ready\.")
        wait_for(lambda: ready.search(log.read_text()) is not None, what=f"{name} to start")

    def pool_process(self) -> int:
        pid = self.process.pid
        (child,) = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return int(child)

    def kill(self, *, victim: str) -> None:
        if victim == "worker":
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        else:
            os.kill(self.pool_process(), signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()


def wait_for(condition: Callable[[], bool], *, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def delivered(folder: Path) -> Counter[int]:
    """How many times each reminder reached the mailbox."""
    parse = email.message_from_bytes
    return Counter(
        int(parse(path.read_bytes(), policy=email.policy.default)[REMINDER_HEADER])
        for path in folder.glob("*.eml")
    )


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql" or REDIS_SERVER is None,
    reason=f"needs PostgreSQL, so that the worker processes see the data (this run uses "
    f"{connection.vendor}), and redis-server; set DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("victim", ["worker", "pool process"])
def test_a_worker_killed_mid_batch_loses_no_reminder_and_sends_none_twice(
    victim, private_redis, tmp_path
):
    ids = due_reminders(12)
    env = worker_env(
        redis_url=private_redis.url,
        var_dir=tmp_path,
        DJANGO_EMAIL_BACKEND="tests.bookings.test_faults.SlowMailbox",
    )
    mailbox, log = tmp_path / "mail", tmp_path / "workers.log"

    workers = [Worker(env=env, log=log, name="first")]
    try:
        beat_tick(env, "bookings.sweep_due_reminders")

        def between_two_hand_offs() -> bool:
            handed_off = len(list(mailbox.glob("*.eml")))
            return handed_off >= 4 and len(sent_ids()) == handed_off

        wait_for(between_two_hand_offs, what="each handed-off reminder to be marked sent")
        workers[0].kill(victim=victim)  # while it waits on the next hand-off
        if victim == "pool process":
            # The worker puts the task back (acks late, reject on worker lost) and runs it
            # again at once: the rows are still claimed, so it sends nothing.
            wait_for(
                lambda: REDELIVERED_SENT_NOTHING.search(log.read_text()) is not None,
                what="the redelivered batch",
            )
        first_round = delivered(mailbox)
        assert set(first_round) == sent_ids()
        assert 4 <= len(first_round) < len(ids)

        # Ten minutes later the dead worker's claim is stale; the next sweep takes it over.
        Reminder.objects.filter(pk__in=ids, sent_at=None).update(
            claimed_at=F("claimed_at") - STALE_CLAIM
        )
        if victim == "worker":
            workers.append(Worker(env=env, log=log, name="second"))
        beat_tick(env, "bookings.sweep_due_reminders")
        wait_for(lambda: len(sent_ids()) == len(ids), what="every reminder to be sent")
        beat_tick(env, "bookings.sweep_due_reminders")  # nothing is due any more
        time.sleep(2)
    finally:
        for worker in workers:
            worker.stop()

    assert delivered(mailbox) == Counter(ids), log.read_text()[-3000:]
    assert not Reminder.objects.filter(sent_at=None).exists()
