from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from bookings import booking
from bookings.booking import BookingError
from bookings.models import BookingSettings, Consultation, Reminder
from tests.bookings.conftest import deliver_notices, free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def book(client_user, specialist, starts_at, **extra):
    return booking.book(
        client=client_user,
        specialist=specialist,
        starts_at=starts_at,
        mode=extra.pop("mode", "video"),
        now=extra.pop("now", timezone.now()),
        **extra,
    )


def test_books_a_free_slot_with_reminders_and_queues_the_confirmation(specialist, client_user):
    slot = free_slot(specialist)

    consultation = book(client_user, specialist, slot.starts_at, note="sleep")

    assert consultation.status == Consultation.Status.CONFIRMED
    assert consultation.ends_at - consultation.starts_at == timedelta(minutes=30)
    assert {r.kind for r in consultation.reminders.all()} == {
        "day_before",
        "hour_before",
        "follow_up",
    }
    assert list(consultation.notices.values_list("kind", "sent_at")) == [("booked", None)]
    specialist.refresh_from_db()
    assert specialist.next_free_slot_at is not None


def test_refuses_a_slot_inside_the_notice_window(specialist, client_user):
    soon = timezone.now() + timedelta(hours=2)
    soon = soon.replace(minute=0 if soon.minute < 30 else 30, second=0, microsecond=0)

    with pytest.raises(BookingError, match="no longer available"):
        book(client_user, specialist, soon)


def test_refuses_a_slot_in_the_past(specialist, client_user):
    with pytest.raises(BookingError, match="already passed"):
        book(client_user, specialist, timezone.now() - timedelta(days=1))


def test_refuses_a_time_outside_the_weekly_hours(client_user):
    specialist = SpecialistFactory()
    open_hours(specialist, starts=time(9), ends=time(10))
    slot = free_slot(specialist)

    with pytest.raises(BookingError, match="no longer available"):
        book(client_user, specialist, slot.starts_at + timedelta(hours=3))


def test_refuses_a_specialist_who_is_not_published_or_not_offering(client_user):
    draft = SpecialistFactory(status="draft")
    not_offering = SpecialistFactory(offers_free_consultation=False)
    for specialist in (draft, not_offering):
        open_hours(specialist)
        with pytest.raises(BookingError, match="not offering"):
            book(client_user, specialist, timezone.now() + timedelta(days=2))


def test_refuses_a_client_whose_email_is_not_verified(specialist):
    unverified = UserFactory(verified=False)

    with pytest.raises(BookingError, match="verify your e-mail"):
        book(unverified, specialist, free_slot(specialist).starts_at)


def test_one_free_consultation_per_client_and_specialist(specialist, client_user):
    book(client_user, specialist, free_slot(specialist).starts_at)

    with pytest.raises(BookingError, match="already have a free consultation"):
        book(client_user, specialist, free_slot(specialist, index=4).starts_at)


def test_a_cancelled_consultation_lets_the_client_book_that_specialist_again(
    specialist, client_user
):
    first = book(client_user, specialist, free_slot(specialist).starts_at)
    booking.cancel(consultation=first, by=client_user, now=timezone.now())

    again = book(client_user, specialist, free_slot(specialist, index=2).starts_at)

    assert again.status == Consultation.Status.CONFIRMED


def test_at_most_three_upcoming_free_consultations_across_the_platform(client_user):
    others = [SpecialistFactory() for _ in range(4)]
    for other in others:
        open_hours(other)
    for other in others[:3]:
        book(client_user, other, free_slot(other).starts_at)

    with pytest.raises(BookingError, match="at most three"):
        book(client_user, others[3], free_slot(others[3]).starts_at)


def test_refuses_a_taken_slot_with_a_clear_message(specialist, client_user):
    slot = free_slot(specialist)
    book(UserFactory(), specialist, slot.starts_at)

    with pytest.raises(BookingError):
        book(client_user, specialist, slot.starts_at)
    assert Consultation.objects.count() == 1


