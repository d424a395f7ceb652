"""One article published, changed or removed: update only the profiles it touches.

The result equals a full recompute (content.linking.recompute_all), because a score depends
only on the article and the profile: a new article enters a profile's list exactly when it
beats the weakest of fewer than LINKS_PER_PROFILE links, or there is room. A profile whose
link to the article changed or went away is recomputed in full, so that the next article
can take the place.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef

from content import link_writes, linking
from content.models import Article, ArticleLink, HiddenArticleLink
from content.ranking import LINKS_PER_PROFILE, Candidate, Match, Profile, match
from directory.models import Specialist


def _matches(article: Candidate) -> dict[int, Match]:
    """Every listed profile that shares an evidenced specialty with the article, scored:
    one query over the rows of the article's own specialties (a profile's other specialties
    cannot change its score for this article)."""
    shared: dict[int, set[str]] = {}
    for sid, slug in (
        Specialist.specialties.through.objects.filter(
            specialty__slug__in=list(article.topics),
            specialist_id__in=Specialist.objects.listed().values("pk"),
        )
        .exclude(specialist_id=article.author_id or 0)
        .exclude(
            Exists(
                HiddenArticleLink.objects.filter(
                    article_id=article.pk, specialist_id=OuterRef("specialist_id")
                )
            )
        )
        .values_list("specialist_id", "specialty__slug")
    ):
        shared.setdefault(sid, set()).add(slug)
    # Profiles with the same shared specialties get the same match: computed once each.
    by_shared: dict[frozenset[str], Match | None] = {}
    found: dict[int, Match] = {}
    for sid, slugs in shared.items():
        key = frozenset(slugs)
        if key not in by_shared:
            by_shared[key] = match(article, Profile(key))
        if (result := by_shared[key]) is not None:
            found[sid] = result
    return found


def _weakest(newcomers: set[int]) -> dict[int, tuple[int, tuple[float, int]]]:
    """For each newcomer whose list is full: its weakest link (pk, sort key)."""
    others: dict[int, list[tuple[tuple[float, int], int]]] = {}
    # By primary keys, not a join: a plan that never depends on the links' statistics.
    for chunk in linking.chunks(sorted(newcomers), 5000):
        for link_pk, sid, other_id, score in ArticleLink.objects.filter(
            specialist_id__in=chunk
        ).values_list("pk", "specialist_id", "article_id", "score"):
            others.setdefault(sid, []).append(((-score, -other_id), link_pk))
    weakest = {}
    for sid, links in others.items():
        if len(links) >= LINKS_PER_PROFILE:
            key, link_pk = max(links)
            weakest[sid] = (link_pk, key)
    return weakest


def update_for_article(*, article_id: int) -> int:
    """Bring every affected profile up to date after one article was published, changed or
    removed. Returns the number of profiles whose links changed.

    Only this article and the profiles sharing its topics are read; profiles to refill read
    the articles about their specialties (every article, when they are many).
    """
    row = (
        Article.objects.published()
        .filter(pk=article_id)
        .values_list("pk", "author_id", "evidence")
        .first()
    )
    linked = {
        sid: (score, topics, words)
        for sid, score, topics, words in ArticleLink.objects.filter(
            article_id=article_id
        ).values_list("specialist_id", "score", "topics", "words")
    }
    if row is None:
        ArticleLink.objects.filter(article_id=article_id).delete()
        linking.recompute_profiles(specialist_ids=sorted(linked))
        return len(linked)

    pk, author_id, evidence = row
    article = Candidate.from_evidence(pk=pk, author_id=author_id, evidence=evidence or {})
    found = _matches(article)
    # A profile whose link to the article changed or went away: recomputed in full.
    refill = sorted(
        sid
        for sid, (score, topics, words) in linked.items()
        if sid not in found
        or (found[sid].score, list(found[sid].topics), list(found[sid].words))
        != (score, topics, words)
    )
    newcomers = found.keys() - linked.keys()
    weakest = _weakest(newcomers)
    new_links: list[link_writes.Row] = []
    displaced: list[int] = []
    for sid in sorted(newcomers):
        if sid in weakest:
            # The list is full: the article enters only by beating its weakest link.
            link_pk, key = weakest[sid]
            if found[sid].key(article_id) >= key:
                continue
            displaced.append(link_pk)
        new_links += linking.rows_for(sid, [(article_id, found[sid])])
    with transaction.atomic():
        for chunk in linking.chunks(displaced, 1000):
            ArticleLink.objects.filter(pk__in=chunk).delete()
        if new_links:
            link_writes.add(new_links)
    if refill:
        linking.recompute_profiles(specialist_ids=refill)
    return len(new_links) + len(refill)
