from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import booking
from bookings.forms import slot_value
from bookings.models import BookingSettings, Consultation, WeeklyHours
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(specialist, client_user):
    return booking.book(
        client=client_user,
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        client_time_zone="Europe/Berlin",
        now=timezone.now(),
    )


def test_the_slot_picker_shows_times_in_the_visitors_zone(client, specialist):
    slot = free_slot(specialist, after=timedelta(hours=13))

    response = client.get(
        reverse("bookings:pick", kwargs={"slug": specialist.slug}), {"tz": "Asia/Kolkata"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Asia/Kolkata" in content
    assert quote(slot_value(slot.starts_at), safe="") in content


def test_the_slot_picker_falls_back_to_the_specialists_zone_and_says_so(client, specialist):
    response = client.get(
        reverse("bookings:pick", kwargs={"slug": specialist.slug}), {"tz": "Not/AZone"}
    )

    assert response.status_code == 200
    assert b"the specialist's local times (Toronto)" in response.content


def test_the_slot_picker_survives_a_malformed_week(client, specialist):
    response = client.get(
        reverse("bookings:pick", kwargs={"slug": specialist.slug}), {"week": "garbage"}
    )

    assert response.status_code == 200


def test_a_draft_specialist_has_no_slot_picker(client):
    draft = SpecialistFactory(status="draft")

    response = client.get(reverse("bookings:pick", kwargs={"slug": draft.slug}))

    assert response.status_code == 404


def test_the_profile_offers_the_next_free_times_in_a_fixed_number_of_queries(client, specialist):
    url = specialist.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    for _ in range(3):
        booking.book(
            client=UserFactory(),
            specialist=specialist,
            starts_at=free_slot(specialist).starts_at,
            mode="video",
            now=timezone.now(),
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)

    assert response.status_code == 200
    assert b"Free 30-minute consultation" in response.content
    assert reverse("bookings:pick", kwargs={"slug": specialist.slug}).encode() in response.content
    assert len(few) == len(more)


def test_a_time_booked_by_someone_else_leaves_the_profile_at_once(client, specialist):
    url = specialist.get_absolute_url()
    first = free_slot(specialist, after=timedelta(0)).starts_at  # the first one shown
    value = quote(slot_value(first))
    before = client.get(url).content.decode()

    booking.book(
        client=UserFactory(),
        specialist=specialist,
        starts_at=first,
        mode="video",
        now=timezone.now(),
    )
    after = client.get(url).content.decode()

    assert f"?slot={value}" in before
    assert f"?slot={value}" not in after
    assert 'class="slot"' in after


def test_a_visitor_is_asked_to_log_in_before_booking(client, specialist):
    url = reverse("bookings:book", kwargs={"slug": specialist.slug})

    get = client.get(url, {"slot": slot_value(free_slot(specialist).starts_at)})
    post = client.post(url, {"slot": slot_value(free_slot(specialist).starts_at)})

    assert get.status_code == 200
    assert b"log in" in get.content.lower()
    assert post.status_code == 403
    assert not Consultation.objects.exists()


def test_a_client_books_and_lands_on_the_confirmation(client, specialist, client_user):
    client.force_login(client_user)
    slot = free_slot(specialist)
    url = reverse("bookings:book", kwargs={"slug": specialist.slug})

    page = client.get(url, {"slot": slot_value(slot.starts_at), "tz": "Europe/Berlin"})
    response = client.post(
        url,
        {"slot": slot_value(slot.starts_at), "tz": "Europe/Berlin", "mode": "video", "note": ""},
    )

    assert page.status_code == 200
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == consultation.get_absolute_url()
    assert consultation.client_time_zone == "Europe/Berlin"
    detail = client.get(response.url)
    assert detail.status_code == 200
    berlin = slot.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{berlin:%A} {berlin.day} {berlin:%B %Y, %H:%M} your time".encode() in detail.content


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"slot": "not-a-time", "mode": "video"},
        {"slot": "2020-01-01T10:00:00Z", "mode": "video"},
        {"slot": "2030-01-01T10:00:00", "mode": "video"},
        {"slot": "x" * 5000, "mode": "video"},
        {"slot": "2030-01-01T10:00:00Z", "mode": "carrier-pigeon"},
        {"slot": "2030-01-01T10:00:00Z", "mode": "video", "note": "x" * 5000},
    ],
)
def test_bad_booking_input_gets_a_400_with_a_message_and_books_nothing(
    client, specialist, client_user, data
):
    client.force_login(client_user)

    response = client.post(reverse("bookings:book", kwargs={"slug": specialist.slug}), data)

    assert response.status_code == 400
    assert b"form-errors" in response.content or b"errorlist" in response.content
    assert not Consultation.objects.exists()


