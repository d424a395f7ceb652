"""Public questions and specialists' answers."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from content import emails, screening
from content.models import Answer, Question
from directory import markdown
from directory.models import Specialist, Specialty, User
from outbox import sending

QUESTIONS_PER_DAY = 5


def _plain(text: str) -> str:
    """Text as stored: trimmed, without NUL characters (PostgreSQL refuses them)."""
    return text.replace("\x00", "").strip()


class QuestionError(Exception):
    """A question or answer rule was broken; the message is safe to show."""


@transaction.atomic
def ask_question(
    *, asker: User, title: str, details: str, topic: Specialty | None, show_name: bool = False
) -> Question:
    """Post a public question. Crisis language holds it for review (status HELD).

    Raises QuestionError when the asker has asked too many questions today.
    """
    since = timezone.now() - timedelta(days=1)
    if Question.objects.filter(asker=asker, created_at__gte=since).count() >= QUESTIONS_PER_DAY:
        raise QuestionError(
            _("You have asked %(count)d questions today. Please try again tomorrow.")
            % {"count": QUESTIONS_PER_DAY}
        )
    title, details = _plain(title), _plain(details)
    held = screening.needs_crisis_review(title, details)
    return Question.objects.create(
        asker=asker,
        title=title,
        details=details,
        topic=topic,
        show_name=show_name,
        status=Question.Status.HELD if held else Question.Status.PUBLISHED,
    )


ALREADY_ANSWERED = gettext_lazy(
    "You have already answered this question. You can edit your answer instead."
)


def answer_refusal(*, question: Question, by: Specialist | None) -> str | None:
    """Why this person may not answer the question, or None when they may: a specialist
    with a published profile, once, on a published question they did not ask."""
    if by is None:
        return _("Only specialists with a published profile can answer.")
    if not by.is_listed:
        return _("Your profile must be published before you can answer questions.")
    if question.status != Question.Status.PUBLISHED:
        return _("This question is not open for answers.")
    if question.asker_id == by.owner_id:
        return _("You cannot answer your own question.")
    if Answer.objects.filter(question=question, specialist=by).exists():
        return str(ALREADY_ANSWERED)
    return None


def can_answer(*, question: Question, by: Specialist | None) -> bool:
    return answer_refusal(question=question, by=by) is None


@transaction.atomic
def answer_question(*, specialist: Specialist, question: Question, body: str) -> Answer:
    """Answer a public question, once per specialist (answer_refusal; the database's
    constraint decides between two at once); the asker is e-mailed after commit."""
    if refusal := answer_refusal(question=question, by=specialist):
        raise QuestionError(refusal)
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                question=question,
                specialist=specialist,
                body=_plain(body),
                body_html=markdown.render(_plain(body)),
            )
    except IntegrityError:
        raise QuestionError(str(ALREADY_ANSWERED)) from None
    sending.queue(notify_asker, answer_id=answer.pk)
    return answer


@transaction.atomic
def edit_answer(*, answer: Answer, body: str) -> Answer:
    answer.body = _plain(body)
    answer.body_html = markdown.render(answer.body)
    answer.save(update_fields=["body", "body_html", "updated_at"])
    return answer


def set_question_status(*, question: Question, status: Question.Status) -> Question:
    """Staff moderation: publish, hold or hide a question."""
    question.status = status
    question.save(update_fields=["status"])
    return question


def set_answer_status(*, answer: Answer, status: Answer.Status) -> Answer:
    """Staff moderation: hide or show an answer."""
    answer.status = status
    answer.save(update_fields=["status"])
    return answer


def notify_asker(*, answer_id: int) -> bool:
    """E-mail the asker about a visible answer (the outbox calls it after the commit). False
    when there is nothing to send: the answer is hidden or the asker's account closed."""
    answer = (
        Answer.objects.public()
        .select_related("question__asker")
        .filter(pk=answer_id, question__asker__is_active=True)
        .first()
    )
    if answer is None:
        return False
    emails.send_answer_notice(answer)
    return True
