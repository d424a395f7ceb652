import threading
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from bookings import booking, reminders, tasks
from bookings.models import Consultation, Reminder
from outbox.claims import STALE_CLAIM
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import ConsultationFactory, ReminderFactory, SpecialistFactory, UserFactory


def book_many(count: int) -> list[Consultation]:
    made = []
    for _ in range(count):
        specialist = SpecialistFactory()
        open_hours(specialist)
        made.append(
            booking.book(
                client=UserFactory(),
                specialist=specialist,
                starts_at=free_slot(specialist, after=timedelta(days=3)).starts_at,
                mode="video",
                now=timezone.now(),
            )
        )
    return made


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


@pytest.mark.django_db
def test_a_due_reminder_is_sent_once_and_marked(specialist, client_user):
    consultation = book_many(1)[0]
    moment = consultation.starts_at - timedelta(hours=23)

    batches = reminders.due_batches(now=moment)
    sent = reminders.send_batch(reminder_ids=batches[0], now=moment)
    again = reminders.send_batch(reminder_ids=batches[0], now=moment)

    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [consultation.client.email]
    assert mail.outbox[0].subject.endswith("Reminder: your free consultation")
    assert Reminder.objects.get(consultation=consultation, kind="day_before").sent_at == moment
    assert reminders.due_batches(now=moment) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_batch_send_each_reminder_exactly_once():
    # An in-memory SQLite test database cannot take concurrent writers; the claim is the
    # same UPDATE on both databases and the race runs for real on PostgreSQL.
    workers = 1 if connection.vendor == "sqlite" else 2
    made = book_many(30)
    moment = max(c.starts_at for c in made) - timedelta(minutes=59)
    ids = [pk for batch in reminders.due_batches(now=moment) for pk in batch]
    assert len(ids) == 60
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def worker():
        barrier.wait()
        try:
            counts.append(reminders.send_batch(reminder_ids=ids, now=moment))
        finally:
            if workers == 2:
                connection.close()

    if workers == 2:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        barrier = threading.Barrier(1)
        worker()
        worker()

    assert sum(counts) == 60
    assert len(mail.outbox) == 60
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert len(recipients) == 2 * len(set(recipients))  # two kinds per person, never more
    unsent = Reminder.objects.filter(sent_at=None, kind__in=["day_before", "hour_before"])
    assert not unsent.exists()


@pytest.mark.django_db
def test_nothing_is_sent_after_a_cancel():
    consultation = book_many(1)[0]
    booking.cancel(consultation=consultation, by=consultation.client, now=timezone.now())
    ids = list(Reminder.objects.values_list("pk", flat=True))
    moment = consultation.starts_at + timedelta(hours=3)

    assert reminders.due_batches(now=moment) == []
    assert reminders.send_batch(reminder_ids=ids, now=moment) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_cancel_after_the_sweep_queued_the_batch_still_stops_the_reminder():
    consultation = book_many(1)[0]
    moment = consultation.starts_at - timedelta(hours=23)
    batch = reminders.due_batches(now=moment)[0]
    Consultation.objects.filter(pk=consultation.pk).update(status="cancelled", cancelled_at=moment)

    assert reminders.send_batch(reminder_ids=batch, now=moment) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_reschedule_moves_the_reminders_to_the_new_time():
    consultation = book_many(1)[0]
    old_start = consultation.starts_at
    new = free_slot(consultation.specialist, after=timedelta(days=5))
    booking.reschedule(
        consultation=consultation,
        by=consultation.client,
        starts_at=new.starts_at,
        now=timezone.now(),
    )

    assert reminders.due_batches(now=old_start - timedelta(minutes=30)) == []
    due = reminders.due_batches(now=new.starts_at - timedelta(minutes=30))
    assert len(due[0]) == 2


@pytest.mark.django_db
def test_a_booking_made_late_skips_the_reminders_whose_time_has_passed():
    consultation = book_many(1)[0]
    Reminder.objects.all().delete()
    late = consultation.starts_at - timedelta(minutes=90)

    made = reminders.schedule_for(consultation=consultation, now=late)

    assert {r.kind for r in made} == {"hour_before", "follow_up"}


