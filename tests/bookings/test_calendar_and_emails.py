import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from bookings import booking, calendar
from bookings.models import BookingSettings, Consultation
from tests.bookings.conftest import deliver_notices, free_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(specialist, client_user):
    return booking.book(
        client=client_user,
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        note="grief",
        now=timezone.now(),
    )


def event_of(ics: bytes):
    parsed = Calendar.from_ical(ics)
    return parsed, next(iter(parsed.walk("VEVENT")))


def test_the_invitation_names_the_other_person_and_carries_the_settings_meeting_link(
    consultation,
):
    BookingSettings.objects.create(
        specialist=consultation.specialist, meeting_link="https://video.example.com/me"
    )
    booking_settings = BookingSettings.objects.get(specialist=consultation.specialist)

    parsed, event = event_of(
        calendar.invite(
            consultation=consultation,
            booking_settings=booking_settings,
            party="client",
            now=timezone.now(),
        )
    )

    assert parsed["METHOD"] == "REQUEST"
    assert str(event["SUMMARY"]) == f"Free consultation with {consultation.specialist.name}"
    assert str(event["ORGANIZER"]) == "mailto:hello@firststep.example"
    assert event["ORGANIZER"].params["CN"] == consultation.specialist.name
    assert str(event["ATTENDEE"]) == f"mailto:{consultation.client.email}"
    assert event.decoded("DTSTART") == consultation.starts_at
    assert str(event["LOCATION"]) == "https://video.example.com/me"
    assert "grief" not in parsed.to_ical().decode()


def test_a_cancelled_consultation_sends_a_cancel_with_a_higher_sequence(consultation):
    cancelled = booking.cancel(
        consultation=consultation, by=consultation.client, now=timezone.now()
    )

    parsed, event = event_of(
        calendar.invite(
            consultation=cancelled, booking_settings=None, party="client", now=timezone.now()
        )
    )

    assert parsed["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_both_sides_hear_of_a_cancel_and_the_other_side_reads_the_reason(consultation):
    deliver_notices()
    mail.outbox.clear()
    booking.cancel(
        consultation=consultation,
        by=consultation.specialist.owner,
        reason="unwell today",
        now=timezone.now(),
    )

    assert deliver_notices() == 1

    to_client = next(m for m in mail.outbox if m.to == [consultation.client.email])
    assert "had to cancel" in to_client.body
    assert "unwell today" in to_client.body
    assert "unwell" not in to_client.subject
    assert all("CANCEL" in m.attachments[0][1] for m in mail.outbox)


def test_the_reschedule_notice_tells_the_other_side_the_new_time(consultation):
    deliver_notices()
    mail.outbox.clear()
    new = free_slot(consultation.specialist, index=6)
    booking.reschedule(
        consultation=consultation,
        by=consultation.client,
        starts_at=new.starts_at,
        now=timezone.now(),
    )

    assert deliver_notices() == 1

    to_specialist = next(m for m in mail.outbox if m.to == [consultation.specialist.owner.email])
    local = new.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("America/Toronto"))
    assert "moved their free consultation" in to_specialist.body
    assert local.strftime("%H:%M") in to_specialist.body
    assert Consultation.objects.get().sequence == 1
