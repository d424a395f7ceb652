import random

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.expressions import RawSQL

from content import articles, evaluation, linking, relinking
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


PANIC_TITLE = "Understanding panic attacks"
PANIC = "A panic attack is a surge of anxiety. Anxious people avoid places where panic struck. "
TRUST = "Partners in a relationship rebuild trust and intimacy together. "
GRIEF = "Grief after a death comes in waves; mourning and bereavement take time. "


def shown(specialist: Specialist) -> list[tuple[str, float]]:
    return list(
        ArticleLink.objects.filter(specialist=specialist)
        .order_by("-score", "-article_id")
        .values_list("article__title", "score")
    )


def linked_titles(specialist: Specialist) -> set[str]:
    return set(
        ArticleLink.objects.filter(specialist=specialist).values_list("article__title", flat=True)
    )


def test_the_seed_articles_reach_relationship_and_couples_specialists_and_never_adhd_or_ocd():
    relationships = specialist_with("relationship-issues", "anxiety")
    couples = specialist_with("couples")
    adhd_ocd = specialist_with(
        "adhd", "ocd", bio="I work with adults who have ADHD and OCD, using CBT."
    )
    seeds = import_seeds()

    linking.recompute_all()

    assert len(linked_titles(relationships)) == 3
    assert linked_titles(relationships) <= {a.title for a in seeds.values()}
    assert seeds["000"].title in linked_titles(couples)
    assert linked_titles(adhd_ocd) == set()


def test_never_links_more_than_three_or_a_specialists_own_article():
    author = specialist_with("relationship-issues")
    reader = specialist_with("relationship-issues")
    for n in range(7):
        articles.create_article(
            author=author, text=text(f"Article {n}", "relationship-issues"), publish=True
        )

    linking.recompute_all()

    assert ArticleLink.objects.filter(specialist=reader).count() == 3
    assert not ArticleLink.objects.filter(specialist=author).exists()


def test_a_dense_batch_is_read_by_range_and_only_the_profiles_asked_for_are_linked():
    author = specialist_with("couples")
    for n in range(4):
        articles.create_article(author=author, text=text(f"Trust {n}", "couples"), publish=True)
    readers = SpecialistFactory.create_batch(150)
    couples = Specialty.objects.get(slug="couples")
    for reader in readers[::2]:
        reader.specialties.add(couples)
    Specialist.objects.filter(pk=readers[80].pk).update(status=Specialist.Status.DRAFT)
    ids = sorted(r.pk for r in readers)
    # Dense, with gaps that a range lets through and that must stay unlinked.
    asked = [pk for n, pk in enumerate(ids[10:140]) if n % 10]
    assert "specialist_id__gte" in str(linking.among(asked))

    linking.recompute_profiles(specialist_ids=asked)

    linked = dict(
        ArticleLink.objects.values("specialist_id")
        .annotate(n=Count("pk"))
        .values_list("specialist_id", "n")
    )
    expected = {r.pk: 3 for r in readers[::2] if r.pk in asked and r.pk != readers[80].pk}
    assert linked == expected
    computed = ProfileLinkState.objects.filter(specialist__in=readers)
    assert set(computed.values_list("specialist_id", flat=True)) == set(asked) - {readers[80].pk}


def test_shows_fewer_than_three_rather_than_pad_with_weak_matches():
    author = specialist_with("couples")
    reader = specialist_with("anxiety")
    articles.create_article(author=author, text=text(PANIC_TITLE, body=PANIC), publish=True)
    for n in range(4):
        articles.create_article(author=author, text=text(f"Trust {n}", "couples"), publish=True)

    linking.recompute_all()

    assert linked_titles(reader) == {PANIC_TITLE}


def test_a_topic_the_author_ticked_does_not_link_without_words_in_the_text():
    author = specialist_with("couples")
    reader = specialist_with("ocd")
    articles.create_article(
        author=author,
        text=text("Spring gardening", "ocd", body="Plant bulbs in autumn and water them."),
        publish=True,
    )

    linking.recompute_all()

    assert linked_titles(reader) == set()


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

    relinking.update_for_article(article_id=article.pk)

    assert linked_titles(reader) == {"Trust"}
    assert linked_titles(stranger) == set()
    articles.unpublish_article(article=article)
    assert linked_titles(reader) == set()
    relinking.update_for_article(article_id=article.pk)
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


