from datetime import UTC, datetime

import pytest
from django.urls import reverse

from bookings.models import BusyTime
from calendars.models import CalendarConnection
from tests.factories import BusyTimeFactory, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET_URL = "webcal://p01-calendars.icloud.com/published/2/SECRET-TOKEN-abc"


@pytest.fixture
def specialist():
    return SpecialistFactory()


@pytest.fixture
def owner_client(client, specialist):
    client.force_login(specialist.owner)
    return client


def add(client, url=SECRET_URL):
    return client.post(reverse("calendars:subscribe"), {"subscription-url": url})


def test_the_page_is_for_the_specialist_only(client, owner_client):
    assert owner_client.get(reverse("calendars:list")).status_code == 200

    other = UserFactory()
    client.force_login(other)
    assert client.get(reverse("calendars:list")).status_code == 404


def test_a_visitor_gets_the_log_in_prompt_and_cannot_post(client):
    assert b"log in" in client.get(reverse("calendars:list")).content.lower()
    assert add(client).status_code == 403
    assert CalendarConnection.objects.count() == 0


def test_a_webcal_address_is_added_and_shown_masked(owner_client):
    response = add(owner_client)

    assert response.status_code == 302
    page = owner_client.get(reverse("calendars:list")).content.decode()
    assert "https://p01-calendars.icloud.com/…" in page
    assert "SECRET-TOKEN" not in page
    assert "Not yet" in page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/cal.ics", "Only http, https and webcal"),
        ("", "This field is required"),
        ("https://a:b@example.com/x.ics", "user name or password"),
        ("https://" + "a" * 2100 + ".com", "at most 2000 characters"),
    ],
)
def test_a_bad_address_gets_a_clear_message_and_a_400(owner_client, url, message):
    response = add(owner_client, url)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert CalendarConnection.objects.count() == 0


def test_a_caldav_account_with_a_private_server_is_refused_with_a_400(owner_client, settings):
    settings.CALENDARS_ALLOWED_HOSTS = []
    response = owner_client.post(
        reverse("calendars:add_caldav"),
        {
            "caldav-url": "http://127.0.0.1:5232/",
            "caldav-username": "alice",
            "caldav-password": "pw",
        },
    )

    assert response.status_code == 400
    assert "private network" in response.content.decode()


def test_someone_elses_connection_is_a_404(client, owner_client, specialist):
    add(owner_client)
    connection = CalendarConnection.objects.get()
    client.force_login(SpecialistFactory().owner)

    assert client.get(reverse("calendars:remove", args=[connection.pk])).status_code == 404
    assert client.post(reverse("calendars:remove", args=[connection.pk])).status_code == 404
    assert client.post(reverse("calendars:sync", args=[connection.pk])).status_code == 404
    assert CalendarConnection.objects.count() == 1


def test_remove_asks_first_then_removes_with_its_busy_times(owner_client, specialist):
    add(owner_client)
    connection = CalendarConnection.objects.get()
    BusyTimeFactory(
        specialist=specialist,
        source=connection.source,
        starts_at=datetime(2027, 1, 1, 10, tzinfo=UTC),
    )
    url = reverse("calendars:remove", args=[connection.pk])

    assert "Remove this calendar?" in owner_client.get(url).content.decode()
    assert CalendarConnection.objects.count() == 1
    assert owner_client.post(url).status_code == 302
    assert CalendarConnection.objects.count() == 0
    assert BusyTime.objects.count() == 0


def test_sync_now_twice_in_a_minute_is_refused_with_a_429(owner_client):
    add(owner_client)
    connection = CalendarConnection.objects.get()
    url = reverse("calendars:sync", args=[connection.pk])

    assert owner_client.post(url).status_code == 429  # just added: already due
    CalendarConnection.objects.update(next_sync_at="2099-01-01T00:00Z")
    assert owner_client.post(url).status_code == 302
    assert owner_client.post(url).status_code == 429
