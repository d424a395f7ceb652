"""Demo content: the four seed articles and a few questions with answers (idempotent)."""

from pathlib import Path

from django.db import transaction

from config.celery import enqueue_on_commit
from content import articles, importing, linking
from content.models import Answer, Question
from directory import markdown
from directory.models import Specialist, Specialty, User

SEEDS = Path(__file__).resolve().parent / "seeds"

QUESTIONS = [
    (
        "relationship-issues",
        "How do I know if couples therapy is right for us?",
        "We keep having the same arguments and both feel unheard. Is it worth trying therapy "
        "together, or should one of us start alone?",
        "Couples therapy often helps most when the same conflict keeps returning: a neutral "
        "person slows the conversation down so that each of you can be heard. If one partner "
        "is not ready, starting on your own is still useful. A free first consultation is a "
        "low-pressure way to see how it feels.",
    ),
    (
        "anxiety",
        "What can I do when anxiety keeps me awake at night?",
        "My mind races as soon as I lie down.",
        "Try giving worries a set time earlier in the evening: write them down with one next "
        "step each. At night, slow breathing (a longer out-breath than in-breath) tells the "
        "body it is safe. If this goes on for weeks, talking it through with a specialist helps.",
    ),
    (
        "grief",
        "Is it normal to still grieve a year later?",
        "",
        "Yes. Grief does not follow a timetable, and the first anniversary often brings it back "
        "strongly. What matters is whether you have room for it and support around you.",
    ),
]


@transaction.atomic
def seed_questions() -> int:
    asker = User.objects.filter(email="client@example.com").first()
    answerer = Specialist.objects.filter(slug="leanne-sawchuk").first()
    if asker is None or answerer is None:
        return 0
    created = 0
    for topic_slug, title, details, answer in QUESTIONS:
        question, new = Question.objects.get_or_create(
            asker=asker,
            title=title,
            defaults={
                "details": details,
                "topic": Specialty.objects.filter(slug=topic_slug).first(),
            },
        )
        created += new
        Answer.objects.get_or_create(
            question=question,
            specialist=answerer,
            defaults={"body": answer, "body_html": markdown.render(answer)},
        )
    return created


# Up to this many profiles the demo computes relevant articles at once; beyond, the worker does.
SYNCHRONOUS_LINKING_LIMIT = 5000


def seed(*, specialists: int, stdout) -> None:  # type: ignore[no-untyped-def]
    results = [importing.import_file(path) for path in sorted(SEEDS.glob("*.txt"))]
    for result in results:
        if result.created:  # as staff would: the topics read from the seeds are right
            articles.confirm_suggested_topics(article=result.article)
    questions = seed_questions()
    if Specialist.objects.listed().count() <= SYNCHRONOUS_LINKING_LIMIT:
        links = f"{linking.recompute_all()} relevant-article links"
    else:
        enqueue_on_commit("content.recompute_all_links")
        links = "relevant-article links queued for the Celery worker"
    stdout.write(
        f"Content: {len(results)} seed articles ({sum(r.created for r in results)} new), "
        f"{questions} new questions, {links}."
    )
