from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insights import sites, widget
from insights.models import WidgetSettings
from tests.bookings.conftest import open_hours
from tests.factories import SpecialistFactory, UserFactory, WidgetSettingsFactory
from tests.security.test_authorization_matrix import EXPECTED, url_for
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


def directives(response) -> dict[str, str]:
    policy = response.get("Content-Security-Policy", "")
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";") if part.strip())


def widget_url(specialist, **query):
    url = reverse("insights:widget", kwargs={"slug": specialist.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def specialist():
    found = SpecialistFactory(name="Mira Okafor", time_zone="America/Toronto")
    open_hours(found, starts=time(9), ends=time(17))
    return found


def test_the_widget_shows_the_promise_and_the_next_times_in_the_visitors_zone(client, specialist):
    response = client.get(widget_url(specialist, tz="Asia/Tokyo"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mira Okafor" in page
    assert "Free 30-minute consultation" in page
    assert "(Asia/Tokyo)" in page
    assert page.count('target="_blank"') == widget.SHOWN + 1
    assert "src=widget" in page and "tz=Asia%2FTokyo" in page


def test_each_time_books_that_slot_in_a_new_tab(client, specialist):
    now = timezone.now()
    slots = widget.next_times(specialist=specialist, zone=ZoneInfo("Europe/Paris"), now=now)
    assert len(slots) == widget.SHOWN
    shown = slots[0].starts_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M")

    page = client.get(widget_url(specialist, tz="Europe/Paris")).content.decode()

    assert shown in page
    assert slots[0].book_url.replace("&", "&amp;") in page
    assert slots[0].book_url.startswith(settings.SITE_URL + f"/specialists/{specialist.slug}/book/")


def test_without_a_known_zone_times_are_the_specialists_and_the_page_asks_the_browser(
    client, specialist
):
    page = client.get(widget_url(specialist, tz="Mars/Olympus")).content.decode()

    assert "(America/Toronto)" in page
    assert "data-tz-detect" in page


def test_only_the_widget_may_be_framed_and_by_any_site_unless_some_are_listed(client, specialist):
    response = client.get(widget_url(specialist))

    assert "X-Frame-Options" not in response.headers
    assert directives(response)["frame-ancestors"] == "*"

    WidgetSettingsFactory(
        specialist=specialist, allowed_sites="https://mira.example\nhttp://localhost:8080"
    )
    other = SpecialistFactory()
    WidgetSettingsFactory(specialist=other, allowed_sites="https://other.example")
    response = client.get(widget_url(other))
    assert directives(response)["frame-ancestors"] == "'self' https://other.example"


def test_every_other_page_refuses_to_be_framed():
    world = build_world()
    visitor = Client()
    specialist = Client()
    specialist.force_login(world.specialist_1.owner)
    framable = {"insights:widget"}
    for name in sorted(EXPECTED):
        url = url_for(name, world)
        for browser in (visitor, specialist):
            response = browser.get(url)
            framing = directives(response)["frame-ancestors"]
            if name in framable:
                assert framing != "'none'", name
            else:
                assert framing == "'none'", name
                assert response.get("X-Frame-Options") == "DENY", name


def test_the_widget_sets_no_cookie_and_loads_nothing_from_elsewhere(client, specialist):
    response = client.get(widget_url(specialist, tz="Europe/Paris"))

    assert not response.cookies
    policy = directives(response)
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert "connect-src" not in policy and policy["form-action"] == "'none'"
    page = response.content.decode()
    assert 'src="http' not in page.replace(f'src="{settings.SITE_URL}', "")


def test_the_widget_with_its_css_and_script_stays_under_20_kb(client, specialist):
    specialist.titles = "Registered Psychotherapist, " * 4
    specialist.save()
    WidgetSettings.objects.create(specialist=specialist, website="https://" + "m" * 480 + ".ca/")
    body = client.get(widget_url(specialist, tz="America/Argentina/ComodRivadavia")).content
    assert b"booked%2F%3Fback%3D" in body  # with the longest way back
    css = (STATIC / "css" / "widget.css").read_bytes()
    script = (STATIC / "js" / "site.js").read_bytes()

    assert len(body) + len(css) + len(script) < 20 * 1024


def test_a_warm_widget_answers_from_the_cache_without_a_query(
    client, specialist, django_assert_num_queries
):
    url = widget_url(specialist, tz="Europe/Paris")
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)

    assert again.content == first.content
    assert "max-age=180" in again["Cache-Control"]


def test_an_unknown_or_hidden_specialist_has_no_widget(client):
    draft = SpecialistFactory(status="draft")

    assert client.get(widget_url(draft)).status_code == 404
    assert client.get("/widget/nobody/").status_code == 404


def test_a_specialist_without_free_consultations_gets_a_link_to_the_profile(client):
    specialist = SpecialistFactory(offers_free_consultation=False)

    page = client.get(widget_url(specialist)).content.decode()

    assert "See the profile" in page and "Next free times" not in page


@pytest.mark.parametrize(
    ("text", "origins"),
    [
        ("mira.example", ["https://mira.example"]),
        (
            "https://Mira.Example/about\nhttp://localhost:8080",
            ["https://mira.example", "http://localhost:8080"],
        ),
        ("https://mira.example https://mira.example", ["https://mira.example"]),
        ("", []),
    ],
)
def test_allowed_sites_are_read_as_origins(text, origins):
    assert sites.parse_sites(text) == origins


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "https://a;b.example",
        "https://*.example",
        "ftp://x.example",
        "https://x.example:99999",
        "https://'none'",
    ],
)
def test_anything_else_is_refused_with_a_clear_message(text):
    with pytest.raises(ValidationError, match="is not a website address"):
        sites.parse_sites(text)


def test_the_specialist_copies_the_snippets_and_lists_sites(client, specialist):
    client.force_login(specialist.owner)
    page = client.get(reverse("insights:widget_settings")).content.decode()

    assert "data-first-step-widget" in page and "&lt;iframe" in page
    assert f"/widget/{specialist.slug}/" in page

    refused = client.post(reverse("insights:widget_settings"), {"sites": "javascript:x"})
    assert refused.status_code == 400
    assert "is not a website address" in refused.content.decode()

    saved = client.post(
        reverse("insights:widget_settings"),
        {"sites": "mira.example", "website": "https://Mira.Example/practice"},
    )
    assert saved.status_code == 302
    assert sites.sites_of(specialist=specialist) == sites.Sites(
        website="https://mira.example/practice", allowed=["https://mira.example"]
    )
    assert "https://mira.example/practice" in client.get(saved["Location"]).content.decode()


def test_a_client_has_no_widget_page(client):
    client.force_login(UserFactory())

    assert client.get(reverse("insights:widget_settings")).status_code == 404


def test_the_embed_script_only_frames_our_own_widget_addresses(client):
    response = client.get(reverse("insights:embed"))

    assert response["Content-Type"].startswith("text/javascript")
    assert f'indexOf("{settings.SITE_URL}/")' in response.content.decode()
