"""What content adds to the public profile page: one query per section."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from content.models import CARD_FIELDS, Answer, Article, ArticleLink
from directory.models import Specialist
from directory.sections import Section

SHOWN = 5


def articles_by(specialist: Specialist, request: HttpRequest) -> Section | None:
    articles = list(Article.objects.published().filter(author=specialist).for_cards()[:SHOWN])
    if not articles:
        return None
    return Section(
        template="content/_profile_articles.html",
        order=40,
        context={
            "heading": _("Articles by %(name)s") % {"name": specialist.name},
            "articles": articles,
            "show_author": False,
        },
    )


def relevant_articles(specialist: Specialist, request: HttpRequest) -> Section | None:
    links = list(
        ArticleLink.objects.filter(specialist=specialist, article__status=Article.Status.PUBLISHED)
        .select_related("article__author")
        .only("article", *(f"article__{name}" for name in CARD_FIELDS))[:SHOWN]
    )
    if not links:
        return None
    return Section(
        template="content/_profile_articles.html",
        order=45,
        context={
            "heading": _("Relevant articles"),
            "articles": [link.article for link in links],
            "show_author": True,
        },
    )


def answers_by(specialist: Specialist, request: HttpRequest) -> Section | None:
    answers = list(
        Answer.objects.public()
        .filter(specialist=specialist)
        .select_related("question")
        .only("created_at", "question__title")[:SHOWN]
    )
    if not answers:
        return None
    return Section(
        template="content/_profile_answers.html",
        order=50,
        context={
            "heading": _("Answers by %(name)s") % {"name": specialist.name},
            "answers": answers,
        },
    )


PROVIDERS = [articles_by, relevant_articles, answers_by]
