"""The time a person clicks is the time they get: the profile, the confirm page, the
e-mail and the .ics all read the same wall time in the reader's zone."""

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.utils.html import escape
from icalendar import Calendar

from bookings.forms import parse_slot
from bookings.models import Consultation
from bookings.slots import Slot
from bookings.templatetags.slot_grid import _times
from directory import local_time
from tests.bookings.conftest import deliver_notices, open_hours
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
KOLKATA = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SLOT_LINK = re.compile(r'<a class="slot"\s+href="(?P<href>[^"]+)"[^>]*>(?P<text>[^<]+)')


@pytest.fixture
def kolkata_specialist():
    specialist = SpecialistFactory(name="Asha Rao", time_zone="Asia/Kolkata")
    open_hours(specialist, starts=time(9), ends=time(12))
    return specialist


def first_slot_on(page: str) -> tuple[str, str]:
    found = SLOT_LINK.search(page)
    assert found, "the profile offers no time"
    return unescape(found["href"]), " ".join(found["text"].split())


def test_the_slot_clicked_on_a_profile_is_the_time_on_the_confirm_page_the_email_and_the_ics(
    client, kolkata_specialist
):
    robin = UserFactory(first_name="Robin", time_zone="")
    client.force_login(robin)
    client.cookies["tz"] = "America/Toronto"  # what the browser sets on the first visit

    with time_machine.travel(NOW, tick=False):
        profile = client.get(kolkata_specialist.get_absolute_url()).content.decode()
        href, shown = first_slot_on(profile)
        moment = parse_slot(re.search(r"slot=([^&]+)", href)[1].replace("%3A", ":"))
        confirm = client.get(href)
        booked = client.post(
            href.split("?")[0],
            {
                "slot": re.search(r"slot=([^&]+)", href)[1].replace("%3A", ":"),
                "tz": re.search(r'name="tz" value="([^"]+)"', confirm.content.decode())[1],
                "mode": "video",
                "note": "",
            },
        )
        deliver_notices()

    local = moment.astimezone(TORONTO)
    assert shown.startswith(f"{local:%a} {local.day} {local:%b, %H:%M}")
    assert "(your time, Toronto)" in profile
    assert booked.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.starts_at == moment
    assert consultation.client_time_zone == "America/Toronto"
    line = local_time.both(moment, reader=TORONTO, other=KOLKATA)
    assert line.startswith(f"{local:%A} {local.day} {local:%B %Y, %H:%M} your time · ")
    assert line.endswith(" in Kolkata")
    assert line in unescape(confirm.content.decode())
    to_robin = next(m for m in mail.outbox if m.to == [robin.email])
    assert f"When: {line}" in to_robin.body
    event = next(iter(Calendar.from_ical(to_robin.attachments[0][1]).walk("VEVENT")))
    assert event.decoded("dtstart").astimezone(TORONTO) == local
    assert f"When: {line}" in str(event["description"])
    to_asha = next(m for m in mail.outbox if m.to == [kolkata_specialist.owner.email])
    assert local_time.both(moment, reader=KOLKATA, other=TORONTO) in to_asha.body


def test_without_javascript_or_cookie_the_profile_shows_the_specialists_times_labelled(
    client, kolkata_specialist
):
    with time_machine.travel(NOW, tick=False):
        page = client.get(kolkata_specialist.get_absolute_url()).content.decode()
        _href, shown = first_slot_on(page)

    assert shown == "Fri 4 Dec, 09:00"  # the first hour of the specialist's day, there
    assert "(Kolkata time, the specialist" in page
    assert "show my time" in page


def test_a_zone_in_the_address_is_used_and_carried_to_the_booking_links(client, kolkata_specialist):
    with time_machine.travel(NOW, tick=False):
        page = client.get(kolkata_specialist.get_absolute_url(), {"tz": "America/Toronto"})
        html = page.content.decode()
        href, shown = first_slot_on(html)

    assert shown == "Thu 3 Dec, 22:30"
    assert "tz=America%2FToronto" in href
    assert '<small class="elsewhere">Fri 4 Dec, 09:00 in Kolkata</small>' in html


