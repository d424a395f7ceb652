"""Writing, publishing and removing articles."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config.celery import enqueue_on_commit
from content import evidence
from content.models import Article, Reference
from directory import markdown
from directory.models import Specialist, Specialty, User


class ArticleError(Exception):
    """An article rule was broken; the message is safe to show."""


@dataclass(frozen=True)
class ArticleText:
    title: str
    summary: str
    body: str
    references: Sequence[str]
    topics: Sequence[Specialty]


def is_author(*, article: Article, user: User | AnonymousUser) -> bool:
    """Whether this person wrote the article: they alone see it while it is a draft."""
    return bool(user.is_authenticated and article.author and article.author.owner_id == user.pk)


def plain(text: str) -> str:
    """Text as stored: trimmed, without NUL characters (PostgreSQL refuses them)."""
    return text.replace("\x00", "").strip()


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(plain(title))[:100] or "article"
    slug, n = base, 2
    taken = Article.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    existing = set(taken.values_list("slug", flat=True))
    while slug in existing:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(article: Article, text: ArticleText) -> None:
    """Derived fields are computed here, when the text changes, never in a template."""
    article.title = plain(text.title)
    article.summary = plain(text.summary)
    article.body = plain(text.body)
    article.body_html = markdown.render(article.body)
    article.word_count = len(article.body.split())
    article.evidence = evidence.article_evidence(
        title=article.title,
        summary=article.summary,
        body=article.body,
        chosen=[t.slug for t in text.topics],
    )


def _set_related(article: Article, text: ArticleText) -> None:
    article.topics.set(text.topics)
    # Without topics of its own, the text's evidenced ones are suggested, never applied.
    suggested = (
        []
        if text.topics
        else evidence.suggest_topics(
            title=article.title, summary=article.summary, body=article.body
        )
    )
    article.suggested_topics.set(Specialty.objects.filter(slug__in=suggested))
    article.references.all().delete()
    Reference.objects.bulk_create(
        Reference(article=article, position=i, text=ref)
        for i, ref in enumerate((r for r in map(plain, text.references) if r), start=1)
    )


def _relink_later(article: Article) -> None:
    enqueue_on_commit("content.update_links_for_article", article.pk)


@transaction.atomic
def create_article(
    *,
    author: Specialist | None,
    text: ArticleText,
    author_name: str = "",
    publish: bool = False,
    import_key: str = "",
) -> Article:
    """A new article (a draft unless `publish`). Relinking follows the commit when published."""
    article = Article(
        author=author,
        author_name="" if author else plain(author_name),
        slug=_unique_slug(text.title),
        import_key=import_key,
    )
    _apply(article, text)
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now()
    article.save()
    _set_related(article, text)
    if publish:
        _relink_later(article)
    return article


@transaction.atomic
def update_article(*, article: Article, text: ArticleText) -> Article:
    """Change an article's text, topics and references; published ones are relinked."""
    _apply(article, text)
    article.save()
    _set_related(article, text)
    if article.is_published:
        _relink_later(article)
    return article


@transaction.atomic
def confirm_suggested_topics(*, article: Article) -> bool:
    """Make an article's suggested topics its own (relinked when published).

    False when there was nothing to confirm.
    """
    suggested = list(article.suggested_topics.all())
    if not suggested:
        return False
    text = ArticleText(
        title=article.title,
        summary=article.summary,
        body=article.body,
        references=list(article.references.values_list("text", flat=True)),
        topics=suggested,
    )
    update_article(article=article, text=text)
    return True


@transaction.atomic
def publish_article(*, article: Article) -> Article:
    """Publish a draft; raises ArticleError when the author's profile is not public."""
    if article.author and not article.author.is_listed:
        raise ArticleError(_("Your profile must be published before your articles can be."))
    if not article.is_published:
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now()
        article.save(update_fields=["status", "published_at", "updated_at"])
        _relink_later(article)
    return article


@transaction.atomic
def unpublish_article(*, article: Article) -> Article:
    """Back to draft. Its links disappear at once; the task refills the profiles."""
    if article.is_published:
        article.status = Article.Status.DRAFT
        article.published_at = None
        article.save(update_fields=["status", "published_at", "updated_at"])
        article.profile_links.all().delete()
        _relink_later(article)
    return article


@transaction.atomic
def delete_article(*, article: Article) -> None:
    """Delete an article; the profiles that showed it are relinked after the commit."""
    affected = list(article.profile_links.values_list("specialist_id", flat=True))
    article.delete()
    if affected:
        enqueue_on_commit("content.recompute_profiles", affected)
