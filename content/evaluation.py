"""The labelled evaluation set for relevant articles (content/evaluation/), measured end to end.

The texts are published through the importer and the article functions, linked by what the
product's Celery tasks run, one article at a time, then by the nightly full recompute; the
two lists must agree. Everything happens in one transaction that is rolled back, so the
measurement can run on any database (`python -m bench content` does, beside 50,000 profiles,
after hiding them inside that transaction).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from content import importing, linking, relinking
from content.models import Article, ArticleLink
from content.ranking import LINKS_PER_PROFILE
from directory.models import Approach, Specialist, Specialty

FOLDER = Path(__file__).resolve().parent / "evaluation"
SEEDS = Path(__file__).resolve().parent / "seeds"


@dataclass(frozen=True)
class LabelledText:
    key: str
    topics: frozenset[str]
    text: str


@dataclass(frozen=True)
class LabelledProfile:
    specialties: tuple[str, ...]
    approaches: tuple[str, ...]


def load() -> tuple[list[LabelledText], list[LabelledProfile]]:
    """The labelled articles (articles.txt and the seeds) and the profiles (profiles.json)."""
    data = json.loads((FOLDER / "profiles.json").read_text(encoding="utf-8"))
    texts = []
    for block in (FOLDER / "articles.txt").read_text(encoding="utf-8").split("\n=== ")[1:]:
        head, text = block.split("\n---\n", 1)
        lines = head.splitlines()
        fields = dict(line.split(":", 1) for line in lines[1:])
        topics = frozenset(t.strip() for t in fields["topics"].split(",") if t.strip())
        texts.append(LabelledText(lines[0].strip(), topics, text))
    for path in sorted(SEEDS.glob("*.txt")):
        key = path.name[:3]
        topics = frozenset(data["seed_topics"][key])
        texts.append(LabelledText(key, topics, path.read_text(encoding="utf-8")))
    profiles = [
        LabelledProfile(tuple(p["specialties"]), tuple(p["approaches"])) for p in data["profiles"]
    ]
    return texts, profiles


@dataclass(frozen=True)
class Report:
    articles: int
    profiles: int
    precision_at_3: float
    # Profiles that show at least one article none of whose topics is theirs.
    off_topic_profiles: int
    # Profiles that show nothing although a relevant article exists.
    empty_but_relevant: int
    incremental_equals_full: bool

    @property
    def clean_share(self) -> float:
        return 1 - self.off_topic_profiles / self.profiles


def score(*, shown: dict[int, list[str]], relevant: dict[int, set[str]]) -> tuple[float, int, int]:
    """precision@3, profiles with an off-topic article, and empty profiles that had a match.

    A profile's precision is its relevant shown articles over max(shown, min(3, relevant));
    a profile with nothing relevant that shows nothing scores 1.
    """
    precisions, off_topic, empty = [], 0, 0
    for pk, wanted in relevant.items():
        seen = shown.get(pk, [])
        hits = sum(1 for key in seen if key in wanted)
        expected = max(len(seen), min(LINKS_PER_PROFILE, len(wanted)))
        precisions.append(hits / expected if expected else 1.0)
        off_topic += hits < len(seen)
        empty += not seen and bool(wanted)
    return sum(precisions) / len(precisions), off_topic, empty


def _snapshot(keys: dict[int, str], profile_ids: list[int]) -> dict[int, list[str]]:
    shown: dict[int, list[str]] = {pk: [] for pk in profile_ids}
    for sid, apk in (
        ArticleLink.objects.filter(specialist_id__in=profile_ids)
        .order_by("specialist_id", "-score", "-article_id")
        .values_list("specialist_id", "article_id")
    ):
        shown[sid].append(keys[apk])
    return shown


def _profile(n: int, labelled: LabelledProfile) -> Specialist:
    owner = get_user_model().objects.create_user(
        email=f"evaluation-{n}@example.invalid", password=None
    )
    specialist = Specialist.objects.create(
        owner=owner,
        name=f"Evaluation Profile {n}",
        slug=f"evaluation-profile-{n}",
        status=Specialist.Status.PUBLISHED,
        published_at=timezone.now(),
        time_zone="UTC",
    )
    specialist.specialties.set(Specialty.objects.filter(slug__in=labelled.specialties))
    specialist.approaches.set(Approach.objects.filter(slug__in=labelled.approaches))
    return specialist


def run(*, hide_everything_else: bool = False) -> Report:
    """Publish the set, link it article by article with the Celery task, then in full.

    Nothing is kept: the transaction is rolled back. `hide_everything_else` unpublishes every
    other article and profile inside it first (for a database that holds other data).
    """
    texts, labelled_profiles = load()
    with transaction.atomic():
        if hide_everything_else:
            Article.objects.update(status=Article.Status.DRAFT, published_at=None, import_key="")
            Specialist.objects.update(status=Specialist.Status.DRAFT)
            ArticleLink.objects.all().delete()
        profiles = [_profile(n, p) for n, p in enumerate(labelled_profiles)]
        keys: dict[int, str] = {}
        topics: dict[str, frozenset[str]] = {}
        for labelled in texts:
            article = importing.import_text(text=labelled.text).article
            keys[article.pk] = labelled.key
            topics[labelled.key] = labelled.topics
            relinking.update_for_article(article_id=article.pk)
        ids = [p.pk for p in profiles]
        incremental = _snapshot(keys, ids)
        linking.recompute_all()
        full = _snapshot(keys, ids)
        relevant = {
            p.pk: {key for key, labels in topics.items() if labels & set(lp.specialties)}
            for p, lp in zip(profiles, labelled_profiles, strict=True)
        }
        precision, off_topic, empty = score(shown=full, relevant=relevant)
        transaction.set_rollback(True)
    return Report(
        articles=len(texts),
        profiles=len(profiles),
        precision_at_3=round(precision, 3),
        off_topic_profiles=off_topic,
        empty_but_relevant=empty,
        incremental_equals_full=incremental == full,
    )