def test_the_dashboards_show_the_readers_zone(client, kolkata_specialist):
    robin = UserFactory(first_name="Robin", time_zone="Europe/Paris")
    moment = datetime(2026, 12, 4, 3, 30, tzinfo=UTC)
    Consultation.objects.create(
        client=robin,
        specialist=kolkata_specialist,
        starts_at=moment,
        ends_at=datetime(2026, 12, 4, 4, 0, tzinfo=UTC),
        client_time_zone="America/Toronto",
    )
    client.force_login(robin)

    with time_machine.travel(NOW, tick=False):
        mine = client.get("/consultations/").content.decode()
        client.force_login(kolkata_specialist.owner)
        practice = client.get("/practice/consultations/").content.decode()

    assert "Friday 4 December 2026, 04:30" in mine  # Paris, where Robin is now
    assert "(Paris)" in mine
    assert "09:00" in practice  # Kolkata: the specialist's account has no zone of its own


# 2026-11-01: New York's clocks go back at 02:00 EDT, so 01:30 happens twice.
FIRST_0130 = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
SECOND_0130 = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_the_two_repeated_slots_read_differently_in_the_slot_picker():
    slots = [Slot(starts_at=moment, ends_at=moment) for moment in (FIRST_0130, SECOND_0130)]
    html = render_to_string(
        "bookings/_slot_grid.html",
        {
            "days": [(FIRST_0130.date(), [(slot, slot.starts_at.isoformat()) for slot in slots])],
            "zone": "America/New_York",
            "book_url": "/book/",
        },
    )

    assert ">01:30 EDT</a>" in html
    assert ">01:30 EST</a>" in html


def test_a_consultation_in_the_repeated_hour_names_its_offset_in_the_email_and_the_ics(client):
    specialist = SpecialistFactory(name="Ada Park", time_zone="America/New_York")
    robin = UserFactory(first_name="Robin", time_zone="America/New_York")
    with time_machine.travel(datetime(2026, 10, 20, tzinfo=UTC), tick=False):
        Consultation.objects.create(
            client=robin,
            specialist=specialist,
            starts_at=SECOND_0130,
            ends_at=datetime(2026, 11, 1, 7, 0, tzinfo=UTC),
            client_time_zone="America/New_York",
        )
        client.force_login(robin)
        consultation = Consultation.objects.get()
        page = client.get(consultation.get_absolute_url()).content.decode()
        invite = client.get(f"/consultations/{consultation.pk}/invite.ics")

    assert "Sunday 1 November 2026, 01:30 EST (New York time)" in page
    event = next(iter(Calendar.from_ical(invite.content).walk("VEVENT")))
    assert event.decoded("dtstart") == SECOND_0130  # in UTC: a TZID wall time would be 01:30 EDT
    assert "01:30 EST" in str(event["description"])


def test_the_slot_pickers_times_read_as_wall_times_do_around_every_change_of_clocks():
    for key, day in [
        ("America/New_York", date(2026, 11, 1)),  # 01:00-01:59 twice
        ("America/New_York", date(2026, 3, 8)),  # 02:00-02:59 never
        ("Europe/Berlin", date(2026, 10, 25)),
        ("Australia/Lord_Howe", date(2026, 4, 5)),  # half an hour back
        ("America/Havana", date(2026, 11, 1)),  # back at 01:00 to 00:00
        ("Asia/Kolkata", date(2026, 11, 1)),
    ]:
        zone = ZoneInfo(key)
        start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC) - timedelta(hours=3)
        moments = [start + timedelta(minutes=30 * step) for step in range(60)]
        for local_day in sorted({moment.astimezone(zone).date() for moment in moments}):
            shown = [m for m in moments if m.astimezone(zone).date() == local_day]
            day_slots = [(Slot(starts_at=m, ends_at=m), "") for m in shown]
            expected = [escape(local_time.wall(m, zone, style="time")) for m in shown]
            assert _times(day_slots, zone) == expected, (key, local_day)
