"""Relevant-article linking at scale: 50,000 profiles x 5,000 articles.

python -m bench content      (its quality on the labelled set: python -m bench articles)
BENCH_CONTENT_PROFILES=5000 BENCH_CONTENT_ARTICLES=500 python -m bench content   (smaller)
"""

import io
import os
import random
import resource
import time

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench.harness import Context, Figure
from content import articles, evidence, linking, relinking
from content.models import Article, ArticleLink, ProfileLinkState
from directory import taxonomy
from directory.models import Specialist, Specialty

PROFILES = int(os.environ.get("BENCH_CONTENT_PROFILES", "50000"))
ARTICLES = int(os.environ.get("BENCH_CONTENT_ARTICLES", "5000"))
FILLER_TEXT = (
    "Many people notice this slowly. Small changes in daily routines, sleep and the way we "
    "talk to ourselves matter. Therapy offers a space to understand patterns and try new "
    "responses, at a pace that feels manageable. Support from others makes change last."
)
FILLER = FILLER_TEXT.split()
TERMS = {c.slug: c.terms for c in taxonomy.SPECIALTY_CONCEPTS}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _create_articles(total: int) -> None:
    existing = Article.objects.count()
    missing = total - existing
    if missing <= 0:
        return
    rng = random.Random(5000)
    specialties = list(Specialty.objects.all())
    now = timezone.now()
    rows, picks = [], []
    for i in range(missing):
        topics = rng.sample(specialties, rng.randint(1, 2))
        words = [w for t in topics for w in TERMS.get(t.slug, ())]
        # Some articles say it more often than others, so that strengths differ as in life.
        density = rng.uniform(0.02, 0.1)
        body_words = [
            rng.choice(words) if rng.random() < density else rng.choice(FILLER) for _ in range(350)
        ]
        title = f"{topics[0].name}: notes {existing + i}"
        body = " ".join(body_words)
        summary = f"About {', '.join(t.name.lower() for t in topics)}."
        rows.append(
            Article(
                slug=f"bench-{existing + i}",
                title=title,
                summary=summary,
                body=body,
                body_html=f"<p>{body}</p>",
                word_count=len(body_words),
                evidence=evidence.article_evidence(
                    title=title, summary=summary, body=body, chosen=[t.slug for t in topics]
                ),
                author_name="Bench Author",
                status=Article.Status.PUBLISHED,
                published_at=now,
            )
        )
        picks.append(topics)
    with transaction.atomic():
        created = Article.objects.bulk_create(rows, batch_size=1000)
        Article.topics.through.objects.bulk_create(
            (
                Article.topics.through(article_id=a.pk, specialty_id=t.pk)
                for a, topics in zip(created, picks, strict=True)
                for t in topics
            ),
            batch_size=5000,
        )


