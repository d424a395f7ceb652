import pytest

from directory import markdown


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " \x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
    ],
)
def test_links_that_a_browser_would_run_as_script_lose_their_target(href):
    html = markdown.render(f'<a href="{href}">x</a> and [y]({href.strip()})')

    assert "href" not in html


@pytest.mark.parametrize(
    "href",
    ["https://example.org/a?b=c", "http://example.org", "mailto:a@example.org", "/articles/x/"],
)
def test_ordinary_links_are_kept_and_marked_nofollow(href):
    html = markdown.render(f"[a link]({href})")

    assert f'href="{href}"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_scripts_and_event_handlers_never_survive():
    html = markdown.render("<script>alert(1)</script><img src=x onerror=alert(1)> **kept**")

    assert "<script" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "<strong>kept</strong>" in html


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("java\tscript:x", "javascript"),
        ("/a:b", None),
        ("a/b:c", None),
        ("?q=a:b", None),
        ("HTTPS://x", "https"),
    ],
)
def test_url_scheme_reads_urls_as_browsers_do(url, scheme):
    assert markdown.url_scheme(url) == scheme
