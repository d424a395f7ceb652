import json
from pathlib import Path

import pytest

from content import articles, linking
from content.models import Article, ArticleLink, ProfileLinkState
from directory.models import Specialist, Specialty
from tests.content.test_importing import import_seeds
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db


def specialist_with(*slugs: str, bio: str = "", **extra) -> Specialist:
    specialist = SpecialistFactory(bio=bio, **extra)
    specialist.specialties.set(Specialty.objects.filter(slug__in=slugs))
    return specialist


def text(title: str, *topics: str, body: str = "") -> articles.ArticleText:
    return articles.ArticleText(
        title=title,
        summary="",
        body=body or "Partners in a relationship rebuild trust and intimacy together. " * 5,
        references=[],
        topics=list(Specialty.objects.filter(slug__in=topics)),
    )


def linked_titles(specialist: Specialist) -> set[str]:
    return set(
        ArticleLink.objects.filter(specialist=specialist).values_list("article__title", flat=True)
    )


def test_links_every_seed_article_to_a_relationship_specialist_and_none_to_adhd_and_ocd():
    relationships = specialist_with("relationship-issues", "anxiety")
    couples = specialist_with("couples")
    adhd_ocd = specialist_with(
        "adhd", "ocd", bio="I work with adults who have ADHD and OCD, using CBT."
    )
    seeds = import_seeds()

    linking.recompute_all()

    assert linked_titles(relationships) == {a.title for a in seeds.values()}
    assert linked_titles(couples) >= {seeds["000"].title, seeds["003"].title}
    assert linked_titles(adhd_ocd) == set()


def test_never_links_more_than_five_or_a_specialists_own_article():
    author = specialist_with("relationship-issues")
    reader = specialist_with("relationship-issues")
    for n in range(7):
        articles.create_article(
            author=author, text=text(f"Article {n}", "relationship-issues"), publish=True
        )

    linking.recompute_all()

    assert ArticleLink.objects.filter(specialist=reader).count() == 5
    assert not ArticleLink.objects.filter(specialist=author).exists()


def test_the_score_is_zero_without_a_shared_topic_or_anchor_word():
    article = linking.article_terms(
        title="Panic", summary="", body="panic fear anxiety breathing", topic_slugs=["anxiety"]
    )
    unrelated = linking.profile_vector(specialty_slugs=["adhd"], approach_slugs=[], bio="panic")
    related = linking.profile_vector(specialty_slugs=["anxiety"], approach_slugs=[], bio="")

    assert linking.score(article, unrelated) == 0.0
    assert linking.score(article, related) > linking.RELEVANCE_THRESHOLD


