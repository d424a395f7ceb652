import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content import articles, linking, questions
from directory.models import Specialty
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def publish(author, title, *topics):
    return articles.create_article(
        author=author,
        text=articles.ArticleText(
            title=title,
            summary="Summary.",
            body="Partners rebuild trust and intimacy. " * 10,
            references=[],
            topics=list(Specialty.objects.filter(slug__in=topics)),
        ),
        publish=True,
    )


def queries_for(client, url: str) -> int:
    """The queries of a view after a first one (what a page keeps for a while is kept)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(n: int) -> None:
    for i in range(n):
        author = SpecialistFactory()
        author.specialties.set(Specialty.objects.filter(slug="couples"))
        publish(author, f"Article {author.pk}-{i}", "couples", "grief")
        question = questions.ask_question(
            asker=UserFactory(), title=f"Question number {author.pk}?", details="", topic=None
        )
        questions.answer_question(specialist=author, question=question, body="An answer. " * 3)


@pytest.mark.parametrize("url", ["/articles/", "/questions/", "/articles/?topic=couples"])
def test_list_pages_cost_the_same_for_one_or_many_rows(client, url):
    grow(1)
    few = queries_for(client, url)
    grow(6)

    assert queries_for(client, url) == few


def test_profile_sections_cost_the_same_for_one_or_many_articles_and_answers(client):
    reader = SpecialistFactory()
    reader.specialties.set(Specialty.objects.filter(slug="couples"))
    grow(1)
    linking.recompute_all()
    few = queries_for(client, reader.get_absolute_url())
    grow(6)
    linking.recompute_all()

    assert queries_for(client, reader.get_absolute_url()) == few
