"""Content's part of a person's export and erasure (privacy/ calls these in a fixed order)."""

from datetime import datetime
from typing import Any

from django.db.models import Model
from django.urls import reverse

from content import articles
from content.models import (
    Answer,
    Article,
    ArticleLink,
    HiddenArticleLink,
    ProfileLinkState,
    Question,
)
from directory.models import Specialist, User

# The models with a foreign key to the user that erase_user_data handles.
ERASES: tuple[type[Model], ...] = (Question,)


def erase_user_data(*, user: User, now: datetime) -> None:
    """Their questions are deleted. A specialist's drafts are deleted, published articles
    and answers withdrawn from view, and the relevant articles on their profile dropped."""
    Question.objects.filter(asker=user).delete()
    specialist = Specialist.objects.filter(owner=user).first()
    if specialist is None:
        return
    Article.objects.filter(author=specialist, status=Article.Status.DRAFT).delete()
    for article in Article.objects.filter(author=specialist, status=Article.Status.PUBLISHED):
        articles.unpublish_article(article=article)
    Answer.objects.filter(specialist=specialist, status=Answer.Status.PUBLISHED).update(
        status=Answer.Status.HIDDEN
    )
    for model in (ArticleLink, HiddenArticleLink, ProfileLinkState):
        model.objects.filter(specialist=specialist).delete()


def export_user_data(*, user: User) -> dict[str, Any]:
    """Their questions, and a specialist's answers and articles."""
    specialist = Specialist.objects.filter(owner=user).first()
    return {
        "questions": [
            {
                "id": question.pk,
                "title": question.title,
                "details": question.details,
                "topic": question.topic.name if question.topic else "",
                "show_name": question.show_name,
                "status": question.status,
                "asked_at": question.created_at,
            }
            for question in Question.objects.filter(asker=user).select_related("topic")
        ],
        "answers": _answers(specialist) if specialist else [],
        "articles": _articles(specialist) if specialist else [],
    }


def _answers(specialist: Specialist) -> list[dict[str, Any]]:
    return [
        {
            "question": reverse("content:question", kwargs={"pk": answer.question_id}),
            "text": answer.body,
            "status": answer.status,
            "written_at": answer.created_at,
            "changed_at": answer.updated_at,
        }
        for answer in Answer.objects.filter(specialist=specialist)
    ]


def _articles(specialist: Specialist) -> list[dict[str, Any]]:
    return [
        {
            "title": article.title,
            "address": article.slug,
            "summary": article.summary,
            "text": article.body,
            "topics": sorted(topic.name for topic in article.topics.all()),
            "references": [reference.text for reference in article.references.all()],
            "status": article.status,
            "published_at": article.published_at,
            "created_at": article.created_at,
            "changed_at": article.updated_at,
        }
        for article in Article.objects.filter(author=specialist)
        .prefetch_related("topics", "references")
        .order_by("created_at", "pk")
    ]
