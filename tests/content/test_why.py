import re

import pytest

from content import articles, linking
from content.models import ArticleLink, HiddenArticleLink
from directory.models import Specialty
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

PANIC = "A panic attack is a surge of anxiety. Anxious people avoid places where panic struck. "


def panic_article(author, title="Understanding panic attacks"):
    text = articles.ArticleText(title=title, summary="", body=PANIC * 3, references=[], topics=[])
    return articles.create_article(author=author, text=text, publish=True)


@pytest.fixture
def reader():
    specialist = SpecialistFactory()
    specialist.specialties.set(Specialty.objects.filter(slug="anxiety"))
    return specialist


def test_the_specialist_sees_why_each_article_is_shown_and_can_hide_it(client, reader):
    article = panic_article(SpecialistFactory())
    linking.recompute_all()
    client.force_login(reader.owner)

    page = client.get("/articles/mine/").content.decode()

    assert "Understanding panic attacks" in page
    assert "Anxiety" in page  # the shared topic, by name
    assert "panic attack" in page and "anxiety" in page  # the words that matched
    response = client.post(f"/articles/{article.slug}/hide/")
    assert response.status_code == 302
    assert not ArticleLink.objects.filter(specialist=reader).exists()
    assert HiddenArticleLink.objects.filter(specialist=reader, article=article).exists()
    linking.recompute_all()
    assert not ArticleLink.objects.filter(specialist=reader).exists()


def test_hiding_touches_only_the_profile_of_whoever_asks(client, reader):
    article = panic_article(SpecialistFactory())
    other = SpecialistFactory()
    other.specialties.set(Specialty.objects.filter(slug="anxiety"))
    linking.recompute_all()
    client.force_login(other.owner)

    client.post(f"/articles/{article.slug}/hide/")

    assert ArticleLink.objects.filter(specialist=reader, article=article).exists()
    assert not ArticleLink.objects.filter(specialist=other).exists()


def test_a_visitor_or_a_client_cannot_hide_anything(client, reader):
    article = panic_article(SpecialistFactory())
    linking.recompute_all()

    assert client.post(f"/articles/{article.slug}/hide/").status_code == 302  # to log in
    client.force_login(UserFactory())
    assert client.post(f"/articles/{article.slug}/hide/").status_code == 403
    assert client.get(f"/articles/{article.slug}/hide/").status_code == 405
    assert ArticleLink.objects.filter(specialist=reader).exists()


def test_an_unknown_article_is_a_404_not_an_error(client, reader):
    client.force_login(reader.owner)

    assert client.post("/articles/no-such-article/hide/").status_code == 404


def test_the_author_is_asked_to_confirm_topics_read_from_an_untagged_text(client):
    author = SpecialistFactory()
    article = panic_article(author)
    client.force_login(author.owner)

    page = client.get(f"/articles/{article.slug}/edit/").content.decode()

    assert "Untick any that do not fit" in page
    anxiety = Specialty.objects.get(slug="anxiety")
    assert re.search(rf'value="{anxiety.pk}" id="[^"]+" checked', page)
    assert list(article.topics.all()) == []


def test_staff_confirm_suggested_topics_and_the_article_is_relinked(
    django_capture_on_commit_callbacks,
):
    article = panic_article(None)

    with django_capture_on_commit_callbacks() as callbacks:
        assert articles.confirm_suggested_topics(article=article)

    assert [t.slug for t in article.topics.all()] == ["anxiety"]
    assert list(article.suggested_topics.all()) == []
    assert len(callbacks) == 1
    assert not articles.confirm_suggested_topics(article=article)
