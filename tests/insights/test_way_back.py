"""The way back to the specialist's own site after booking through the widget: the address
is only ever one the specialist saved (insights.sites.return_address), whatever a request
asks for, and it survives logging in or signing up on the way."""

import re
from datetime import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from bookings.forms import slot_value
from bookings.models import Consultation
from insights import sites, widget
from insights.models import WidgetSettings
from tests.bookings.conftest import free_slot, open_hours
from tests.directory.test_accounts import confirmation_link
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

SAVED = sites.Sites(
    website="https://mira.example/practice/",
    allowed=["https://clinic.example", "http://localhost:8080"],
)


# The rule


@pytest.mark.parametrize(
    ("came_from", "address"),
    [
        ("https://clinic.example", "https://clinic.example/"),
        ("https://clinic.example/team/mira?x=1", "https://clinic.example/"),
        ("http://localhost:8080", "http://localhost:8080/"),
        ("https://mira.example", "https://mira.example/practice/"),
        ("", "https://mira.example/practice/"),
    ],
)
def test_the_way_back_is_the_listed_site_the_widget_was_on_else_the_website(came_from, address):
    assert sites.return_address(sites=SAVED, came_from=came_from) == address


@pytest.mark.parametrize(
    "came_from",
    [
        "https://evil.example",
        "https://clinic.example.evil.example",
        "https://clinic.example@evil.example",
        "https://evil.example\\@clinic.example",
        "http://clinic.example",  # another scheme is another site
        "https://clinic.example:8443",
        "//clinic.example",
        "javascript:alert(document.domain)",
        "data:text/html,<script>alert(1)</script>",
        "https://clinic.example\n.evil.example",
        "https://CLINIC.example\u202e",
        "x" * 5000,
    ],
)
def test_no_other_address_is_ever_offered(came_from):
    address = sites.return_address(sites=SAVED, came_from=came_from)

    assert address == SAVED.website
    assert sites.return_address(sites=sites.Sites(), came_from=came_from) == ""


def test_without_a_website_an_unknown_site_gets_no_way_back():
    listed = sites.Sites(allowed=["https://clinic.example"])

    assert sites.return_address(sites=listed, came_from="https://clinic.example") == (
        "https://clinic.example/"
    )
    assert sites.return_address(sites=listed, came_from="https://other.example") == ""


@pytest.mark.parametrize(
    ("text", "website"),
    [
        ("mira.example", "https://mira.example/"),
        ("https://Mira.Example/About Us", None),
        ("https://Mira.Example/über?page=2#team", "https://mira.example/%C3%BCber?page=2"),
        ("http://localhost:8080/", "http://localhost:8080/"),
        ("", ""),
    ],
)
def test_the_website_is_kept_as_a_plain_web_address(text, website):
    if website is None:
        with pytest.raises(ValidationError):
            sites.parse_website(text)
    else:
        assert sites.parse_website(text) == website


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "https://mira:secret@mira.example/",
        "https://mira.example\\@evil.example/",
        "ftp://mira.example/",
        "https://mira_example/",
        "https://mira.example:99999/",
    ],
)
def test_anything_else_is_refused_as_a_website(text):
    with pytest.raises(ValidationError, match="is not a website address"):
        sites.parse_website(text)


def test_the_website_may_always_frame_the_widget_once_sites_are_listed():
    assert SAVED.framing() == [*SAVED.allowed, "https://mira.example"]
    assert sites.Sites(website="https://mira.example/").framing() == []  # any site


# The journey


@pytest.fixture
def specialist():
    found = SpecialistFactory(name="Mira Okafor")
    open_hours(found, starts=time(9), ends=time(17))
    WidgetSettings.objects.create(
        specialist=found, website=SAVED.website, allowed_sites="\n".join(SAVED.allowed)
    )
    return found


def links(page: bytes) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', page.decode())]


def then_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["next"][0]