def test_publishing_changing_and_removing_an_article_enqueue_relinking(
    django_capture_on_commit_callbacks,
):
    author = specialist_with("couples")
    with django_capture_on_commit_callbacks() as callbacks:
        draft = articles.create_article(author=author, text=text("Draft", "couples"))
    assert callbacks == []

    for change in (
        lambda: articles.publish_article(article=draft),
        lambda: articles.update_article(article=draft, text=text("Changed", "couples")),
        lambda: articles.unpublish_article(article=draft),
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            change()
        assert len(callbacks) == 1


def test_a_new_article_reaches_the_affected_profiles_and_unpublishing_removes_it():
    author = specialist_with("couples")
    reader = specialist_with("relationship-issues", "couples")
    stranger = specialist_with("adhd")
    article = articles.create_article(author=author, text=text("Trust", "couples"), publish=True)

    linking.update_for_article(article_id=article.pk)

    assert linked_titles(reader) == {"Trust"}
    assert linked_titles(stranger) == set()
    articles.unpublish_article(article=article)
    assert linked_titles(reader) == set()
    linking.update_for_article(article_id=article.pk)
    assert linked_titles(reader) == set()


def test_a_deleted_article_leaves_no_link_and_the_profile_is_refilled():
    author = specialist_with("couples")
    reader = specialist_with("couples")
    first = articles.create_article(author=author, text=text("First", "couples"), publish=True)
    articles.create_article(author=author, text=text("Second", "couples"), publish=True)
    linking.recompute_all()

    articles.delete_article(article=first)
    linking.recompute_profiles(specialist_ids=[reader.pk])

    assert linked_titles(reader) == {"Second"}


def test_edited_profiles_are_recomputed_by_the_sweep():
    author = specialist_with("couples")
    articles.create_article(author=author, text=text("Trust", "couples"), publish=True)
    reader = specialist_with("adhd")
    linking.recompute_all()
    assert linked_titles(reader) == set()

    reader.specialties.add(Specialty.objects.get(slug="couples"))
    reader.save()  # the directory's edit bumps updated_at
    assert linking.recompute_changed_profiles() >= 1

    assert linked_titles(reader) == {"Trust"}
    assert ProfileLinkState.objects.get(specialist=reader).computed_at >= reader.updated_at
    assert linking.recompute_changed_profiles() == 0


def test_unlisted_profiles_lose_their_links():
    author = specialist_with("couples")
    articles.create_article(author=author, text=text("Trust", "couples"), publish=True)
    reader = specialist_with("couples")
    linking.recompute_all()
    assert linked_titles(reader)

    Specialist.objects.filter(pk=reader.pk).update(status=Specialist.Status.DRAFT)
    linking.recompute_changed_profiles()

    assert linked_titles(reader) == set()


def test_the_labelled_evaluation_set_reaches_a_precision_at_3_of_at_least_0_8():
    data = json.loads((Path(linking.__file__).parent / "evaluation.json").read_text())

    assert linking.evaluate(data) >= 0.8


def test_the_profile_shows_relevant_articles_by_others_with_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    author = specialist_with("couples", name="Ada Author")
    reader = specialist_with("couples")
    articles.create_article(author=author, text=text("Trust again", "couples"), publish=True)
    linking.recompute_all()

    response = client.get(reader.get_absolute_url())
    own = client.get(author.get_absolute_url())

    assert "Relevant articles" in response.content.decode()
    assert "Trust again" in response.content.decode()
    assert "Articles by Ada Author" in own.content.decode()
    assert Article.objects.count() == 1


def test_a_better_new_article_displaces_the_weakest_of_five_links():
    author = specialist_with("grief")
    reader = specialist_with("couples", "grief")
    for n in range(5):
        articles.create_article(
            author=author,
            text=text(
                f"Loss {n}",
                "grief",
                body="Grief and loss after a death. " * 8 + "Morning routines matter. " * 4 * n,
            ),
            publish=True,
        )
    linking.recompute_all()
    weakest = ArticleLink.objects.filter(specialist=reader).order_by("score").first()
    assert weakest is not None and ArticleLink.objects.filter(specialist=reader).count() == 5

    better = articles.create_article(
        author=author,
        text=text(
            "Couples grieving together",
            "couples",
            "grief",
            body="Couples, partners and marriage after grief, loss and death. " * 8,
        ),
        publish=True,
    )
    assert linking.update_for_article(article_id=better.pk) >= 1

    links = ArticleLink.objects.filter(specialist=reader)
    assert links.count() == 5
    assert links.filter(article=better).exists()
    assert not links.filter(pk=weakest.pk).exists()


def test_the_incremental_update_agrees_with_a_full_recompute():
    author = specialist_with("couples")
    readers = [specialist_with("couples", "grief"), specialist_with("relationship-issues")]
    for n in range(4):
        articles.create_article(author=author, text=text(f"Trust {n}", "couples"), publish=True)
    linking.recompute_all()
    article = articles.create_article(
        author=author, text=text("Trust again", "couples", "relationship-issues"), publish=True
    )

    linking.update_for_article(article_id=article.pk)
    incremental = {r.pk: linked_titles(r) for r in readers}
    linking.recompute_all()

    assert incremental == {r.pk: linked_titles(r) for r in readers}


def test_a_second_full_recompute_writes_nothing_when_nothing_changed():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = specialist_with("couples")
    specialist_with("couples", "grief")
    articles.create_article(author=author, text=text("Trust", "couples"), publish=True)
    linking.recompute_all()

    with CaptureQueriesContext(connection) as captured:
        linking.recompute_all()

    writes = [q["sql"] for q in captured if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) <= 1  # at most the clean-up of links of unlisted profiles

    assert "INSERT" not in " ".join(writes)


def test_an_unlisted_profile_never_receives_a_new_article():
    author = specialist_with("couples")
    draft = specialist_with("couples", status=Specialist.Status.DRAFT)
    linking.recompute_all()
    article = articles.create_article(author=author, text=text("Trust", "couples"), publish=True)

    linking.update_for_article(article_id=article.pk)

    assert linked_titles(draft) == set()