def test_the_database_refuses_a_double_booking_even_without_the_checks(specialist):
    from django.db import IntegrityError, transaction

    slot = free_slot(specialist)
    Consultation.objects.create(
        specialist=specialist, client=UserFactory(), starts_at=slot.starts_at, ends_at=slot.ends_at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(
            specialist=specialist,
            client=UserFactory(),
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )


def test_a_phone_consultation_needs_a_number(specialist, client_user):
    with pytest.raises(BookingError, match="phone number"):
        book(client_user, specialist, free_slot(specialist).starts_at, mode="phone")


def test_a_booking_inside_the_day_before_window_skips_that_reminder(client_user):
    specialist = SpecialistFactory()
    open_hours(specialist, starts=time(0), ends=time(0))
    BookingSettings.objects.create(specialist=specialist, notice_hours=2)
    slot = free_slot(specialist, after=timedelta(hours=5))

    consultation = book(client_user, specialist, slot.starts_at)

    assert {r.kind for r in consultation.reminders.all()} == {"hour_before", "follow_up"}


def test_cancelling_frees_the_slot_at_once_and_voids_reminders(specialist, client_user):
    slot = free_slot(specialist)
    consultation = book(client_user, specialist, slot.starts_at)
    deliver_notices()

    booking.cancel(consultation=consultation, by=specialist.owner, reason="ill", now=timezone.now())

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CANCELLED
    assert consultation.cancelled_by == "specialist"
    assert not Reminder.objects.filter(consultation=consultation, sent_at=None).exists()
    assert consultation.notices.get(sent_at=None).kind == "cancelled"
    assert free_slot(specialist).starts_at == slot.starts_at
    book(UserFactory(), specialist, slot.starts_at)


def test_someone_else_cannot_cancel(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)

    with pytest.raises(BookingError, match="not yours"):
        booking.cancel(consultation=consultation, by=UserFactory(), now=timezone.now())


def test_rescheduling_moves_the_consultation_and_its_reminders(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    new = free_slot(specialist, after=timedelta(days=4))

    booking.reschedule(
        consultation=consultation, by=client_user, starts_at=new.starts_at, now=timezone.now()
    )

    consultation.refresh_from_db()
    assert consultation.starts_at == new.starts_at
    assert consultation.sequence == 1
    due = {r.kind: r.due_at for r in consultation.reminders.all()}
    assert due["day_before"] == new.starts_at - timedelta(hours=24)
    assert due["hour_before"] == new.starts_at - timedelta(hours=1)


def test_rescheduling_to_a_taken_time_is_refused_and_keeps_the_old_time(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)
    original = consultation.starts_at
    taken = free_slot(specialist, index=3)
    book(UserFactory(), specialist, taken.starts_at)

    with pytest.raises(BookingError):
        booking.reschedule(
            consultation=consultation,
            by=client_user,
            starts_at=taken.starts_at,
            now=timezone.now(),
        )

    consultation.refresh_from_db()
    assert consultation.starts_at == original


def test_only_the_specialist_closes_a_consultation_after_it_started(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)

    with pytest.raises(BookingError, match="not started"):
        booking.close(
            consultation=consultation, by=specialist.owner, status="completed", now=timezone.now()
        )
    later = consultation.starts_at + timedelta(minutes=40)
    with pytest.raises(BookingError, match="Only the specialist"):
        booking.close(consultation=consultation, by=client_user, status="completed", now=later)

    booking.close(consultation=consultation, by=specialist.owner, status="no_show", now=later)

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.NO_SHOW


def test_the_confirmation_reaches_both_with_a_neutral_invitation(specialist, client_user):
    specialist.meeting_link = "https://meet.example.com/room"
    specialist.save()
    consultation = book(
        client_user, specialist, free_slot(specialist).starts_at, note="panic attacks at night"
    )

    assert deliver_notices() == 1

    to_client, to_specialist = mail.outbox
    assert to_client.to == [client_user.email]
    assert to_specialist.to == [specialist.owner.email]
    for message in mail.outbox:
        assert "panic" not in message.subject
        invite = message.attachments[0]
        assert invite[0] == "consultation.ics"
        assert "SUMMARY:Free consultation with " in invite[1]
        assert "panic" not in invite[1]
        assert "https://meet.example.com/room" in invite[1]
    assert "panic attacks at night" in to_specialist.body
    assert "panic attacks" not in to_client.body
    local = consultation.starts_at.astimezone(
        __import__("zoneinfo").ZoneInfo(consultation.client_time_zone)
    )
    assert local.strftime("%H:%M") in to_client.body


def test_the_follow_up_answer_is_recorded_after_the_consultation(specialist, client_user):
    consultation = book(client_user, specialist, free_slot(specialist).starts_at)

    with pytest.raises(BookingError):
        booking.record_fit(
            consultation=consultation, client=client_user, fit="good", now=timezone.now()
        )
    booking.record_fit(
        consultation=consultation,
        client=client_user,
        fit="not_fit",
        now=consultation.ends_at + timedelta(hours=1),
    )

    consultation.refresh_from_db()
    assert consultation.fit == "not_fit"


# --- Fair use -------------------------------------------------------------------------------


def book_and_cancel(client_user, specialist, *, index, now, by=None):
    consultation = book(client_user, specialist, free_slot(specialist, index=index).starts_at)
    booking.cancel(consultation=consultation, by=by or client_user, now=now)
    return consultation


def test_after_two_cancellations_in_a_week_the_client_waits_to_book_that_specialist_again(
    specialist, client_user
):
    now = timezone.now()
    book_and_cancel(client_user, specialist, index=0, now=now - timedelta(days=3))
    book_and_cancel(client_user, specialist, index=2, now=now - timedelta(hours=1))

    with pytest.raises(BookingError, match="cancelled twice") as refused:
        book(
            client_user,
            specialist,
            free_slot(specialist, index=4).starts_at,
            client_time_zone=specialist.time_zone,
        )

    again = (now + timedelta(days=4)).astimezone(ZoneInfo(specialist.time_zone))
    assert f"{again.day}" in str(refused.value)
    other = SpecialistFactory()
    open_hours(other)
    book(client_user, other, free_slot(other).starts_at)  # others are still open to them


def test_the_day_to_book_again_is_named_in_the_zone_the_client_reads_in(client_user):
    kolkata = SpecialistFactory(time_zone="Asia/Kolkata")
    open_hours(kolkata, starts=time(0), ends=time(0))
    now = timezone.now()
    # 02:00 UTC is the morning in Kolkata and the evening before in Toronto.
    first = (now - timedelta(days=3)).replace(hour=2, minute=0, second=0, microsecond=0)
    book_and_cancel(client_user, kolkata, index=0, now=first)
    book_and_cancel(client_user, kolkata, index=2, now=now - timedelta(hours=1))

    with pytest.raises(BookingError, match="cancelled twice") as refused:
        book(
            client_user,
            kolkata,
            free_slot(kolkata, index=4).starts_at,
            client_time_zone="America/Toronto",
        )

    toronto = (first + timedelta(days=7)).astimezone(ZoneInfo("America/Toronto"))
    kolkata_day = (first + timedelta(days=7)).astimezone(ZoneInfo("Asia/Kolkata"))
    message = str(refused.value)
    assert f"{toronto:%A} {toronto.day} {toronto:%B} {toronto:%Y}, {toronto:%H:%M}" in message
    assert "(Toronto time)" in message
    assert f"{kolkata_day:%A}" not in message


def test_a_week_after_the_first_cancellation_the_client_can_book_again(specialist, client_user):
    now = timezone.now()
    book_and_cancel(client_user, specialist, index=0, now=now - timedelta(days=8))
    book_and_cancel(client_user, specialist, index=2, now=now - timedelta(hours=1))

    book(client_user, specialist, free_slot(specialist, index=4).starts_at)


def test_cancellations_by_the_specialist_do_not_count_against_the_client(specialist, client_user):
    now = timezone.now()
    for index in (0, 2):
        book_and_cancel(client_user, specialist, index=index, now=now, by=specialist.owner)

    book(client_user, specialist, free_slot(specialist, index=4).starts_at)


# --- Both instants of a repeated wall time -------------------------------------------------


def test_both_instants_of_a_repeated_hour_can_be_booked(client_user):
    specialist = SpecialistFactory(time_zone="America/New_York")
    open_hours(specialist, starts=time(0), ends=time(4))
    BookingSettings.objects.create(specialist=specialist, notice_hours=0, horizon_days=365)
    # Clocks go back at 02:00 EDT on Sunday 1 November 2026: 01:30 happens twice.
    first, second = (
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    )
    now = datetime(2026, 10, 30, tzinfo=UTC)

    one = book(client_user, specialist, first, now=now)
    other = book(UserFactory(), specialist, second, now=now)

    assert (one.starts_at, other.starts_at) == (first, second)