def test_the_widgets_links_end_the_booking_on_the_way_back_to_where_it_was_shown(
    client, specialist
):
    widget_url = reverse("insights:widget", kwargs={"slug": specialist.slug})

    on_clinic = links(client.get(widget_url, {"back": "https://clinic.example"}).content)
    elsewhere = links(client.get(widget_url, {"back": "https://evil.example"}).content)

    booked = reverse("insights:booked", kwargs={"slug": specialist.slug})
    books = [url for url in on_clinic if "/book/" in url]
    assert len(books) == widget.SHOWN + 1  # each time, and the button (the picker)
    assert {then_of(url) for url in books} == {booked + "?back=https%3A%2F%2Fclinic.example%2F"}
    assert {then_of(url) for url in elsewhere if "/book/" in url} == {
        booked + "?back=https%3A%2F%2Fmira.example%2Fpractice%2F"
    }


def test_a_specialist_without_a_website_or_sites_keeps_the_usual_ending(client):
    specialist = SpecialistFactory()
    open_hours(specialist)
    url = reverse("insights:widget", kwargs={"slug": specialist.slug})

    page = client.get(url, {"back": "https://anything.example"}).content.decode()

    assert "next=" not in page


def test_the_booking_goes_on_to_our_own_page_only(client, specialist):
    client.force_login(UserFactory())
    book = reverse("bookings:book", kwargs={"slug": specialist.slug})
    booked = reverse("insights:booked", kwargs={"slug": specialist.slug}) + "?back=x"
    for then in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        slot = free_slot(specialist)
        response = client.post(
            f"{book}?next={then}", {"slot": slot_value(slot.starts_at), "mode": "video"}
        )
        consultation = Consultation.objects.get(status="confirmed")
        assert response["Location"] == consultation.get_absolute_url(), then
        consultation.delete()

    slot = free_slot(specialist)
    response = client.post(
        book + "?" + f"next={booked.replace('?', '%3F').replace('=', '%3D')}",
        {"slot": slot_value(slot.starts_at), "mode": "video"},
    )
    assert response["Location"] == booked


def test_the_booked_page_offers_only_a_saved_address(client, specialist):
    user = UserFactory()
    Consultation.objects.create(
        specialist=specialist,
        client=user,
        starts_at=free_slot(specialist).starts_at,
        ends_at=free_slot(specialist).ends_at,
    )
    client.force_login(user)
    booked = reverse("insights:booked", kwargs={"slug": specialist.slug})

    clinic = client.get(booked, {"back": "https://clinic.example/"})
    evil = client.get(booked, {"back": "https://evil.example/"})

    assert 'href="https://clinic.example/"' in clinic.content.decode()
    assert "Back to clinic.example" in clinic.content.decode()
    assert 'href="https://evil.example' not in evil.content.decode()
    assert 'href="https://mira.example/practice/"' in evil.content.decode()


def test_without_a_consultation_the_booked_page_leads_to_the_profile(client, specialist):
    client.force_login(UserFactory())

    response = client.get(reverse("insights:booked", kwargs={"slug": specialist.slug}))

    assert response["Location"] == specialist.get_absolute_url()


def test_the_way_back_survives_signing_up_on_the_way(client, specialist):
    booked = reverse("insights:booked", kwargs={"slug": specialist.slug})
    then = booked + "?back=https%3A%2F%2Fclinic.example%2F"
    frame = client.get(
        reverse("insights:widget", kwargs={"slug": specialist.slug}),
        {"back": "https://clinic.example", "tz": "UTC"},
    )
    book = next(url for url in links(frame.content) if "slot=" in url)
    slot = parse_qs(urlsplit(book).query)["slot"][0]
    path = book.removeprefix(settings.SITE_URL)

    prompt = client.get(path).content.decode()
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', prompt).group(1)
    response = client.post(
        signup.replace("&amp;", "&"),
        {
            "email": "new@example.com",
            "password1": "a-calm-long-passphrase-2026",
            "password2": "a-calm-long-passphrase-2026",
            "role": "client",
            "first_name": "Noor",
        },
    )
    assert response.status_code == 302
    confirm = urlsplit(confirmation_link(mail.outbox[-1])).path
    landed = client.post(confirm)
    assert landed["Location"] == path  # back on the booking, the time still chosen

    done = client.post(path, {"slot": slot, "mode": "video"})

    assert done["Location"] == then
    assert 'href="https://clinic.example/"' in client.get(then).content.decode()
