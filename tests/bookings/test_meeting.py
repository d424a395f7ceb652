"""How the two people meet is never left open: video needs a link or the promise to e-mail
one, a phone call says who calls whom, and every page, e-mail and invitation says so."""

from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from bookings import calendar, meeting
from bookings.forms import slot_value
from bookings.models import BookingSettings, Consultation
from tests.bookings.conftest import deliver_notices, free_slot


def test_without_a_link_or_a_promise_only_phone_calls_are_offered(specialist):
    specialist.meeting_link = ""
    settings = BookingSettings(specialist=specialist)

    assert meeting.modes(specialist=specialist, booking_settings=settings) == [
        ("phone", "Phone call")
    ]
    settings.link_by_email = True
    assert [
        mode for mode, _label in meeting.modes(specialist=specialist, booking_settings=settings)
    ] == [
        "video",
        "phone",
    ]
    assert "will e-mail you the link before the call" in meeting.promise(
        specialist=specialist, booking_settings=settings
    )


def test_the_booking_form_defaults_to_a_way_to_meet_and_refuses_video_without_one(
    client, specialist, client_user
):
    specialist.meeting_link = ""
    specialist.save()
    client.force_login(client_user)
    slot = slot_value(free_slot(specialist).starts_at)
    url = reverse("bookings:book", kwargs={"slug": specialist.slug})

    page = client.get(url, {"slot": slot}).content.decode()
    refused = client.post(url, {"slot": slot, "mode": "video", "note": ""})

    assert 'value="video"' not in page
    assert 'value="phone"' in page and "checked" in page
    assert "will call you on the number you give" in page
    assert refused.status_code == 400
    assert not Consultation.objects.exists()


def test_a_phone_call_says_who_calls_whom_on_both_sides(client, specialist, client_user):
    client.force_login(client_user)
    url = reverse("bookings:book", kwargs={"slug": specialist.slug})
    slot = slot_value(free_slot(specialist).starts_at)

    client.post(url, {"slot": slot, "mode": "phone", "phone": "+1 416 555 0100", "note": ""})
    deliver_notices()

    consultation = Consultation.objects.get()
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert f"{specialist.name} will call you on +1 416 555 0100." in page
    to_specialist = next(m for m in mail.outbox if m.to == [specialist.owner.email])
    assert "please call Robin on +1 416 555 0100." in to_specialist.body
    to_client = next(m for m in mail.outbox if m.to == [client_user.email])
    event = next(iter(Calendar.from_ical(to_client.attachments[0][1]).walk("VEVENT")))
    assert "will call you on +1 416 555 0100" in str(event["DESCRIPTION"])


def test_a_promised_link_is_stated_to_the_client_everywhere(client, specialist, client_user):
    specialist.meeting_link = ""
    specialist.save()
    BookingSettings.objects.create(specialist=specialist, link_by_email=True)
    client.force_login(client_user)
    url = reverse("bookings:book", kwargs={"slug": specialist.slug})

    client.post(url, {"slot": slot_value(free_slot(specialist).starts_at), "mode": "video"})
    deliver_notices()

    consultation = Consultation.objects.get()
    promise = f"{specialist.name} will e-mail you the link before the call."
    assert promise in client.get(consultation.get_absolute_url()).content.decode()
    to_client = next(m for m in mail.outbox if m.to == [client_user.email])
    assert promise in to_client.body
    to_specialist = next(m for m in mail.outbox if m.to == [specialist.owner.email])
    assert "please e-mail Robin the link before the call." in to_specialist.body


def test_the_consultation_page_offers_google_and_outlook_beside_the_ics(
    client, specialist, client_user
):
    client.force_login(client_user)
    url = reverse("bookings:book", kwargs={"slug": specialist.slug})
    client.post(url, {"slot": slot_value(free_slot(specialist).starts_at), "mode": "video"})
    consultation = Consultation.objects.get()

    page = client.get(consultation.get_absolute_url()).content.decode()
    links = calendar.add_links(consultation, None, party="client")

    assert links["google"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert f"{consultation.starts_at:%Y%m%dT%H%M%S}Z" in links["google"]
    assert links["outlook"].startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert "Add to Google Calendar" in page and "Add to Outlook" in page
    assert "calendar.google.com/calendar/render" in page


def test_the_availability_page_warns_a_specialist_who_gives_no_way_to_meet_by_video(
    client, specialist
):
    specialist.meeting_link = ""
    specialist.save()
    client.force_login(specialist.owner)

    page = client.get(reverse("bookings:availability")).content.decode()

    assert "Clients can book phone calls only" in page
    assert "I will send a link by e-mail before the call" in page
