"""Where am I: page titles that say it, the navigation link marked current, the
accessibility statement."""

import lxml.html
import pytest
from django.test import Client

from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def title(response) -> str:
    return " ".join(lxml.html.fromstring(response.content).findtext(".//title").split())


def test_a_search_title_holds_its_words_filters_count_and_page(client):
    SpecialistFactory.create_batch(25, city="Toronto")

    first = client.get("/specialists/?location=Toronto")
    second = client.get("/specialists/?location=Toronto&page=2")
    everyone = client.get("/specialists/")
    nothing = client.get("/specialists/?q=nobody-like-this")

    assert title(first).startswith("Toronto · 25 specialists · Find a specialist")
    assert title(second).startswith("Toronto · 25 specialists · page 2 · Find a specialist")
    assert title(everyone).startswith("25 specialists · Find a specialist")
    assert title(nothing).startswith("“nobody-like-this” · 0 specialists · Find a specialist")


def test_log_in_and_sign_up_are_titled_as_the_navigation_calls_them(client):
    assert title(client.get("/accounts/login/")).startswith("Log in ·")
    assert title(client.get("/accounts/signup/")).startswith("Sign up ·")


def test_the_navigation_marks_the_current_page_and_section(client):
    client.force_login(UserFactory())

    search = lxml.html.fromstring(client.get("/specialists/?q=grief").content)
    mine = lxml.html.fromstring(client.get("/articles/mine/").content)

    # The links are there twice: in the bar, and in the phone's menu (one is shown).
    current = search.xpath("//nav[@aria-label='Main']/div[@class='nav-wide']//a[@aria-current]")
    in_menu = search.xpath(
        "//nav[@aria-label='Main']//div[@class='nav-menu-panel']//a[@aria-current]"
    )
    assert [(a.text_content().strip(), a.get("aria-current")) for a in current] == [
        ("Find a specialist", "page")
    ]
    assert [a.text_content().strip() for a in in_menu] == ["Find a specialist"]
    articles = mine.xpath("//nav[@aria-label='Main']/div[@class='nav-wide']//a[@aria-current]")
    assert [(a.text_content().strip(), a.get("aria-current")) for a in articles] == [
        ("Articles", "true")
    ]


def test_the_accessibility_statement_says_what_is_tested_and_how_to_report_a_barrier(client):
    response = client.get("/accessibility/")
    home = client.get("/")

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    headings = [h.text_content() for h in page.findall(".//h2")]
    assert {"How we check", "Known limits", "Tell us about a barrier"} <= set(headings)
    assert page.xpath("//a[@href='/contact/']")
    assert b'href="/accessibility/"' in home.content


def test_the_navigation_kept_drawn_holds_each_readers_own_logout_token():
    """The navigation is drawn once for everyone on a page; the logout form's token is not."""
    pages = []
    for user in (UserFactory(), UserFactory()):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        page = lxml.html.fromstring(browser.get("/specialists/").content)
        token = page.xpath("//form[@action='/accounts/logout/']/input/@value")
        pages.append((browser, token))

    (_first, first_token), (second, second_token) = pages
    assert len(first_token) == 2  # in the bar and in the menu
    assert set(first_token).isdisjoint(second_token)
    assert (
        second.post("/accounts/logout/", {"csrfmiddlewaretoken": first_token[0]}).status_code == 403
    )
    assert (
        second.post("/accounts/logout/", {"csrfmiddlewaretoken": second_token[0]}).status_code
        == 302
    )
    assert "Log in" in second.get("/specialists/").content.decode()