@pytest.mark.django_db
def test_the_follow_up_goes_to_the_client_after_a_completed_consultation_but_not_a_no_show():
    kept, missed = book_many(2)
    after = max(kept.ends_at, missed.ends_at) + timedelta(hours=2)
    booking.close(consultation=kept, by=kept.specialist.owner, status="completed", now=after)
    booking.close(consultation=missed, by=missed.specialist.owner, status="no_show", now=after)
    Reminder.objects.exclude(kind="follow_up").update(sent_at=after)

    for batch in reminders.due_batches(now=after):
        reminders.send_batch(reminder_ids=batch, now=after)

    assert [m.to for m in mail.outbox] == [[kept.client.email]]
    assert "Was this a good fit?" in mail.outbox[0].subject
    assert f"/consultations/{kept.pk}/feedback/" in mail.outbox[0].body


@pytest.mark.django_db
def test_reminders_wait_out_a_broker_outage_and_go_out_with_the_next_sweep():
    consultation = book_many(1)[0]
    moment = consultation.starts_at - timedelta(hours=23)

    with (
        time_machine.travel(moment, tick=False),
        mock.patch.object(
            tasks.send_reminder_batch, "delay", side_effect=OperationalError("broker down")
        ),
        pytest.raises(OperationalError),
    ):
        tasks.sweep_due_reminders()
    assert mail.outbox == []
    assert Reminder.objects.filter(sent_at=None, kind="day_before").exists()

    # The broker is back: the next sweep hands the batch to a worker (run here in-process).
    with (
        time_machine.travel(moment + timedelta(minutes=5), tick=False),
        mock.patch.object(
            tasks.send_reminder_batch,
            "delay",
            side_effect=lambda ids: tasks.send_reminder_batch(ids),
        ),
    ):
        assert tasks.sweep_due_reminders() == 1
        assert tasks.sweep_due_reminders() == 0

    assert len(mail.outbox) == 1
    assert not Reminder.objects.filter(sent_at=None, kind="day_before").exists()


@pytest.mark.django_db
def test_a_failed_send_gives_the_claim_back_for_the_retry():
    consultation = book_many(1)[0]
    moment = consultation.starts_at - timedelta(hours=23)
    batch = reminders.due_batches(now=moment)[0]

    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionError("smtp down"),
        ),
        pytest.raises(ConnectionError),
    ):
        reminders.send_batch(reminder_ids=batch, now=moment)

    assert reminders.due_batches(now=moment) == [batch]
    assert reminders.send_batch(reminder_ids=batch, now=moment) == 1


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_taken_over_later():
    consultation = book_many(1)[0]
    moment = consultation.starts_at - timedelta(hours=23)
    batch = reminders.due_batches(now=moment)[0]
    Reminder.objects.filter(pk__in=batch).update(claimed_at=moment, claim="dead-worker")

    assert reminders.send_batch(reminder_ids=batch, now=moment + timedelta(minutes=1)) == 0
    later = moment + STALE_CLAIM + timedelta(minutes=1)
    assert reminders.send_batch(reminder_ids=batch, now=later) == 1


@pytest.mark.django_db
def test_a_reminder_names_the_time_in_the_clients_zone_and_escapes_html():
    consultation = book_many(1)[0]
    consultation.specialist.name = "Zoë <b>& O'Brien</b>"
    consultation.specialist.save()
    Consultation.objects.filter(pk=consultation.pk).update(client_time_zone="Asia/Kolkata")
    moment = consultation.starts_at - timedelta(hours=23)

    reminders.send_batch(reminder_ids=reminders.due_batches(now=moment)[0], now=moment)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    local = consultation.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Kolkata"))
    assert f"When: {local:%A} {local.day} {local:%B %Y, %H:%M} your time · " in message.body
    assert "Zoë <b>& O'Brien</b>" in message.body
    assert "Zoë &lt;b&gt;&amp; O&#x27;Brien&lt;/b&gt;" in html
    assert f"/consultations/{consultation.pk}/cancel/" in html
    assert "\x1e" not in message.body + html
    assert message.extra_headers["X-First-Step-Reminder"].isdigit()


# --- Decided at send time -----------------------------------------------------------------


