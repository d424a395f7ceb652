"""One article published, changed or removed: update only the profiles it touches.

The result equals a full recompute (content.linking.recompute_all), because a score depends
only on the article and the profile: a new article enters a profile's list exactly when it
beats the weakest of fewer than LINKS_PER_PROFILE links, or there is room. A profile whose
link to the article changed or went away is recomputed in full, so that the next article
can take the place.
"""

from django.db import transaction

from content import linking
from content.models import Article, ArticleLink, HiddenArticleLink
from content.ranking import LINKS_PER_PROFILE, Candidate, Match, Profile, match
from directory.models import Specialist, Specialty

READ_CHUNK = 5000


def _matches(article: Candidate) -> dict[int, Match]:
    """Every listed profile that shares an evidenced specialty with the article, scored.

    Only the rows of the article's own specialties are read: a profile's other specialties
    cannot change its score for this article.
    """
    specialty_slugs = dict(
        Specialty.objects.filter(slug__in=list(article.topics)).values_list("pk", "slug")
    )
    shared: dict[int, set[str]] = {}
    for sid, tid in Specialist.specialties.through.objects.filter(
        specialty_id__in=list(specialty_slugs)
    ).values_list("specialist_id", "specialty_id"):
        shared.setdefault(sid, set()).add(specialty_slugs[tid])
    shared.pop(article.author_id or 0, None)
    for sid in HiddenArticleLink.objects.filter(article_id=article.pk).values_list(
        "specialist_id", flat=True
    ):
        shared.pop(sid, None)
    listed: set[int] = set()
    for chunk in linking.chunks(sorted(shared), READ_CHUNK):
        listed.update(Specialist.objects.listed().filter(pk__in=chunk).values_list("pk", flat=True))
    found: dict[int, Match] = {}
    for sid in listed:
        if (result := match(article, Profile(frozenset(shared[sid])))) is not None:
            found[sid] = result
    return found


def update_for_article(*, article_id: int) -> int:
    """Bring every affected profile up to date after one article was published, changed or
    removed. Returns the number of profiles whose links changed.

    Only this article is read; the whole index is built only to refill profiles.
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
    found = _matches(Candidate.from_evidence(pk=pk, author_id=author_id, evidence=evidence or {}))
    # A profile whose link to the article changed or went away: recomputed in full.
    refill = sorted(
        sid
        for sid, (score, topics, words) in linked.items()
        if sid not in found
        or (found[sid].score, list(found[sid].topics), list(found[sid].words))
        != (score, topics, words)
    )
    newcomers = sorted(found.keys() - linked.keys())
    # For each newcomer, its other links: the weakest is displaced when the list is full.
    others: dict[int, list[tuple[tuple[float, int], int]]] = {}
    for chunk in linking.chunks(newcomers, READ_CHUNK):
        for link_pk, sid, other_id, score in ArticleLink.objects.filter(
            specialist_id__in=chunk
        ).values_list("pk", "specialist_id", "article_id", "score"):
            others.setdefault(sid, []).append(((-score, -other_id), link_pk))
    new_links: list[ArticleLink] = []
    displaced: list[int] = []
    for sid in newcomers:
        mine = found[sid].key(article_id)
        current = others.get(sid, [])
        new = linking.link(specialist_id=sid, article_id=article_id, found=found[sid])
        if len(current) < LINKS_PER_PROFILE:
            new_links.append(new)
            continue
        weakest_key, weakest_pk = max(current)
        if mine < weakest_key:
            new_links.append(new)
            displaced.append(weakest_pk)
    with transaction.atomic():
        for chunk in linking.chunks(displaced, 500):
            ArticleLink.objects.filter(pk__in=chunk).delete()
        ArticleLink.objects.bulk_create(new_links, batch_size=1000)
    if refill:
        linking.recompute_profiles(specialist_ids=refill)
    return len(new_links) + len(refill)