def _analyze() -> None:
    """Refresh PostgreSQL's planner statistics after bulk writes, as autovacuum would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _links_of(specialist_ids: list[int]) -> list[tuple]:
    return list(
        ArticleLink.objects.filter(specialist_id__in=specialist_ids)
        .order_by("specialist_id", "article_id")
        .values_list("specialist_id", "article_id", "score", "topics", "words")
    )


def _same_as_recompute(article: Article) -> bool:
    """The incremental update's lists equal a full recompute, on a sample of the profiles
    that share a topic with the article (those showing it and those it did not enter)."""
    sample = list(
        Specialist.objects.listed()
        .filter(specialties__in=article.topics.all())
        .distinct()
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    before = _links_of(sample)
    linking.recompute_profiles(specialist_ids=sample)
    return _links_of(sample) == before


def run(ctx: Context) -> None:
    started = time.perf_counter()
    if Specialist.objects.listed().count() < PROFILES:
        call_command("seed_demo", specialists=PROFILES, stdout=io.StringIO())
    _create_articles(ARTICLES)
    setup = time.perf_counter() - started
    profiles = Specialist.objects.listed().count()
    published = Article.objects.published().count()

    # First from nothing (every link and profile state written), then as the nightly run
    # finds it: links already current, so it reads and compares.
    ArticleLink.objects.all().delete()
    ProfileLinkState.objects.all().delete()
    for label in ("first, writes every link", "nightly, links already current"):
        _analyze()  # after the first run's writes too, as autovacuum would
        rss_before = _peak_rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        shown = linking.recompute_all()
        full, full_cpu = time.perf_counter() - started, time.process_time() - cpu
        rss_after = _peak_rss_mb()
        ctx.add(
            Figure(
                name=f"linking: full recompute, {label} ({profiles} x {published})",
                value=round(full, 2),
                unit="s",
                ratio_to_trivial_view=ctx.ratio(full * 1000),
                extra={
                    "target": "under 60 s",
                    "CPU time of this process (s)": round(full_cpu, 2),
                    "load average (1 min) on this shared machine": os.getloadavg()[0],
                    "links shown": shown,
                    "peak RSS of the process (MB)": round(rss_after, 1),
                    "peak RSS growth during recompute (MB)": round(
                        max(0.0, rss_after - rss_before), 1
                    ),
                    "memory": f"bounded: batches of {linking.BATCH_SIZE} profiles via .iterator()",
                    "setup (seed + articles) s": round(setup, 1),
                },
            )
        )

    _analyze()
    author = Specialist.objects.listed().order_by("pk").first()
    # Shaped like the corpus but on two related topics, so that it enters the top three of
    # thousands of profiles and the update does real writes (new links, displaced ones).
    rng = random.Random(1)
    words = TERMS["couples"] + TERMS["relationship-issues"]
    body = " ".join(
        rng.choice(words) if rng.random() < 0.6 else rng.choice(FILLER) for _ in range(350)
    )
    text = articles.ArticleText(
        title="Couples: notes",
        summary="About couples and relationship issues.",
        body=body,
        references=[],
        topics=list(Specialty.objects.filter(slug__in=["couples", "relationship-issues"])),
    )
    article = articles.create_article(author=author, text=text, publish=True)
    started, cpu = time.perf_counter(), time.process_time()
    changed = relinking.update_for_article(article_id=article.pk)
    one, one_cpu = time.perf_counter() - started, time.process_time() - cpu
    ctx.add(
        Figure(
            name="linking: one new article updates affected profiles",
            value=round(one, 3),
            unit="s",
            ratio_to_trivial_view=ctx.ratio(one * 1000),
            extra={
                "target": "under 1 s",
                "CPU time of this process (s)": round(one_cpu, 3),
                "load average (1 min) on this shared machine": os.getloadavg()[0],
                "profiles updated": changed,
                "profiles now showing it": ArticleLink.objects.filter(article=article).count(),
                "same lists as a recompute of 500 profiles it could reach": _same_as_recompute(
                    article
                ),
            },
        )
    )
    articles.delete_article(article=article)
    relinking.update_for_article(article_id=article.pk)

    # A profile edited: its specialties change and the sweep recomputes it alone.
    edited = Specialist.objects.listed().order_by("-pk").first()
    assert edited is not None
    edited.specialties.set(Specialty.objects.filter(slug__in=["grief", "sleep-and-insomnia"]))
    edited.save(update_fields=["updated_at"])
    started, cpu = time.perf_counter(), time.process_time()
    recomputed = linking.recompute_changed_profiles()
    one_profile = time.perf_counter() - started
    ctx.add(
        Figure(
            name="linking: one edited profile recomputed by the sweep",
            value=round(one_profile, 3),
            unit="s",
            ratio_to_trivial_view=ctx.ratio(one_profile * 1000),
            extra={
                "target": "under 1 s",
                "CPU time of this process (s)": round(time.process_time() - cpu, 3),
                "profiles recomputed": recomputed,
                "links it shows": ArticleLink.objects.filter(specialist=edited).count(),
            },
        )
    )