@pytest.fixture
def hooked_mail(settings, monkeypatch):
    from tests.bookings.mail_backends import HookedBackend

    settings.EMAIL_BACKEND = "tests.bookings.mail_backends.HookedBackend"
    monkeypatch.setattr(reminders, "RECHECK_EVERY", 1)
    yield HookedBackend
    HookedBackend.before_send = None


def three_due(now):
    made = book_many(3)
    moment = max(c.starts_at for c in made) - timedelta(hours=23)
    return made, moment


def day_before_sent(consultation) -> bool:
    return Reminder.objects.filter(
        consultation=consultation, kind="day_before", sent_at__isnull=False
    ).exists()


@pytest.mark.django_db
def test_a_consultation_cancelled_after_the_claim_gets_no_reminder_and_the_rest_go_out(
    hooked_mail,
):
    (first, cancelled, third), moment = three_due(timezone.now())

    def cancel_the_second(message):
        if cancelled.client.email in message.to:
            return
        if Consultation.objects.get(pk=cancelled.pk).status == "confirmed":
            booking.cancel(consultation=cancelled, by=cancelled.client, now=timezone.now())

    hooked_mail.before_send = cancel_the_second
    (batch,) = reminders.due_batches(now=moment)
    sent = reminders.send_batch(reminder_ids=batch, now=moment)

    assert sent == 2
    assert [m.to for m in mail.outbox] == [[first.client.email], [third.client.email]]
    assert not Reminder.objects.filter(consultation=cancelled, sent_at__isnull=False).exists()
    assert not Reminder.objects.exclude(claim="").filter(sent_at=None).exists()


@pytest.mark.django_db
def test_a_consultation_moved_after_the_claim_is_reminded_for_its_new_time_only(hooked_mail):
    (first, moved, third), moment = three_due(timezone.now())
    new_time = free_slot(moved.specialist, after=timedelta(days=6)).starts_at

    def move_the_second(message):
        if Consultation.objects.get(pk=moved.pk).starts_at != new_time:
            booking.reschedule(
                consultation=moved, by=moved.client, starts_at=new_time, now=timezone.now()
            )

    hooked_mail.before_send = move_the_second
    (batch,) = reminders.due_batches(now=moment)
    sent = reminders.send_batch(reminder_ids=batch, now=moment)

    assert sent == 2
    assert day_before_sent(first) and day_before_sent(third)
    assert not day_before_sent(moved)
    hooked_mail.before_send = None
    later = new_time - timedelta(hours=23)
    (batch,) = reminders.due_batches(now=later)
    reminders.send_batch(reminder_ids=batch, now=later)
    assert day_before_sent(moved)
    assert mail.outbox[-1].to == [moved.client.email]


@pytest.mark.django_db
def test_a_reminder_that_cannot_be_rendered_holds_back_no_other(hooked_mail):
    first, third = book_many(2)
    moment = max(c.starts_at for c in (first, third)) - timedelta(hours=23)
    broken = ConsultationFactory(
        specialist=first.specialist,
        starts_at=first.starts_at.replace(year=9999, month=12, day=31, hour=23, minute=0),
        client_time_zone="Pacific/Kiritimati",  # UTC+14: its time cannot be shown at all
    )
    ReminderFactory(consultation=broken, due_at=moment)

    (batch,) = reminders.due_batches(now=moment)
    sent = reminders.send_batch(reminder_ids=batch, now=moment)

    assert sent == 2
    assert day_before_sent(first) and day_before_sent(third)
    held = Reminder.objects.get(consultation=broken)
    assert held.sent_at is None and held.claim  # tried again once the claim is stale
    assert reminders.due_batches(now=moment) == []


@pytest.mark.django_db
def test_a_refused_address_holds_back_no_other(hooked_mail):
    first, refused, third = book_many(3)
    refused.client.email = "nobody@refused.example"
    refused.client.save()
    moment = max(c.starts_at for c in (first, refused, third)) - timedelta(hours=23)

    (batch,) = reminders.due_batches(now=moment)
    sent = reminders.send_batch(reminder_ids=batch, now=moment)

    assert sent == 2
    assert day_before_sent(first) and day_before_sent(third) and not day_before_sent(refused)
