"""Relevant articles on every profile: the database side of content.ranking.

Links are rows (`ArticleLink`), at most ranking.LINKS_PER_PROFILE per profile, rebuilt in
bounded batches: in full at night, for edited profiles every five minutes, and for the
profiles one article touches when it is published, changed or removed (content.relinking).
A specialist can hide a link; the jobs never bring it back.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from content import tasks
from content.models import Article, ArticleLink, HiddenArticleLink, ProfileLinkState
from content.ranking import ArticleIndex, Candidate, Match, Profile
from directory.models import Specialist, Specialty

BATCH_SIZE = 2000


def build_index() -> ArticleIndex:
    rows = Article.objects.published().values_list("pk", "author_id", "evidence")
    return ArticleIndex(
        [
            Candidate.from_evidence(pk=pk, author_id=author_id, evidence=evidence or {})
            for pk, author_id, evidence in rows
        ]
    )


def chunks(items: Sequence[int], size: int = BATCH_SIZE) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def profiles(specialist_ids: Sequence[int]) -> dict[int, Profile]:
    """The listed ones among these profiles, three queries for the whole batch."""
    specialty_slugs = dict(Specialty.objects.values_list("pk", "slug"))
    specialties: dict[int, set[str]] = {}
    for sid, tid in Specialist.specialties.through.objects.filter(
        specialist_id__in=specialist_ids
    ).values_list("specialist_id", "specialty_id"):
        specialties.setdefault(sid, set()).add(specialty_slugs[tid])
    listed = Specialist.objects.listed().filter(pk__in=specialist_ids).values_list("pk", flat=True)
    return {pk: Profile(frozenset(specialties.get(pk, ()))) for pk in listed}


def hidden_for(specialist_ids: Sequence[int]) -> dict[int, set[int]]:
    hidden: dict[int, set[int]] = {}
    for sid, apk in HiddenArticleLink.objects.filter(specialist_id__in=specialist_ids).values_list(
        "specialist_id", "article_id"
    ):
        hidden.setdefault(sid, set()).add(apk)
    return hidden


def link(*, specialist_id: int, article_id: int, found: Match) -> ArticleLink:
    return ArticleLink(
        specialist_id=specialist_id,
        article_id=article_id,
        score=found.score,
        topics=list(found.topics),
        words=list(found.words),
    )


def _shown(link_row: tuple[int, float, list[str], list[str]]) -> tuple:
    article_id, score, topics, words = link_row
    return (article_id, score, tuple(topics), tuple(words))


@transaction.atomic
def _write(*, replace: Sequence[int], links: list[ArticleLink], computed: Sequence[int]) -> None:
    """Replace the links of some profiles and record when profiles were computed."""
    for chunk in chunks(replace, 1000):
        ArticleLink.objects.filter(specialist_id__in=chunk).delete()
    ArticleLink.objects.bulk_create(links, batch_size=1000)
    now = timezone.now()
    ProfileLinkState.objects.bulk_create(
        [ProfileLinkState(specialist_id=pk, computed_at=now) for pk in computed],
        update_conflicts=True,
        unique_fields=["specialist"],
        update_fields=["computed_at"],
        batch_size=1000,
    )


def recompute_profiles(*, specialist_ids: Sequence[int], index: ArticleIndex | None = None) -> int:
    """Bring these profiles' links up to date (unlisted ones lose theirs).

    Only what differs is written: a nightly run over unchanged profiles reads and compares.
    Returns the number of links the profiles show now.
    """
    index = index or build_index()
    shown = 0
    for chunk in chunks(list(specialist_ids)):
        listed = profiles(chunk)
        hidden = hidden_for(chunk)
        stale = set(
            Specialist.objects.filter(pk__in=chunk)
            .filter(Q(link_state__isnull=True) | Q(updated_at__gt=F("link_state__computed_at")))
            .values_list("pk", flat=True)
        )
        current: dict[int, set[tuple]] = {}
        for sid, *row in ArticleLink.objects.filter(specialist_id__in=chunk).values_list(
            "specialist_id", "article_id", "score", "topics", "words"
        ):
            current.setdefault(sid, set()).add(_shown((row[0], row[1], row[2], row[3])))
        replace: list[int] = []
        links: list[ArticleLink] = []
        for pk in chunk:
            profile = listed.get(pk)
            top = (
                index.top_for(profile, specialist_id=pk, hidden=hidden.get(pk, ()))
                if profile
                else []
            )
            shown += len(top)
            wanted = {_shown((apk, m.score, list(m.topics), list(m.words))) for apk, m in top}
            if wanted != current.get(pk, set()):
                replace.append(pk)
                links.extend(link(specialist_id=pk, article_id=apk, found=m) for apk, m in top)
        computed = [pk for pk in chunk if pk in listed and pk in stale]
        if replace or computed:
            _write(replace=replace, links=links, computed=computed)
    return shown


def _drop_unlisted() -> None:
    """Links of profiles that are no longer listed go. One DELETE with the profiles as a
    subquery: a join from the links would let stale planner statistics pick a nested loop."""
    unlisted = Specialist.objects.exclude(status=Specialist.Status.PUBLISHED).values("pk")
    ArticleLink.objects.filter(specialist_id__in=unlisted).delete()


def recompute_all() -> int:
    """Nightly: every listed profile against every published article, in bounded batches.

    Links of profiles that are no longer listed are removed too. Returns the links shown.
    """
    index = build_index()
    _drop_unlisted()
    shown = 0
    batch: list[int] = []
    for pk in (
        Specialist.objects.listed()
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=BATCH_SIZE)
    ):
        batch.append(pk)
        if len(batch) == BATCH_SIZE:
            shown += recompute_profiles(specialist_ids=batch, index=index)
            batch = []
    if batch:
        shown += recompute_profiles(specialist_ids=batch, index=index)
    return shown


def recompute_changed_profiles() -> int:
    """Profiles edited since their links were computed (or never computed). Returns how many."""
    stale = list(
        Specialist.objects.listed()
        .filter(Q(link_state__isnull=True) | Q(updated_at__gt=F("link_state__computed_at")))
        .values_list("pk", flat=True)[: BATCH_SIZE * 5]
    )
    _drop_unlisted()
    if stale:
        recompute_profiles(specialist_ids=stale)
    return len(stale)


@dataclass(frozen=True)
class ShownLink:
    article: Article
    topics: list[str]  # names of the shared specialties
    words: list[str]


def why_shown(*, specialist: Specialist) -> list[ShownLink]:
    """The profile's links with why each is shown, best first: two queries."""
    names = dict(Specialty.objects.values_list("slug", "name"))
    links = ArticleLink.objects.filter(
        specialist=specialist, article__status=Article.Status.PUBLISHED
    ).select_related("article")
    return [
        ShownLink(link.article, [names.get(s, s) for s in link.topics], list(link.words))
        for link in links.order_by("-score", "-article_id")
    ]


@transaction.atomic
def hide_link(*, specialist: Specialist, article_id: int) -> bool:
    """Stop showing an article on a profile, now and after every later recompute.

    False when the profile did not show it. Another article takes its place after the commit.
    """
    removed, _by_model = ArticleLink.objects.filter(
        specialist=specialist, article_id=article_id
    ).delete()
    if not removed:
        return False
    HiddenArticleLink.objects.get_or_create(specialist=specialist, article_id=article_id)
    tasks.recompute_profiles.delay_on_commit([specialist.pk])  # type: ignore[attr-defined]
    return True
