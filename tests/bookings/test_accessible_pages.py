"""What a screen reader hears on the booking pages: slots named with their date and zone, a
fieldset per day, hours rows that say which row is wrong, statuses in words, titles that say
who and when."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bookings import booking
from bookings.forms import WeeklyFormSet
from bookings.models import Consultation
from directory.templatetags.form_errors import ErrorEntry, error_entries
from tests.bookings.conftest import free_slot

pytestmark = pytest.mark.django_db


def _page(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content)


def _name(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


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


def test_every_slot_link_names_its_day_time_and_zone(client, specialist):
    slot = free_slot(specialist, after=timedelta(0))
    url = reverse("bookings:pick", kwargs={"slug": specialist.slug})

    mine = _page(client.get(url, {"tz": "Asia/Kolkata"}))
    theirs = _page(client.get(url))

    links = mine.find_class("slot")
    assert len(links) > 20
    for link in links:
        assert link.get("aria-label").endswith(f", {_name(link)}, your time")
    first = slot.starts_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert links[0].get("aria-label") == (
        f"{first:%A} {first.day} {first:%B}, {first:%H:%M}, your time"
    )
    assert theirs.find_class("slot")[0].get("aria-label").endswith(", Toronto time")
    assert not mine.xpath("//section[@aria-label]"), "a day is no landmark"


def test_rescheduling_groups_the_free_times_by_day_with_the_date_as_legend(client, consultation):
    client.force_login(consultation.client)
    # Early in the day, so that today still has times past the notice: a week of days.
    early = timezone.now().replace(hour=1, minute=0)

    with time_machine.travel(early, tick=False):
        url = reverse("bookings:reschedule", kwargs={"pk": consultation.pk})
        page = _page(client.get(url))

    fieldsets = page.find_class("slot-day")
    assert len(fieldsets) >= 7
    for fieldset in fieldsets:
        assert fieldset.tag == "fieldset"
        day = fieldset.findtext("legend")
        for radio in fieldset.findall(".//input"):
            label = page.xpath(f"//label[@for='{radio.get('id')}']")[0]
            assert radio.get("aria-label") == f"{day}, {_name(label)}, your time"


def test_an_hours_row_error_names_the_row_and_marks_its_fields(client, specialist):
    client.force_login(specialist.owner)
    data = {
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "hours-0-weekday": "0",
        "hours-0-starts": "09:00",
        "hours-0-ends": "17:00",
        "hours-1-weekday": "2",
        "hours-1-starts": "17:00",
        "hours-1-ends": "09:00",
        "buffer_minutes": "0",
        "notice_hours": "12",
        "horizon_days": "30",
    }

    response = client.post(reverse("bookings:availability"), data)

    assert response.status_code == 400
    page = _page(response)
    assert page.findtext(".//title").split()[0] == "Error:"
    summary = [_name(link) for link in page.find_class("error-summary")[0].findall(".//a")]
    assert summary == ["Row 2 (Wednesday): The end must be after the start."]
    errors = page.get_element_by_id("hours-1-errors")
    assert _name(errors) == "The end must be after the start."
    for name in ("weekday", "starts", "ends"):
        field = page.get_element_by_id(f"id_hours-1-{name}")
        assert field.get("aria-invalid") == "true"
        assert "hours-1-errors" in field.get("aria-describedby").split()
    assert page.get_element_by_id("id_hours-0-starts").get("aria-invalid") is None


def test_a_no_show_in_the_week_view_says_so_in_words(client, specialist, consultation):
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.NO_SHOW)
    client.force_login(specialist.owner)
    day = consultation.starts_at.astimezone(ZoneInfo(specialist.time_zone)).date()
    week = day - timedelta(days=day.weekday())

    page = _page(client.get(reverse("bookings:practice"), {"week": week.isoformat()}))

    (item,) = page.find_class("week-item")
    assert _name(item).endswith(f"· {Consultation.Status.NO_SHOW.label}")


def test_a_consultations_title_says_with_whom_and_when(client, consultation):
    client.force_login(consultation.client)
    berlin = consultation.starts_at.astimezone(ZoneInfo("Europe/Berlin"))

    page = _page(client.get(consultation.get_absolute_url()))

    title = " ".join(page.findtext(".//title").split())
    assert title.startswith(
        f"Free consultation with {consultation.specialist.name}, "
        f"{berlin:%A} {berlin.day} {berlin:%B} {berlin.year}, {berlin:%H:%M}"
    )


def test_a_refused_close_shows_the_summary_and_the_reason(client, specialist, consultation):
    client.force_login(specialist.owner)

    response = client.post(
        reverse("bookings:close", kwargs={"pk": consultation.pk}), {"status": "completed"}
    )

    assert response.status_code == 400
    page = _page(response)
    summary = page.find_class("error-summary")[0]
    assert "This consultation has not started yet." in _name(summary)


def test_an_hours_row_without_a_day_is_named_by_its_number_alone():
    formset = WeeklyFormSet(
        {
            "hours-TOTAL_FORMS": "1",
            "hours-INITIAL_FORMS": "0",
            "hours-0-weekday": "",
            "hours-0-starts": "09:00",
            "hours-0-ends": "10:00",
        },
        prefix="hours",
    )

    assert error_entries([formset]) == [
        ErrorEntry("Row 1: Day: This field is required.", "id_hours-0-weekday")
    ]