def test_the_labelled_set_is_on_topic_and_the_same_incrementally_and_in_full():
    report = evaluation.run()

    assert report.articles >= 60 and report.profiles >= 25
    assert report.precision_at_3 >= 0.97
    assert report.clean_share >= 0.95
    assert report.incremental_equals_full


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


def test_a_better_new_article_displaces_the_weakest_of_three_links():
    author = specialist_with("grief")
    reader = specialist_with("couples", "grief")
    for n in range(3):
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
    weakest = ArticleLink.objects.filter(specialist=reader).order_by("score", "article_id").first()
    assert weakest is not None and ArticleLink.objects.filter(specialist=reader).count() == 3

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
    assert relinking.update_for_article(article_id=better.pk) >= 1

    links = ArticleLink.objects.filter(specialist=reader)
    assert links.count() == 3
    assert links.filter(article=better).exists()
    assert not links.filter(pk=weakest.pk).exists()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lists_built_one_publication_at_a_time_in_any_order_equal_a_full_recompute(seed):
    author = specialist_with("couples")
    readers = [
        specialist_with("couples", "grief"),
        specialist_with("relationship-issues"),
        specialist_with("grief", "anxiety"),
    ]
    texts = [text(f"Trust {n}", "couples", body=TRUST * (n + 1)) for n in range(3)]
    texts += [text(f"Loss {n}", body=GRIEF * (n + 1) + TRUST) for n in range(3)]
    texts += [text(PANIC_TITLE, body=PANIC + GRIEF)]
    random.Random(seed).shuffle(texts)
    for article_text in texts:
        article = articles.create_article(author=author, text=article_text, publish=True)
        relinking.update_for_article(article_id=article.pk)
    incremental = {r.pk: shown(r) for r in readers}

    linking.recompute_all()

    assert incremental == {r.pk: shown(r) for r in readers}
    assert all(incremental.values())


def test_a_hidden_link_stays_hidden_and_another_article_takes_its_place(
    django_capture_on_commit_callbacks,
):
    author = specialist_with("couples")
    reader = specialist_with("couples")
    for n in range(4):
        articles.create_article(author=author, text=text(f"Trust {n}", "couples"), publish=True)
    linking.recompute_all()
    hidden = ArticleLink.objects.filter(specialist=reader).first()
    assert hidden is not None

    with django_capture_on_commit_callbacks() as callbacks:
        assert linking.hide_link(specialist=reader, article_id=hidden.article_id)
    assert hidden.article.title not in linked_titles(reader)
    assert len(callbacks) == 1  # the refill task
    linking.recompute_profiles(specialist_ids=[reader.pk])

    assert len(linked_titles(reader)) == 3
    linking.recompute_all()
    relinking.update_for_article(article_id=hidden.article_id)
    assert hidden.article.title not in linked_titles(reader)
    assert not linking.hide_link(specialist=reader, article_id=hidden.article_id)


def test_an_untagged_article_gets_suggested_topics_not_topics():
    article = articles.create_article(
        author=None, author_name="A. Writer", text=text(PANIC_TITLE, body=PANIC), publish=True
    )

    assert list(article.topics.all()) == []
    assert [t.slug for t in article.suggested_topics.all()] == ["anxiety"]


def stored_links() -> list[tuple]:
    """Every link row as stored; on PostgreSQL with its row version, which any write changes."""
    rows = ArticleLink.objects.order_by("pk")
    if connection.vendor == "postgresql":
        rows = rows.annotate(version=RawSQL("xmin::text", []))
        return list(rows.values_list("pk", "score", "topics", "words", "version"))
    return list(rows.values_list("pk", "score", "topics", "words"))


def test_a_second_full_recompute_rewrites_nothing_when_nothing_changed():
    author = specialist_with("couples")
    specialist_with("couples", "grief")
    articles.create_article(author=author, text=text("Trust", "couples"), publish=True)
    linking.recompute_all()
    links = stored_links()
    states = list(ProfileLinkState.objects.values_list("pk", "computed_at"))

    linking.recompute_all()

    assert links and stored_links() == links
    assert list(ProfileLinkState.objects.values_list("pk", "computed_at")) == states


def test_an_unlisted_profile_never_receives_a_new_article():
    author = specialist_with("couples")
    draft = specialist_with("couples", status=Specialist.Status.DRAFT)
    linking.recompute_all()
    article = articles.create_article(author=author, text=text("Trust", "couples"), publish=True)

    relinking.update_for_article(article_id=article.pk)

    assert linked_titles(draft) == set()
