import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from content import importing
from content.models import Article
from directory.models import Specialist
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "content" / "seeds"
INTERFACE_TEXT = [
    "You need to be logged in",
    "Share on other sites",
    "free initial consultation",
    "No Internet Connection",
    "Login Sign up",
    "To create a new Question",
    "Your message has been sent",
]


def import_seeds() -> dict[str, Article]:
    return {
        path.name[:3]: importing.import_file(path).article for path in sorted(SEEDS.glob("*.txt"))
    }


def test_imports_the_four_seeds_with_their_exact_titles():
    articles = import_seeds()

    assert {key: a.title for key, a in articles.items()} == {
        "000": "Reviving the Fading Spark: Rekindling Love Before It\u2019s Too Late",
        "001": "The Push and Pull of Love: Why Giving Space Matters",
        "002": "How to Save a Relationship: Proven Strategies for Rekindling Love",
        "003": "How to Repair your Relationship When your Partner is Slipping Away",
    }
    assert all(a.is_published for a in articles.values())


def test_keeps_references_as_references_and_out_of_the_body():
    articles = import_seeds()

    assert {key: a.references.count() for key, a in articles.items()} == {
        "000": 4,
        "001": 4,
        "002": 7,
        "003": 0,
    }
    assert "Gottman, J. M., & Silver, N. (1999)" in articles["001"].references.first().text  # type: ignore[union-attr]
    assert "Johnson provides a detailed framework" in articles["001"].references.last().text  # type: ignore[union-attr]
    assert "References" not in articles["000"].body
    assert "markmanson.net" not in articles["002"].body


def test_names_the_author_as_text_or_links_the_specialist_who_wrote_it():
    leanne = SpecialistFactory(name="Leanne Sawchuk", slug="leanne-sawchuk")

    articles = import_seeds()

    assert articles["002"].author is None
    assert articles["002"].byline == "Sneha Tete"
    assert articles["003"].author == leanne
    assert articles["003"].byline == "Leanne Sawchuk"
    assert articles["000"].byline == ""
    assert "Read full bio" not in articles["002"].body
    assert "Registered Psychotherapist, Art Therapist, and Speaker" not in articles["003"].body


def test_keeps_the_author_name_when_no_specialist_has_it():
    articles = import_seeds()

    assert articles["003"].author is None
    assert articles["003"].author_name == "Leanne Sawchuk"


def test_never_keeps_interface_text_in_any_body():
    articles = import_seeds()

    for article in articles.values():
        for phrase in INTERFACE_TEXT:
            assert phrase.lower() not in article.body.lower(), (article.title, phrase)
            assert phrase.lower() not in article.body_html.lower()
    assert "the heart of any relationship lies in the respect" in articles["001"].body


def test_keeps_lists_headings_and_tables_readable():
    articles = import_seeds()
    html = articles["002"].body_html

    assert "<table>" in html and "<th>Key Element</th>" in html
    assert "<li>Poor Communication:" in html
    assert "<h2>Understanding the Reasons Relationships Fail</h2>" in html
    assert articles["002"].summary.startswith("Renew the bond between you and your partner")
    assert "<ol" in articles["003"].body_html


def test_importing_twice_changes_nothing(django_capture_on_commit_callbacks):
    import_seeds()
    before = list(Article.objects.values_list("pk", "updated_at", "body"))

    with django_capture_on_commit_callbacks() as callbacks:
        call_command("import_articles", str(SEEDS))

    assert list(Article.objects.values_list("pk", "updated_at", "body")) == before
    assert Article.objects.count() == 4
    assert callbacks == []


def test_the_command_refuses_a_missing_path():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_articles", "/nonexistent/file.txt")


def test_the_seed_articles_get_relationship_topics_suggested_not_applied():
    articles = import_seeds()

    for article in articles.values():
        assert list(article.topics.all()) == []
        assert "relationship-issues" in {t.slug for t in article.suggested_topics.all()}
    assert not Specialist.objects.exists()


SAME_TITLE = "Sleep Well Again\n\nNotes on rest.\n\n{body}\n"


def test_two_texts_with_the_same_title_become_two_articles_with_their_own_addresses():
    first = importing.import_text(text=SAME_TITLE.format(body="The first text about sleep."))
    second = importing.import_text(text=SAME_TITLE.format(body="Another text, about insomnia."))

    assert first.created and second.created
    assert first.article.pk != second.article.pk
    assert first.article.slug == "sleep-well-again"
    assert second.article.slug == "sleep-well-again-2"
    first.article.refresh_from_db()
    assert first.article.body == "The first text about sleep."


def test_update_replaces_only_the_article_it_names(tmp_path):
    first = importing.import_text(text=SAME_TITLE.format(body="The first text about sleep."))
    importing.import_text(text=SAME_TITLE.format(body="Another text, about insomnia."))
    path = tmp_path / "new.txt"
    path.write_text(SAME_TITLE.format(body="A corrected first text."), encoding="utf-8")

    call_command("import_articles", str(path), "--update", first.article.slug, stdout=StringIO())

    assert Article.objects.get(pk=first.article.pk).body == "A corrected first text."
    assert Article.objects.filter(body="Another text, about insomnia.").exists()
    assert Article.objects.count() == 2


def test_a_last_heading_that_looks_like_a_name_stays_a_heading_and_keeps_its_text():
    text = (
        "Finding Your Way Back\n\nA short introduction to reconnecting.\n\n"
        "Couples drift apart slowly, and small daily moments bring them back.\n\n"
        "Moving Forward Together\n\n"
        "Moving Forward Together is a choice couples make every day, not a single decision.\n"
    )

    parsed = importing.parse(text)
    article = importing.import_text(text=text).article

    assert parsed.author_name == ""
    assert "## Moving Forward Together" in article.body
    assert "a choice couples make every day" in article.body
    assert parsed.split_off == {} and parsed.words_lost == 0


def test_a_real_closing_bio_is_split_off_and_names_the_author():
    text = (
        "Grief Has No Timetable\n\nWhat the first year after a loss can bring.\n\n"
        "Grief comes in waves, and mourning has no schedule.\n\n"
        "Dana Okafor\nRegistered Psychotherapist\n"
        "Dana Okafor is a Registered Psychotherapist who supports bereaved families in Ottawa.\n"
    )

    parsed = importing.parse(text)

    assert parsed.author_name == "Dana Okafor"
    assert "Dana Okafor" not in parsed.body
    assert parsed.split_off == {"author bio": 16}
    assert parsed.words_lost == 0


def test_the_dry_run_accounts_for_every_word_of_every_seed_and_imports_nothing():
    out = StringIO()

    call_command("import_articles", str(SEEDS), "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert "author \u201cLeanne Sawchuk\u201d" in lines[3] and "author bio 100" in lines[3]
    for line in lines:
        numbers = re.findall(r"words in (\d+), words out (\d+), split off: (.*)$", line)[0]
        split = sum(int(n) for n in re.findall(r"(\d+)", numbers[2]))
        assert int(numbers[0]) == int(numbers[1]) + split, line
    assert not Article.objects.exists()


def test_a_text_that_would_lose_words_is_refused(monkeypatch):
    real_markdown = importing._markdown
    monkeypatch.setattr(importing, "_markdown", lambda lines: real_markdown(lines[:-2]))

    with pytest.raises(importing.ImportRefused, match="would lose text"):
        importing.import_text(text="A Title\n\nFirst paragraph here.\n\nSecond paragraph.\n")
    assert not Article.objects.exists()