def test_a_malformed_phone_number_is_told_as_malformed_and_not_as_missing(
    client, specialist, client_user
):
    client.force_login(client_user)

    response = client.post(
        reverse("bookings:book", kwargs={"slug": specialist.slug}),
        {"slot": slot_value(free_slot(specialist).starts_at), "mode": "phone", "phone": "12"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == [
        "Please enter a phone number with its country code, for example +1 416 555 0100."
    ]


def test_a_taken_slot_is_a_form_message_not_a_server_error(client, specialist, client_user):
    slot = free_slot(specialist)
    booking.book(
        client=UserFactory(),
        specialist=specialist,
        starts_at=slot.starts_at,
        mode="video",
        now=timezone.now(),
    )
    client.force_login(client_user)

    response = client.post(
        reverse("bookings:book", kwargs={"slug": specialist.slug}),
        {"slot": slot_value(slot.starts_at), "mode": "video"},
    )

    assert response.status_code == 400
    assert b"no longer available" in response.content


def test_the_consultation_page_is_the_two_sides_only(client, consultation):
    url = consultation.get_absolute_url()

    client.force_login(consultation.client)
    assert client.get(url).status_code == 200
    client.force_login(consultation.specialist.owner)
    specialist_view = client.get(url)
    assert specialist_view.status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert b"log in" in client.get(url).content.lower()


def test_a_cancel_link_only_asks_and_the_post_cancels(client, consultation):
    url = reverse("bookings:cancel", kwargs={"pk": consultation.pk})
    client.force_login(consultation.client)

    page = client.get(url)
    consultation.refresh_from_db()
    assert page.status_code == 200
    assert consultation.status == "confirmed"

    response = client.post(url, {"reason": "something came up"})
    consultation.refresh_from_db()
    assert response.status_code == 302
    assert consultation.status == "cancelled"

    again = client.post(url, {})
    assert again.status_code == 400
    assert b"no longer active" in again.content


def test_someone_else_cannot_cancel_or_reschedule(client, consultation):
    client.force_login(UserFactory())

    for name in ("cancel", "reschedule", "feedback", "invite"):
        url = reverse(f"bookings:{name}", kwargs={"pk": consultation.pk})
        assert client.get(url).status_code == 404
        if name != "invite":
            assert client.post(url, {}).status_code == 404
    client.logout()
    anonymous = client.post(reverse("bookings:cancel", kwargs={"pk": consultation.pk}))
    assert anonymous.status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == "confirmed"


def test_the_specialist_reschedules_from_the_free_times(client, consultation):
    client.force_login(consultation.specialist.owner)
    url = reverse("bookings:reschedule", kwargs={"pk": consultation.pk})
    new = free_slot(consultation.specialist, after=timedelta(days=4))

    page = client.get(url)
    response = client.post(url, {"slot": slot_value(new.starts_at), "reason": ""})

    assert page.status_code == 200
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.starts_at == new.starts_at


def test_rescheduling_without_a_time_is_a_400(client, consultation):
    client.force_login(consultation.client)

    response = client.post(reverse("bookings:reschedule", kwargs={"pk": consultation.pk}), {})

    assert response.status_code == 400
    assert b"Please pick a new time" in response.content


def test_my_consultations_costs_the_same_queries_for_one_or_many(client, consultation):
    def book_another():
        other = SpecialistFactory()
        open_hours(other)
        return booking.book(
            client=consultation.client,
            specialist=other,
            starts_at=free_slot(other).starts_at,
            mode="video",
            now=timezone.now(),
        )

    # One of each list (upcoming, and past or cancelled), then several of each.
    booking.cancel(consultation=book_another(), by=consultation.client, now=timezone.now())
    client.force_login(consultation.client)
    url = reverse("bookings:mine")
    client.get(url)  # the session's first page records it; later pages do not
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    book_another()
    booking.cancel(consultation=book_another(), by=consultation.client, now=timezone.now())

    with CaptureQueriesContext(connection) as many:
        again = client.get(url)

    assert response.status_code == again.status_code == 200
    assert consultation.specialist.name.encode() in response.content
    assert len(one) == len(many)


def test_my_consultations_asks_a_visitor_to_log_in(client):
    response = client.get(reverse("bookings:mine"))

    assert response.status_code == 200
    assert b"log in" in response.content.lower()


def test_the_specialist_dashboard_shows_the_week_and_the_feed(client, consultation):
    client.force_login(consultation.specialist.owner)

    response = client.get(reverse("bookings:practice"))

    assert response.status_code == 200
    token = BookingSettings.objects.get(specialist=consultation.specialist).feed_token
    assert token.encode() in response.content
    assert consultation.client.display_name.encode() in response.content


def test_a_client_has_no_specialist_dashboard(client, client_user):
    client.force_login(client_user)

    assert client.get(reverse("bookings:practice")).status_code == 404
    assert client.get(reverse("bookings:availability")).status_code == 404


def test_the_private_feed_lists_the_consultations_without_details(client, consultation):
    booking_settings = BookingSettings.objects.get_or_create(specialist=consultation.specialist)[0]

    response = client.get(reverse("bookings:feed", kwargs={"token": booking_settings.feed_token}))
    wrong = client.get(reverse("bookings:feed", kwargs={"token": "guess"}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    assert consultation.client.email.encode() not in response.content
    assert wrong.status_code == 404


def test_the_specialist_saves_weekly_hours_and_overlaps_are_refused(client, specialist):
    client.force_login(specialist.owner)
    url = reverse("bookings:availability")
    base = {
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "buffer_minutes": "10",
        "notice_hours": "12",
        "horizon_days": "30",
        "daily_cap": "",
        "meeting_link": "",
    }
    overlapping = {
        **base,
        "hours-0-weekday": "0", "hours-0-starts": "09:00", "hours-0-ends": "12:00",
        "hours-1-weekday": "0", "hours-1-starts": "11:00", "hours-1-ends": "13:00",
    }  # fmt: skip
    fine = {
        **base,
        "hours-0-weekday": "0", "hours-0-starts": "09:00", "hours-0-ends": "12:00",
        "hours-1-weekday": "0", "hours-1-starts": "13:00", "hours-1-ends": "24:00",
    }  # fmt: skip

    refused = client.post(url, overlapping)
    saved = client.post(url, fine)

    assert refused.status_code == 400
    assert b"overlap" in refused.content
    assert saved.status_code == 302
    rows = list(WeeklyHours.objects.filter(specialist=specialist).values_list("starts", "ends"))
    assert [(s.hour, e.hour) for s, e in rows] == [(9, 12), (13, 0)]
    assert BookingSettings.objects.get(specialist=specialist).buffer_minutes == 10


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("buffer_minutes", "300", "The buffer is at most 240 minutes."),
        ("notice_hours", "400", "The notice is at most 336 hours (two weeks)."),
        ("horizon_days", "0", "The horizon is between 1 and 365 days."),
        ("daily_cap", "49", "The daily limit is between 1 and 48, or empty for no limit."),
    ],
)
def test_booking_rules_out_of_range_show_the_databases_message_and_save_nothing(
    client, specialist, field, value, message
):
    client.force_login(specialist.owner)
    data = {
        "hours-TOTAL_FORMS": "0",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "buffer_minutes": "0",
        "notice_hours": "12",
        "horizon_days": "30",
        "daily_cap": "",
        "meeting_link": "",
        field: value,
    }

    refused = client.post(reverse("bookings:availability"), data)

    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not BookingSettings.objects.filter(specialist=specialist, **{field: value}).exists()


def test_the_specialist_adds_and_removes_time_off(client, specialist):
    client.force_login(specialist.owner)
    day = (timezone.now() + timedelta(days=3)).date()

    added = client.post(reverse("bookings:add_exception"), {"date": day, "kind": "off"})
    past = client.post(reverse("bookings:add_exception"), {"date": "2000-01-01", "kind": "off"})
    exception = specialist.availability_exceptions.get()
    client.force_login(UserFactory())
    stranger = client.post(reverse("bookings:remove_exception", kwargs={"pk": exception.pk}))
    client.force_login(specialist.owner)
    removed = client.post(reverse("bookings:remove_exception", kwargs={"pk": exception.pk}))

    assert added.status_code == 302
    assert past.status_code == 400
    assert stranger.status_code == 404
    assert removed.status_code == 302
    assert not specialist.availability_exceptions.exists()


def test_not_a_fit_shows_similar_specialists_with_free_times(client, consultation):
    other = SpecialistFactory()
    other.next_free_slot_at = timezone.now() + timedelta(days=1)
    other.save()
    Consultation.objects.filter(pk=consultation.pk).update(
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1, minutes=30),
    )
    client.force_login(consultation.client)
    url = reverse("bookings:feedback", kwargs={"pk": consultation.pk})

    response = client.post(url, {"fit": "not_fit"})
    page = client.get(url)

    assert response.status_code == 302
    assert other.name.encode() in page.content


def test_untouched_spare_rows_of_the_hours_editor_add_nothing(client, specialist):
    client.force_login(specialist.owner)
    page = client.get(reverse("bookings:availability"))
    form = page.context["formset"]
    data = {
        "hours-TOTAL_FORMS": str(form.total_form_count()),
        "hours-INITIAL_FORMS": str(form.initial_form_count()),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "buffer_minutes": "0",
        "notice_hours": "12",
        "horizon_days": "30",
    }
    for index, row in enumerate(form.initial):
        for key, value in row.items():
            data[f"hours-{index}-{key}"] = value
    for index in range(form.initial_form_count(), form.total_form_count()):
        data.update(
            {f"hours-{index}-weekday": "", f"hours-{index}-starts": "", f"hours-{index}-ends": ""}
        )
    before = WeeklyHours.objects.filter(specialist=specialist).count()

    response = client.post(reverse("bookings:availability"), data)

    assert response.status_code == 302
    assert WeeklyHours.objects.filter(specialist=specialist).count() == before


def test_closing_a_consultation_that_has_not_started_is_a_400_with_the_reason(client, consultation):
    client.force_login(consultation.specialist.owner)
    url = reverse("bookings:close", kwargs={"pk": consultation.pk})

    early = client.post(url, {"status": "completed"})
    nonsense = client.post(url, {"status": "cancelled"})
    client.force_login(consultation.client)
    by_client = client.post(url, {"status": "completed"})

    assert early.status_code == nonsense.status_code == by_client.status_code == 400
    assert b"has not started yet" in early.content
    assert b"Choose completed or no-show" in nonsense.content
    consultation.refresh_from_db()
    assert consultation.status == "confirmed"


def test_the_week_view_on_a_sunday_starts_that_day_and_shows_the_coming_week(
    client, specialist, client_user
):
    sunday = datetime(2027, 1, 10, 12, tzinfo=ZoneInfo("America/Toronto"))
    with time_machine.travel(sunday, tick=False):
        slot = free_slot(specialist, after=timedelta(days=3))
        booking.book(
            client=client_user,
            specialist=specialist,
            starts_at=slot.starts_at,
            mode="video",
            now=timezone.now(),
        )
        client.force_login(specialist.owner)

        response = client.get(reverse("bookings:practice"))

    days = [day for day, _consultations in response.context["week_days"]]
    assert days[0] == sunday.date() and days[-1] == sunday.date() + timedelta(days=6)
    assert sum(len(found) for _day, found in response.context["week_days"]) == 1
