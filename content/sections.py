"""What content adds to the public profile page: the specialist's articles, the relevant
articles by others and the specialist's public answers, read in one query and drawn once per
what they show (`directory.sections.drawn`)."""

from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from content.models import Answer, Article, ArticleLink, Question
from directory.models import Specialist
from directory.sections import Section, drawn

SHOWN = 5
ARTICLES = "content/_profile_articles.html"
ANSWERS = "content/_profile_answers.html"
TEMPLATES = (ARTICLES, "content/_article_card.html", ANSWERS)

OWN, RELEVANT, ANSWERED = 1, 2, 3

# Every profile view runs this, so it is written out: the ORM took longer to build the three
# queries than the database to answer them. Each part keeps its own order and limit; the
# position says where a row stands in its part. An answer's slug is its question's id and
# its byline the moment it was written, as text (read by datetime.fromisoformat).
_SQL = f"""
SELECT * FROM (
  SELECT {OWN} AS part, a.slug, a.title, a.summary, a.word_count, '' AS byline,
    ROW_NUMBER() OVER (ORDER BY a.published_at DESC, a.id DESC) AS position
  FROM {Article._meta.db_table} a
  WHERE a.author_id = %(specialist)s AND a.status = %(article)s
  ORDER BY a.published_at DESC, a.id DESC LIMIT %(shown)s
) own
UNION ALL
SELECT * FROM (
  SELECT {RELEVANT}, a.slug, a.title, a.summary, a.word_count,
    COALESCE(author.name, a.author_name), ROW_NUMBER() OVER (ORDER BY link.score DESC)
  FROM {ArticleLink._meta.db_table} link
  JOIN {Article._meta.db_table} a ON a.id = link.article_id
  LEFT JOIN {Specialist._meta.db_table} author ON author.id = a.author_id
  WHERE link.specialist_id = %(specialist)s AND a.status = %(article)s
  ORDER BY link.score DESC LIMIT %(shown)s
) relevant
UNION ALL
SELECT * FROM (
  SELECT {ANSWERED}, CAST(q.id AS text), q.title, '', 0, CAST(answer.created_at AS text),
    ROW_NUMBER() OVER (ORDER BY answer.created_at, answer.id)
  FROM {Answer._meta.db_table} answer
  JOIN {Question._meta.db_table} q ON q.id = answer.question_id
  JOIN {Specialist._meta.db_table} s ON s.id = answer.specialist_id
  WHERE answer.specialist_id = %(specialist)s AND answer.status = %(answer)s
    AND q.status = %(question)s AND s.status = %(profile)s
  ORDER BY answer.created_at, answer.id LIMIT %(shown)s
) answered
ORDER BY part, position
"""  # noqa: S608 (table names and constants only; every value is a parameter)


class Row(NamedTuple):
    part: int
    slug: str
    title: str
    summary: str
    word_count: int
    byline: str
    position: int


def rows_for(*, specialist_id: int) -> list[Row]:
    """What the content sections of a profile show, in order: one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {
                "specialist": specialist_id,
                "article": Article.Status.PUBLISHED.value,
                "answer": Answer.Status.PUBLISHED.value,
                "question": Question.Status.PUBLISHED.value,
                "profile": Specialist.Status.PUBLISHED.value,
                "shown": SHOWN,
            },
        )
        return [Row(*row) for row in cursor.fetchall()]


def profile_content(specialist: Specialist, request: HttpRequest) -> Section | None:
    rows = rows_for(specialist_id=specialist.pk)
    if not rows:
        return None
    html = drawn(
        templates=TEMPLATES,
        shown=(specialist.name, rows),
        draw=lambda: _draw(specialist=specialist, rows=rows),
    )
    html = mark_safe(html)  # noqa: S308 - our own templates' output
    return Section(template="", order=40, html=html)


def _draw(*, specialist: Specialist, rows: list[Row]) -> str:
    own = [_article(row) for row in rows if row.part == OWN]
    relevant = [_article(row) for row in rows if row.part == RELEVANT]
    answers = [_answer(row) for row in rows if row.part == ANSWERED]
    parts = []
    if own:
        parts.append(
            render_to_string(
                ARTICLES,
                {
                    "section": {
                        "heading": _("Articles by %(name)s") % {"name": specialist.name},
                        "articles": own,
                        "show_author": False,
                    }
                },
            )
        )
    if relevant:
        parts.append(
            render_to_string(
                ARTICLES,
                {
                    "section": {
                        "heading": _("Relevant articles"),
                        "articles": relevant,
                        "show_author": True,
                    }
                },
            )
        )
    if answers:
        parts.append(
            render_to_string(
                ANSWERS,
                {
                    "section": {
                        "heading": _("Answers by %(name)s") % {"name": specialist.name},
                        "answers": answers,
                    }
                },
            )
        )
    return "\n".join(parts)


def _article(row: Row) -> Article:
    """An article as its card shows it (byline, reading time, address), never saved."""
    return Article(
        slug=row.slug,
        title=row.title,
        summary=row.summary,
        word_count=row.word_count,
        author_name=row.byline,
    )


def _answer(row: Row) -> Answer:
    written = datetime.fromisoformat(row.byline)
    if written.tzinfo is None:  # SQLite's text is naive UTC
        written = written.replace(tzinfo=UTC)
    return Answer(created_at=written, question=Question(pk=int(row.slug), title=row.title))


PROVIDERS = [profile_content]
