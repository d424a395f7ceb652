import pytest

from content import articles, related
from directory.models import Specialist, Specialty
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db


def publish(author, title, topics, *, publish=True):
    text = articles.ArticleText(
        title=title, summary="", body="Words. " * 20, references=[], topics=list(topics)
    )
    return articles.create_article(author=author, text=text, publish=publish)


def test_related_articles_share_a_topic_are_published_and_are_other_articles():
    couples = Specialty.objects.filter(slug="couples")
    others = Specialty.objects.exclude(slug="couples")[:1]
    author = SpecialistFactory()
    article = publish(author, "The one read", couples)
    sharing = publish(author, "Sharing", couples)
    publish(author, "A draft", couples, publish=False)
    publish(author, "Elsewhere", others)

    assert related.articles_on(list(couples), article=article) == [sharing]


def test_specialists_on_the_topics_are_suggested_unless_the_author_offers_a_consultation():
    couples = list(Specialty.objects.filter(slug="couples"))
    on_topic = SpecialistFactory()
    on_topic.specialties.set(couples)
    busy_author = SpecialistFactory(offers_free_consultation=False)
    busy_author.specialties.set(couples)
    SpecialistFactory(offers_free_consultation=False).specialties.set(couples)
    SpecialistFactory()  # no topic in common

    assert related.specialists_on(couples, author=busy_author) == [on_topic]
    assert related.specialists_on(couples, author=None) == [on_topic]
    assert related.specialists_on(couples, author=on_topic) == []


def test_suggested_specialists_are_read_as_cards_with_the_specialties_they_show():
    couples = list(Specialty.objects.filter(slug="couples"))
    SpecialistFactory().specialties.set(couples)

    [suggested] = related.specialists_on(couples, author=None)

    assert [tag.name for tag in suggested.card_specialties] == [couples[0].name]


def test_an_unlisted_author_is_not_shown():
    author = SpecialistFactory()
    article = publish(author, "By a listed author", [])

    assert related.shown_author(article) == author
    Specialist.objects.filter(pk=author.pk).update(status=Specialist.Status.DRAFT)
    article.refresh_from_db()
    assert related.shown_author(article) is None
