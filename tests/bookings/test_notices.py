from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from bookings import booking, notices
from bookings.booking import BookingError
from bookings.models import Notice
from outbox.claims import STALE_CLAIM
from tests.bookings.conftest import deliver_notices, free_slot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def book(client_user, specialist, starts_at):
    return booking.book(
        client=client_user,
        specialist=specialist,
        starts_at=starts_at,
        mode="video",
        now=timezone.now(),
    )


def test_a_booking_writes_its_confirmation_and_the_sweep_sends_it_once(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)

    assert mail.outbox == []
    assert deliver_notices() == 1
    assert deliver_notices() == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [client_user.email, specialist.owner.email]
    )
    assert consultation.notices.get().sent_at is not None


def test_a_refused_booking_leaves_no_notice(specialist, client_user):
    starts_at = free_slot(specialist).starts_at
    book(client_user, specialist, starts_at)

    with pytest.raises(BookingError):
        book(UserFactory(), specialist, starts_at)

    assert Notice.objects.count() == 1


def test_a_booking_cancelled_before_anyone_was_told_tells_nobody(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)

    booking.cancel(consultation=consultation, by=client_user, now=timezone.now())

    assert deliver_notices() == 0
    assert not consultation.notices.exists()
    assert mail.outbox == []


def test_a_cancel_after_the_confirmation_went_out_is_told_to_both(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    deliver_notices()
    mail.outbox.clear()

    booking.cancel(consultation=consultation, by=client_user, now=timezone.now())

    assert deliver_notices() == 1
    assert len(mail.outbox) == 2
    assert all("cancel" in m.body for m in mail.outbox)


def test_a_notice_waits_a_minute_for_the_changes_that_follow_it(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    now = timezone.now()

    assert notices.send_pending(now=now + timedelta(seconds=30)) == 0
    booking.reschedule(
        consultation=consultation,
        by=client_user,
        starts_at=free_slot(specialist, index=3).starts_at,
        now=now,
    )
    assert deliver_notices() == 1
    assert len(mail.outbox) == 2  # one confirmation each, for the new time


def test_a_new_time_folds_into_a_waiting_confirmation(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    new = free_slot(specialist, index=4).starts_at

    booking.reschedule(consultation=consultation, by=client_user, starts_at=new, now=timezone.now())

    assert list(consultation.notices.values_list("kind", flat=True)) == ["booked"]
    deliver_notices()
    local = new.astimezone(__import__("zoneinfo").ZoneInfo("America/Toronto"))
    to_specialist = next(m for m in mail.outbox if m.to == [specialist.owner.email])
    assert local.strftime("%H:%M") in to_specialist.body


def test_a_second_move_replaces_the_first_move_not_yet_sent(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    deliver_notices()
    for index in (4, 6):
        booking.reschedule(
            consultation=consultation,
            by=specialist.owner,
            starts_at=free_slot(specialist, index=index).starts_at,
            now=timezone.now(),
        )

    pending = consultation.notices.filter(sent_at=None)
    assert list(pending.values_list("kind", "by")) == [("rescheduled", "specialist")]


def test_a_claim_held_by_another_sweep_is_left_alone_until_it_is_stale(specialist, client_user):
    book(client_user, specialist, free_slot(specialist).starts_at)
    now = timezone.now()
    Notice.objects.update(claimed_at=now, claim="another-worker")

    assert notices.send_pending(now=now + timedelta(minutes=2)) == 0
    assert notices.send_pending(now=now + STALE_CLAIM + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 2


def test_a_failed_send_gives_the_notice_back_for_the_next_sweep(
    specialist, client_user, monkeypatch
):
    book(client_user, specialist, free_slot(specialist).starts_at)

    def refuse(self, messages):
        raise SMTPException("the mail server is down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        with pytest.raises(SMTPException):
            deliver_notices()

    assert Notice.objects.get().claimed_at is None
    assert deliver_notices() == 1


def test_beat_sends_notices_every_few_seconds():
    entry = settings.CELERY_BEAT_SCHEDULE["bookings-send-notices"]

    assert entry["task"] == "bookings.send_notices"
    assert entry["schedule"] <= 10


def test_a_side_whose_account_was_deleted_gets_no_copy(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    deliver_notices()
    mail.outbox.clear()
    booking.cancel(consultation=consultation, by=client_user, now=timezone.now())
    client_user.is_active = False
    client_user.save()

    assert deliver_notices() == 1
    assert [m.to for m in mail.outbox] == [[specialist.owner.email]]


def test_news_of_a_booking_cancelled_since_it_was_claimed_is_not_sent(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    now = timezone.now()
    Notice.objects.update(claimed_at=now - STALE_CLAIM, claim="a-worker-that-died")
    booking.cancel(consultation=consultation, by=client_user, now=now)

    assert notices.send_pending(now=now + notices.SETTLE) == 1

    assert list(consultation.notices.values_list("kind", flat=True)) == ["cancelled"]
    assert len(mail.outbox) == 2
    assert all("cancel" in m.body for m in mail.outbox)


def test_a_refused_address_holds_back_no_other_notice(specialist, client_user, settings):
    settings.EMAIL_BACKEND = "tests.bookings.mail_backends.HookedBackend"
    refused = UserFactory(email="nobody@refused.example")
    book(refused, specialist, free_slot(specialist, index=0).starts_at)
    book(client_user, specialist, free_slot(specialist, index=4).starts_at)

    assert deliver_notices() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [client_user.email, specialist.owner.email]
    )
    assert Notice.objects.filter(sent_at=None).exclude(claim="").count() == 1
