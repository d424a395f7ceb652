"""Relevant articles on the labelled set (content/evaluation/): precision@3 and off-topic
profiles, published and linked through the product's own functions and Celery tasks.

python -m bench articles
"""

import time

from bench.harness import Context, Figure
from content import evaluation


def run(ctx: Context) -> None:
    started = time.perf_counter()
    report = evaluation.run(hide_everything_else=True)
    extra = {
        "articles": report.articles,
        "profiles": report.profiles,
        "incremental lists equal a full recompute": report.incremental_equals_full,
        "seconds to publish and link the set": round(time.perf_counter() - started, 1),
    }
    ctx.add(
        Figure(
            name="relevant articles: precision@3 on the labelled set",
            value=report.precision_at_3,
            unit="ratio",
            extra={"target": "at least 0.97", **extra},
        )
    )
    ctx.add(
        Figure(
            name="relevant articles: profiles showing an off-topic article",
            value=report.off_topic_profiles,
            unit="profiles",
            extra={
                "target": "at most 5% of profiles",
                "share of profiles with none": round(report.clean_share, 3),
                "profiles showing nothing although a relevant article exists": (
                    report.empty_but_relevant
                ),
            },
        )
    )
