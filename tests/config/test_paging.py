"""Every list is split into pages by one helper and shown with one partial."""

from pathlib import Path

from django.template.loader import render_to_string
from django.test import RequestFactory

from config.paging import PageLinks, paginate

ROOT = Path(__file__).resolve().parents[2]


def test_links_keep_the_other_parameters_and_stop_at_the_ends():
    request = RequestFactory().get("/articles/", {"topic": "couples", "page": "2"})

    page, links = paginate(request, list(range(25)), per_page=10)

    assert list(page.object_list) == list(range(10, 20))
    assert links == PageLinks(
        number=2, total=3, previous="topic=couples&page=1", next="topic=couples&page=3"
    )


def test_a_page_out_of_range_or_not_a_number_gives_the_last_or_the_first():
    too_far = RequestFactory().get("/", {"page": "99"})
    nonsense = RequestFactory().get("/", {"page": "x"})

    assert paginate(too_far, list(range(25)), per_page=10)[1] == PageLinks(
        number=3, total=3, previous="page=2"
    )
    assert paginate(nonsense, list(range(25)), per_page=10)[1] == PageLinks(
        number=1, total=3, next="page=2"
    )


def test_the_partial_shows_nothing_for_a_single_page_and_escapes_the_links():
    single = render_to_string("components/_pagination.html", {"links": PageLinks(1, 1)})
    several = render_to_string(
        "components/_pagination.html", {"links": PageLinks(2, 3, "q=a&page=1", "q=a&page=3")}
    )

    assert "nav" not in single
    assert 'href="?q=a&amp;page=1" rel="prev"' in several
    assert 'href="?q=a&amp;page=3" rel="next"' in several
    assert "Page 2 of 3" in several


def test_no_other_template_draws_its_own_page_numbers():
    drawn = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "Page {{ number }} of {{ total }}" in path.read_text(encoding="utf-8")
    ]

    assert drawn == ["templates/components/_pagination.html"]
