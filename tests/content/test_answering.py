import pytest

from content import questions
from content.models import Question
from directory.models import Specialist
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask(asker=None) -> Question:
    return questions.ask_question(
        asker=asker or UserFactory(), title="How do I start therapy?", details="", topic=None
    )


def test_a_specialist_with_a_published_profile_may_answer_once():
    question = ask()
    specialist = SpecialistFactory()

    assert questions.can_answer(question=question, by=specialist)
    questions.answer_question(specialist=specialist, question=question, body="Like this. " * 3)
    assert not questions.can_answer(question=question, by=specialist)
    assert "already answered" in questions.answer_refusal(question=question, by=specialist)


@pytest.mark.parametrize(
    "who, words",
    [
        ("nobody", "Only specialists"),
        ("unpublished", "must be published"),
        ("asker", "your own question"),
        ("held", "not open for answers"),
    ],
)
def test_who_may_not_answer_is_told_why_by_the_page_and_the_domain_alike(who, words):
    specialist = SpecialistFactory(
        status=Specialist.Status.DRAFT if who == "unpublished" else Specialist.Status.PUBLISHED
    )
    question = ask(asker=specialist.owner if who == "asker" else None)
    if who == "held":
        questions.set_question_status(question=question, status=Question.Status.HELD)
    by = None if who == "nobody" else specialist

    assert not questions.can_answer(question=question, by=by)
    assert words in questions.answer_refusal(question=question, by=by)
    if by is not None:
        with pytest.raises(questions.QuestionError, match=words):
            questions.answer_question(specialist=by, question=question, body="Advice. " * 3)


def test_the_question_page_offers_the_answer_form_only_to_who_may_answer(client):
    asking_specialist = SpecialistFactory()
    question = ask(asker=asking_specialist.owner)
    answering = SpecialistFactory()

    client.force_login(answering.owner)
    offered = client.get(question.get_absolute_url())
    client.force_login(asking_specialist.owner)
    own = client.get(question.get_absolute_url())
    posted = client.post(question.get_absolute_url(), {"body": "My own answer. " * 3})

    assert offered.context["can_answer"] and "Publish answer" in offered.content.decode()
    assert not own.context["can_answer"] and "Publish answer" not in own.content.decode()
    assert posted.status_code == 403
    assert not question.answers.exists()
