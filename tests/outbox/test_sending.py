"""The outbox: e-mails written with the change that causes them, sent once by the sweep."""

import threading
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from content import questions
from content.models import Answer
from directory import moderation
from directory.models import Specialist
from messaging import contact
from messaging.models import ContactMessage
from outbox import sending
from outbox.claims import STALE_CLAIM
from outbox.models import Email
from tests.bookings.mail_backends import HookedBackend
from tests.factories import SpecialistFactory, UserFactory
from tests.outbox.conftest import send_outbox

STAFF = "staff@example.com"


@pytest.fixture(autouse=True)
def _staff_address(settings):
    settings.STAFF_EMAIL = STAFF


def write_to_staff(body: str = "How do refunds work?") -> ContactMessage:
    return contact.contact_staff(sender=UserFactory(), subject="general", body=body)


@pytest.mark.django_db
def test_an_e_mail_is_written_with_its_change_and_sent_once_by_the_sweep():
    stored = write_to_staff()

    (row,) = Email.objects.all()
    assert (row.sender, row.args) == ("messaging.contact.email_staff", {"contact_id": stored.pk})
    assert mail.outbox == []
    assert send_outbox() == 1
    assert send_outbox() == 0
    assert [message.to for message in mail.outbox] == [[STAFF]]
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_a_change_that_rolls_back_leaves_nothing_to_send():
    with pytest.raises(RuntimeError), transaction.atomic():
        write_to_staff()
        assert Email.objects.count() == 1
        raise RuntimeError("the change fails after its e-mail was written")

    assert not Email.objects.exists()
    assert send_outbox() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_with_the_broker_down_at_the_commit_the_e_mail_waits_for_the_next_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    pending = SpecialistFactory(status=Specialist.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(specialist=pending, moderator=UserFactory(is_staff=True))

    assert Email.objects.count() == 1
    assert send_outbox() == 1
    assert [message.to for message in mail.outbox] == [[pending.owner.email]]


@pytest.mark.django_db
def test_the_sender_reads_the_database_again_before_it_writes_anything():
    question = questions.ask_question(asker=UserFactory(), title="Sleep", details="", topic=None)
    answer = questions.answer_question(
        specialist=SpecialistFactory(), question=question, body="Some advice. " * 3
    )
    questions.set_answer_status(answer=answer, status=Answer.Status.HIDDEN)

    assert send_outbox() == 1  # done: a hidden answer is not announced
    assert mail.outbox == []


def approve(*, owner_email: str) -> Specialist:
    pending = SpecialistFactory(status=Specialist.Status.PENDING, owner__email=owner_email)
    return moderation.approve(specialist=pending, moderator=UserFactory(is_staff=True))


@pytest.mark.django_db
def test_an_e_mail_the_mail_server_failed_goes_out_with_a_later_sweep(monkeypatch):
    approve(owner_email="pat@example.com")
    now = timezone.now()

    def server_down(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", server_down)
        assert sending.send_due(now=now) == 0

    assert sending.send_due(now=now) == 0  # it waits before the next try
    assert sending.send_due(now=now + sending.RETRY_AFTER) == 1
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]


@pytest.mark.django_db
def test_a_refused_e_mail_holds_back_no_other_and_is_given_up_after_max_attempts(settings):
    settings.EMAIL_BACKEND = "tests.bookings.mail_backends.HookedBackend"
    approve(owner_email="pat@refused.example")
    approve(owner_email="sam@example.com")
    now = timezone.now()

    assert sending.send_due(now=now) == 1
    assert [message.to for message in mail.outbox] == [["sam@example.com"]]
    for attempt in range(1, sending.MAX_ATTEMPTS):
        row = Email.objects.get()
        assert (row.attempts, row.claim, row.failed_at) == (attempt, "", None)
        assert row.due_at == now + sending.RETRY_AFTER * 2 ** (attempt - 1)
        assert sending.send_due(now=row.due_at - timedelta(seconds=1)) == 0
        now = row.due_at
        assert sending.send_due(now=now) == 0

    row = Email.objects.get()
    assert (row.attempts, row.failed_at) == (sending.MAX_ATTEMPTS, now)
    assert sending.send_due(now=now + timedelta(days=30)) == 0
    assert Email.objects.get().attempts == sending.MAX_ATTEMPTS
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_claim_held_by_another_sweep_is_left_alone_until_it_is_stale():
    write_to_staff()
    now = timezone.now()
    Email.objects.update(claimed_at=now, claim="another-worker")

    assert sending.send_due(now=now + timedelta(minutes=2)) == 0
    assert sending.send_due(now=now + STALE_CLAIM + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sweep_that_claims_between_another_ones_read_and_claim_keeps_its_rows(
    settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.bookings.mail_backends.HookedBackend"
    for number in range(6):
        write_to_staff(body=f"Question number {number}")
    now = timezone.now()
    state: dict[str, object] = {}

    def claim_of_the_first(message):
        # The other sweep sends its first e-mail: its rows are claimed and not yet done.
        if "claim" in state:
            state["claimed"] = state.pop("claim")()

    def between_read_and_claim(execute, sql, params, many, context):
        if not sql.startswith('UPDATE "outbox_email"') or "other" in state:
            return execute(sql, params, many, context)
        state["other"] = None
        state["claim"] = lambda: execute(sql, params, many, context)
        state["other"] = sending.send_due(now=now, batch_size=4)
        return state["claimed"]

    monkeypatch.setattr(HookedBackend, "before_send", claim_of_the_first)
    with connection.execute_wrapper(between_read_and_claim):
        first = sending.send_due(now=now)

    assert (first, state["other"]) == (2, 4)
    assert_each_sent_once(6)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_e_mail_exactly_once():
    # An in-memory SQLite test database cannot take concurrent writers; the claim is the
    # same UPDATE on both databases and the race runs for real on PostgreSQL.
    sweeps = 1 if connection.vendor == "sqlite" else 2
    for number in range(30):
        write_to_staff(body=f"Question number {number}")
    now = timezone.now()
    barrier = threading.Barrier(sweeps)
    counts: list[int] = []

    def sweep() -> None:
        barrier.wait()
        try:
            counts.append(sending.send_due(now=now))
        finally:
            if sweeps == 2:
                connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sweeps == 1:
        sweep()

    assert sum(counts) == 30
    assert_each_sent_once(30)


def assert_each_sent_once(count: int) -> None:
    bodies = [message.body for message in mail.outbox]
    assert len(bodies) == count
    assert all(sum(f"Question number {n}\n" in body for body in bodies) == 1 for n in range(count))
    assert not Email.objects.exists()


def test_only_a_module_level_function_can_be_queued():
    with pytest.raises(ValueError, match="module-level"):
        sending.queue(lambda: None)


def test_beat_runs_the_sweep_every_few_seconds():
    entry = django_settings.CELERY_BEAT_SCHEDULE["outbox-send-due"]

    assert entry["task"] == "outbox.send_due"
    assert entry["schedule"] <= 10
