"""Relevant articles on every profile: the database side of content.ranking.

Links are rows (`ArticleLink`), at most ranking.LINKS_PER_PROFILE per profile, rebuilt in
bounded batches: in full at night, for edited profiles every five minutes, and for the
profiles one article touches when it is published, changed or removed (content.relinking).
A specialist can hide a link; the jobs never bring it back.
"""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from config.celery import enqueue_on_commit
from content import link_writes
from content.models import Article, ArticleLink, HiddenArticleLink, ProfileLinkState
from content.ranking import ArticleIndex, Candidate, Match, Profile
from directory.models import Specialist, Specialty

BATCH_SIZE = 2000


def build_index(*, about: Collection[str] | None = None) -> ArticleIndex:
    """Every published article, or only those about one of the specialties `about` (all a
    few profiles can be shown)."""
    rows = Article.objects.published()
    if about is not None:
        rows = rows.filter(evidence__topics__has_any_keys=sorted(about))
    return ArticleIndex(
        [
            Candidate.from_evidence(pk=pk, author_id=author_id, evidence=evidence or {})
            for pk, author_id, evidence in rows.values_list("pk", "author_id", "evidence")
        ]
    )


def chunks(items: Sequence[int], size: int = BATCH_SIZE) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def among(ids: Sequence[int], field: str = "specialist_id") -> Q:
    """A filter for these sorted profile ids, by key so that no plan depends on statistics
    of tables a run is refilling: a range when they are dense, as in a full recompute (two
    parameters instead of thousands to bind), else the list. A range may let through
    profiles outside `ids`; callers look rows up by the profiles they asked for."""
    if len(ids) > 100 and ids[-1] - ids[0] < 2 * len(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


def profiles(specialist_ids: Sequence[int]) -> tuple[dict[int, Profile], set[int]]:
    """The listed ones among these profiles, and those of them edited since their links
    were computed (or never computed). Four queries for the whole batch."""
    specialty_slugs = dict(Specialty.objects.values_list("pk", "slug"))
    specialties: dict[int, set[str]] = {}
    for sid, tid in Specialist.specialties.through.objects.filter(
        among(specialist_ids)
    ).values_list("specialist_id", "specialty_id"):
        specialties.setdefault(sid, set()).add(specialty_slugs[tid])
    computed = dict(
        ProfileLinkState.objects.filter(among(specialist_ids)).values_list(
            "specialist_id", "computed_at"
        )
    )
    asked = set(specialist_ids)
    listed: dict[int, Profile] = {}
    stale: set[int] = set()
    for pk, updated_at in (
        Specialist.objects.listed()
        .filter(among(specialist_ids, "pk"))
        .values_list("pk", "updated_at")
    ):
        if pk not in asked:
            continue
        listed[pk] = Profile(frozenset(specialties.get(pk, ())))
        if pk not in computed or updated_at > computed[pk]:
            stale.add(pk)
    return listed, stale


def hidden_for(specialist_ids: Sequence[int]) -> dict[int, set[int]]:
    hidden: dict[int, set[int]] = {}
    for sid, apk in HiddenArticleLink.objects.filter(among(specialist_ids)).values_list(
        "specialist_id", "article_id"
    ):
        hidden.setdefault(sid, set()).add(apk)
    return hidden


def rows_for(specialist_id: int, top: list[tuple[int, Match]]) -> list[link_writes.Row]:
    return [(specialist_id, pk, m.score, m.topics, m.words) for pk, m in top]


def shown_now(specialist_ids: Sequence[int]) -> dict[int, set[link_writes.Row]]:
    """The links these profiles show now, comparable with rows_for (one query by key)."""
    shown: dict[int, set[link_writes.Row]] = {}
    for sid, aid, score, topics, words in ArticleLink.objects.filter(
        among(specialist_ids)
    ).values_list("specialist_id", "article_id", "score", "topics", "words"):
        shown.setdefault(sid, set()).add((sid, aid, score, tuple(topics), tuple(words)))
    return shown


def recompute_profiles(*, specialist_ids: Sequence[int], index: ArticleIndex | None = None) -> int:
    """Bring these profiles' links up to date (unlisted ones lose theirs).

    Only profiles whose lists differ are written, each batch as one diff
    (content.link_writes): a nightly run over unchanged profiles reads and compares.
    Returns the number of links the profiles show now.
    """
    shown = 0
    ids = sorted(set(specialist_ids))
    for chunk in chunks(ids):
        listed, stale = profiles(chunk)
        hidden = hidden_for(chunk)
        if index is None:
            # One batch (an edited profile, a refill): only articles about its specialties.
            few = len(ids) <= BATCH_SIZE
            index = build_index(
                about={s for p in listed.values() for s in p.specialties} if few else None
            )
        wanted = {
            pk: set(rows_for(pk, index.top_for(p, specialist_id=pk, hidden=hidden.get(pk, ()))))
            for pk, p in listed.items()
        }
        shown += sum(map(len, wanted.values()))
        now_shown = shown_now(chunk)
        changed = [pk for pk in chunk if wanted.get(pk, set()) != now_shown.get(pk, set())]
        with transaction.atomic():
            if changed:
                rows = [row for pk in changed for row in sorted(wanted.get(pk, ()))]
                link_writes.replace(specialist_ids=changed, rows=rows)
            now = timezone.now()
            ProfileLinkState.objects.bulk_create(
                [ProfileLinkState(specialist_id=pk, computed_at=now) for pk in sorted(stale)],
                update_conflicts=True,
                unique_fields=["specialist"],
                update_fields=["computed_at"],
                batch_size=1000,
            )
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
    enqueue_on_commit("content.recompute_profiles", [specialist.pk])
    return True
