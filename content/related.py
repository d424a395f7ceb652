"""What an article's page offers next: more articles on its topics and, when its author
offers no free consultation, specialists on those topics who do."""

from collections.abc import Sequence

from content.models import Article
from directory.cards import card_rows
from directory.models import Specialist, Specialty

SHOWN = 3


def shown_author(article: Article) -> Specialist | None:
    """The author, while their profile is public; an unlisted author is not shown."""
    author = article.author
    return author if author and author.is_listed else None


def articles_on(topics: Sequence[Specialty], *, article: Article) -> list[Article]:
    """Up to three other published articles sharing a topic with `article`."""
    return list(
        Article.objects.published()
        .filter(topics__in=topics)
        .exclude(pk=article.pk)
        .distinct()
        .select_related("author")[:SHOWN]
    )


def specialists_on(topics: Sequence[Specialty], *, author: Specialist | None) -> list[Specialist]:
    """Up to three other specialists on these topics offering free consultations, read as
    cards with their specialties; none when the shown author offers one themselves."""
    if author is not None and author.offers_free_consultation:
        return []
    on_topics = (
        Specialist.objects.offering_free_consultations()
        .filter(specialties__in=topics)
        .exclude(pk=author.pk if author else 0)
        .distinct()
        .order_by("-next_free_slot_at", "name")
    )
    return list(card_rows(on_topics)[:SHOWN])
