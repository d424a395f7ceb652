import json
import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from directory.models import Specialist, Specialty
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def json_ld(response):
    match = re.search(
        rb'<script type="application/ld\+json">(.*?)</script>', response.content, re.S
    )
    return json.loads(match.group(1))


# The search page


def test_the_search_form_shows_the_search_and_lists_it_was_drawn_for(
    client, taxonomy, django_capture_on_commit_callbacks
):
    """The form is kept drawn, under the search and the curated lists it shows."""
    selected = '<option value="anxiety" selected>'

    assert selected not in client.get("/specialists/").content.decode()
    assert selected in client.get("/specialists/?specialty=anxiety").content.decode()
    assert selected not in client.get("/specialists/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        Specialty.objects.create(slug="stage-fright", name="Stage fright")

    assert '<option value="stage-fright">' in client.get("/specialists/").content.decode()


def test_the_search_form_shows_a_place_it_could_not_find_as_typed(client):
    """An unknown place narrows nothing, yet the form drawn for it is not the plain one."""
    near_field = 'name="near" type="text" value="Qwxyzzy"'
    plain = client.get("/specialists/").content.decode()

    unknown = client.get("/specialists/?near=Qwxyzzy").content.decode()

    assert near_field not in " ".join(plain.split())
    assert near_field in " ".join(unknown.split())
    assert near_field not in " ".join(client.get("/specialists/").content.decode().split())


@pytest.mark.parametrize(
    "query",
    [
        "?specialty=astrology",
        "?page=99999",
        "?page=-3",
        "?q=" + "anxiety%20" * 1500,
        "?q=" + "x" * 10_000,
        "?q=%27%22%3B--%20%3Cscript%3E%26%7C%21%3A*",
        "?format=%00&language=%F0%9F%98%80&available_within=1e9&sort=evil",
        "?specialty=anxiety&specialty=grief",
    ],
)
def test_bad_input_gets_a_page_not_an_error(client, query):
    SpecialistFactory.create_batch(3)

    response = client.get("/specialists/" + query)

    assert response.status_code == 200


def test_the_page_shows_the_count_cards_and_a_link_to_each_profile(
    client, make_specialist, taxonomy
):
    specialist = make_specialist(
        name="Leanne Sawchuk",
        specialties=[taxonomy["anxiety"]],
        next_free_slot_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
        time_zone="America/Toronto",
    )

    response = client.get("/specialists/")

    content = response.content.decode()
    assert "1 specialist" in content
    assert specialist.get_absolute_url() in content
    assert "Free 30-min consultation" in content
    assert "Anxiety" in content
    assert "Next free:" in content
    assert "Tue 24 Nov, 10:00" in content  # 15:00 UTC in Toronto
    assert "(Toronto time)" in content  # a visitor whose zone is not known yet


def test_an_empty_result_suggests_removing_a_filter(client, make_specialist, taxonomy):
    make_specialist(specialties=[taxonomy["anxiety"]])

    response = client.get("/specialists/?specialty=grief&free_consultation=1")

    content = response.content.decode()
    assert "0 specialists" in content
    assert "Try removing a filter" in content
    assert 'href="?free_consultation=1"' in content  # the same search without the specialty


def test_the_filters_show_the_current_search_so_the_url_can_be_shared(client, taxonomy):
    response = client.get("/specialists/?q=grief&specialty=anxiety&free_consultation=1")

    content = response.content.decode()
    assert 'value="grief"' in content
    assert '<option value="anxiety"\n' in content or 'value="anxiety" selected' in re.sub(
        r"\s+", " ", content
    )
    assert re.search(r'name="free_consultation"[^>]*checked', content)


def test_pagination_links_keep_the_search(client):
    SpecialistFactory.create_batch(25, city="Toronto")

    response = client.get("/specialists/?location=Toronto")

    assert 'href="?location=Toronto&amp;page=2"' in response.content.decode()
    assert b"Page 1 of 2" in response.content


def test_the_search_page_runs_the_same_queries_for_one_result_or_many(
    client, make_specialist, taxonomy, django_assert_max_num_queries, django_assert_num_queries
):
    promoted = make_specialist(specialties=[taxonomy["anxiety"]], languages=[taxonomy["english"]])
    staff = UserFactory(is_staff=True)
    from directory import promotions

    promotions.promote(
        specialist=promoted,
        starts_on=datetime(2000, 1, 1).date(),
        ends_on=datetime(2100, 1, 1).date(),
        actor=staff,
    )
    url = "/specialists/?q=specialist&specialty=anxiety&language=english&free_consultation=1"
    client.get(url)  # who is promoted today is then kept a minute
    with django_assert_max_num_queries(10) as one_result:
        assert client.get(url).status_code == 200

    for _ in range(30):
        make_specialist(specialties=[taxonomy["anxiety"]], languages=[taxonomy["english"]])
    with django_assert_num_queries(len(one_result.captured_queries)):
        response = client.get(url)
    assert b"31 specialists" in response.content


def test_the_unfiltered_page_runs_a_fixed_number_of_queries(
    client, make_specialist, taxonomy, django_assert_num_queries
):
    make_specialist(specialties=[taxonomy["anxiety"]])
    client.get("/specialists/")  # warm the session-free path
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/specialists/")
    for _ in range(40):
        make_specialist(specialties=[taxonomy["anxiety"], taxonomy["grief"]])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/specialists/")
    assert len(few.captured_queries) <= 10


def test_for_a_logged_in_visitor_the_count_does_not_grow_with_results(
    client, make_specialist, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_specialist()
    client.force_login(UserFactory())
    client.get("/specialists/")  # the first visit of a session records it (allauth)
    with CaptureQueriesContext(connection) as few:
        client.get("/specialists/")
    for _ in range(30):
        make_specialist()

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/specialists/").status_code == 200


# The profile page


@pytest.fixture
def leanne(make_specialist, taxonomy):
    return make_specialist(
        name="Leanne Sawchuk",
        slug="leanne-sawchuk",
        titles="Registered Psychotherapist, Art Therapist",
        intro="Art therapy for anxiety.",
        bio="She supports people with **anxiety** and trauma.",
        license_number="RP-004512",
        license_body="CRPO",
        years_experience=9,
        city="Toronto",
        region="Ontario",
        country="Canada",
        fees="140 CAD",
        education="York University",
        video_url="https://example.com/video",
        specialties=[taxonomy["anxiety"], taxonomy["trauma"]],
        approaches=[taxonomy["cbt"]],
        languages=[taxonomy["english"], taxonomy["french"]],
    )


def test_the_profile_shows_everything_a_client_needs(client, leanne, without_other_sections):
    response = client.get("/specialists/leanne-sawchuk/")

    content = response.content.decode()
    for text in (
        "Leanne Sawchuk",
        "Registered Psychotherapist, Art Therapist",
        "Art therapy for anxiety.",
        "<strong>anxiety</strong>",
        "RP-004512",
        "CRPO",
        "9 years",
        "Toronto, Ontario, Canada",
        "140 CAD",
        "York University",
        "Trauma",
        "CBT",
        "French",
        "Free 30-min consultation",
        "Watch a video introduction",
    ):
        assert text in content, text


def test_the_profile_has_share_links_open_graph_and_json_ld(
    client, leanne, without_other_sections, settings
):
    settings.SITE_URL = "https://firststep.example"
    response = client.get("/specialists/leanne-sawchuk/", HTTP_HOST="127.0.0.1")

    content = response.content.decode()
    url = "https://firststep.example/specialists/leanne-sawchuk/"
    assert f'<meta property="og:url" content="{url}">' in content
    assert 'property="og:title" content="Leanne Sawchuk, Registered Psychotherapist' in content
    for host in ("facebook.com", "twitter.com", "linkedin.com", "wa.me", "mailto:"):
        assert host in content
    assert "Copy link" in content
    data = json_ld(response)
    assert data["@type"] == "Person"
    assert data["name"] == "Leanne Sawchuk"
    assert data["knowsAbout"] == ["Anxiety", "Trauma"]
    assert data["url"] == url


def test_json_ld_cannot_break_out_of_its_script(client, make_specialist, without_other_sections):
    make_specialist(slug="x", name="</script><script>alert(1)</script>")

    response = client.get("/specialists/x/")

    assert b"<script>alert(1)" not in response.content
    assert json_ld(response)["name"] == "</script><script>alert(1)</script>"


def test_the_profile_shows_an_edit_at_once(client, leanne, taxonomy, without_other_sections):
    first = client.get("/specialists/leanne-sawchuk/").content.decode()
    Specialist.objects.filter(pk=leanne.pk).update(
        fees="150 CAD", city="Ottawa", license_verified_at=timezone.now()
    )
    leanne.specialties.add(taxonomy["grief"])
    second = client.get("/specialists/leanne-sawchuk/").content.decode()

    assert "140 CAD" in first and "Toronto" in first and "License verified" not in first
    assert "Grief" not in first
    assert "150 CAD" in second and "Ottawa" in second and "License verified" in second
    assert "Grief" in second and "140 CAD" not in second


@pytest.mark.parametrize("status", ["draft", "pending", "rejected"])
def test_only_published_profiles_are_public(client, make_specialist, status):
    make_specialist(slug="hidden", status=status, rejection_reason="Needs work")

    assert client.get("/specialists/hidden/").status_code == 404


def test_the_profile_page_runs_a_fixed_number_of_queries(
    client, leanne, taxonomy, django_assert_num_queries, without_other_sections
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/specialists/leanne-sawchuk/")
    leanne.specialties.set(Specialist.specialties.field.related_model.objects.all())
    leanne.languages.set(Specialist.languages.field.related_model.objects.all())

    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/specialists/leanne-sawchuk/")
    assert len(before.captured_queries) == 1  # the row and its lists


def test_the_whole_profile_page_with_every_apps_sections_stays_within_seven_queries(
    client, leanne, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = client.get("/specialists/leanne-sawchuk/")

    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/", "/crisis-support/", "/specialists/", "/specialists/x/"])
def test_read_only_pages_refuse_to_process_a_post(client, make_specialist, url):
    make_specialist(slug="x")

    assert client.post(url).status_code == 405
