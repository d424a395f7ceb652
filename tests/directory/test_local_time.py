from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from directory import local_time
from directory.local_time import ReaderZone
from directory.models import User
from tests.factories import UserFactory

TORONTO = ZoneInfo("America/Toronto")
KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
# 2026-11-01: New York's clocks go back at 02:00 EDT, so 01:00-02:00 happens twice.
FIRST_0130 = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
SECOND_0130 = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST


def test_a_moment_reads_as_a_wall_time_in_the_readers_zone():
    moment = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)

    assert local_time.wall(moment, TORONTO) == "Monday 7 December 2026, 09:00"
    assert local_time.wall(moment, TORONTO, style="short") == "Mon 7 Dec, 09:00"
    assert local_time.wall(moment, KOLKATA, style="time") == "19:30"


def test_the_two_repeated_wall_times_when_clocks_go_back_are_told_apart():
    first = local_time.wall(FIRST_0130, NEW_YORK, style="time")
    second = local_time.wall(SECOND_0130, NEW_YORK, style="time")

    assert (first, second) == ("01:30 EDT", "01:30 EST")
    assert local_time.wall(FIRST_0130, NEW_YORK) == "Sunday 1 November 2026, 01:30 EDT"
    # An hour that happens once carries no label.
    assert local_time.wall(datetime(2026, 11, 1, 8, 30, tzinfo=UTC), NEW_YORK, style="time") == (
        "03:30"
    )


def test_the_other_sides_time_is_shown_beside_only_where_it_differs():
    moment = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)

    assert local_time.beside(moment, reader=TORONTO, other=KOLKATA) == "19:30 in Kolkata"
    assert local_time.beside(moment, reader=TORONTO, other=NEW_YORK) == ""
    late = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # 15:00 in Toronto, 01:30 next day there
    assert local_time.beside(late, reader=TORONTO, other=KOLKATA) == "Tue 8 Dec, 01:30 in Kolkata"


def test_the_full_line_says_your_time_and_names_a_guessed_zone():
    moment = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)

    assert (
        local_time.both(moment, reader=TORONTO, other=KOLKATA)
        == "Monday 7 December 2026, 09:00 your time · 19:30 in Kolkata"
    )
    assert (
        local_time.both(moment, reader=ReaderZone(KOLKATA, False), other=KOLKATA)
        == "Monday 7 December 2026, 19:30 (Kolkata time)"
    )
    assert (
        local_time.both(moment, reader=TORONTO, other=TORONTO)
        == "Monday 7 December 2026, 09:00 (Toronto time)"
    )


def test_a_zone_is_named_the_way_people_say_it():
    assert local_time.place(ZoneInfo("America/Argentina/Buenos_Aires")) == "Buenos Aires"
    assert local_time.place("UTC") == "UTC"


@pytest.mark.parametrize("key", ["", "Mars/Olympus", "../etc/passwd", "A" * 65])
def test_a_zone_from_outside_is_refused_unless_it_is_a_real_iana_key(key):
    assert local_time.zone_named(key) is None


def test_the_template_filters_use_the_same_words():
    rendered = Template(
        "{% load local_time %}{{ first|wall_time:zone }} / {{ second|wall_time:zone }} / "
        "{% both_times moment 'America/Toronto' 'Asia/Kolkata' %}"
    ).render(
        Context(
            {
                "first": FIRST_0130,
                "second": SECOND_0130,
                "zone": "America/New_York",
                "moment": datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
            }
        )
    )

    assert rendered == (
        "01:30 EDT / 01:30 EST / Monday 7 December 2026, 09:00 your time · 19:30 in Kolkata"
    )


@pytest.mark.django_db
def test_the_query_outranks_the_account_which_outranks_the_browser_cookie():
    user = UserFactory(time_zone="Asia/Kolkata")
    factory = RequestFactory()

    request = factory.get("/", {"tz": "Europe/Paris"})
    request.user = user
    request.COOKIES["tz"] = "America/Toronto"
    assert local_time.from_request(request) == ZoneInfo("Europe/Paris")

    request = factory.get("/", {"tz": "Nowhere/Land"})
    request.user = user
    request.COOKIES["tz"] = "America/Toronto"
    assert local_time.from_request(request) == KOLKATA

    user.time_zone = ""
    assert local_time.from_request(request) == TORONTO
    assert local_time.for_request(factory.get("/"), fallback="Asia/Kolkata") == ReaderZone(
        KOLKATA, False
    )


@pytest.mark.django_db
def test_the_browsers_zone_is_stored_on_an_account_that_has_none_and_never_overwrites_one(client):
    newcomer = UserFactory(time_zone="")
    settled = UserFactory(time_zone="Asia/Kolkata")
    client.cookies["tz"] = "America/Toronto"

    for user in (newcomer, settled):
        client.force_login(user)
        assert client.get("/").status_code == 200

    assert User.objects.get(pk=newcomer.pk).time_zone == "America/Toronto"
    assert User.objects.get(pk=settled.pk).time_zone == "Asia/Kolkata"


@pytest.mark.django_db
def test_picking_a_zone_keeps_it_in_a_cookie_and_on_the_account(client):
    user = UserFactory(time_zone="America/Toronto")
    client.force_login(user)

    response = client.post("/time-zone/", {"tz": "Asia/Kolkata", "next": "/specialists/?q=x"})

    assert response.status_code == 302
    assert response.url == "/specialists/?q=x"
    assert response.cookies["tz"].value == "Asia/Kolkata"
    assert User.objects.get(pk=user.pk).time_zone == "Asia/Kolkata"
    page = client.get("/specialists/")
    assert "Times in Kolkata" in page.content.decode()


@pytest.mark.django_db
def test_a_visitor_picks_a_zone_without_an_account_and_an_outside_next_is_ignored(client):
    response = client.post(
        "/time-zone/", {"tz": "Europe/Paris", "next": "https://elsewhere.example/"}
    )

    assert response.status_code == 302
    assert response.url == "/"
    assert response.cookies["tz"].value == "Europe/Paris"


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "x" * 5000])
def test_a_bad_zone_is_refused_with_a_message(client, zone):
    response = client.post("/time-zone/", {"tz": zone})

    assert response.status_code == 400
    assert "tz" not in response.cookies


@pytest.mark.django_db
def test_the_header_offers_to_set_a_zone_until_one_is_known(client):
    assert "Set your time zone" in client.get("/").content.decode()
    client.cookies["tz"] = "America/Toronto"
    page = client.get("/").content.decode()
    assert "Times in Toronto" in page
    assert "/time-zone/?next=/" in page
    assert client.get("/time-zone/?next=/").status_code == 200


@pytest.mark.django_db
def test_the_zone_page_offers_current_names_but_accepts_an_older_one_in_use(client):
    page = client.get("/time-zone/").content.decode()
    assert "Asia/Kolkata" in page and "Africa/Asmera" not in page

    response = client.post("/time-zone/", {"tz": "Asia/Calcutta", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["tz"].value == "Asia/Kolkata"  # kept under today's name


@pytest.mark.django_db
def test_an_old_zone_name_a_browser_reports_is_read_under_its_name_today(client):
    assert local_time.zone_named("Asia/Calcutta") == ZoneInfo("Asia/Kolkata")
    assert local_time.zone_named("Europe/Kiev") == ZoneInfo("Europe/Kyiv")
    assert local_time.zone_named("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")
    assert local_time.zone_named("UTC") == ZoneInfo("UTC")

    client.cookies["tz"] = "Asia/Calcutta"  # what Chromium reports in India

    assert "Times in Kolkata" in client.get("/").content.decode()
