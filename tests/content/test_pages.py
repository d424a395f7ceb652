import pytest

from content import articles, questions
from content.models import Answer, Article, Question
from directory.models import Specialty
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Hello <script>alert('x')</script> there.\n\n"
    '<img src=x onerror="alert(1)"> and <a href="javascript:alert(2)">click</a> '
    'and [link](javascript:alert(3)) and <b onclick="alert(4)">bold</b>. ' + "word " * 30
)


def article_text(title: str = "A careful article", body: str = "Words about trust. " * 10):
    return articles.ArticleText(
        title=title,
        summary="A summary.",
        body=body,
        references=["https://example.org/source", "A book (2001)."],
        topics=list(Specialty.objects.filter(slug="couples")),
    )


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "onerror" not in lowered
    assert "onclick" not in lowered
    assert "javascript:" not in lowered


def test_scripts_handlers_and_javascript_links_never_reach_the_article_page(client):
    author = SpecialistFactory()
    article = articles.create_article(author=author, text=article_text(body=HOSTILE), publish=True)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert_safe(response.content.decode())
    assert "<b>bold</b>" in response.content.decode()


def test_scripts_never_reach_an_answer_on_the_question_page(client):
    question = questions.ask_question(
        asker=UserFactory(), title="How do I start therapy?", details="", topic=None
    )
    questions.answer_question(specialist=SpecialistFactory(), question=question, body=HOSTILE)

    response = client.get(question.get_absolute_url())

    assert response.status_code == 200
    assert_safe(response.content.decode())


def test_an_article_page_shows_author_box_reading_time_share_links_and_references(client):
    author = SpecialistFactory(name="Ada Author")
    article = articles.create_article(author=author, text=article_text(), publish=True)

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Read full bio of Ada Author" in page
    assert author.get_absolute_url() in page
    assert "1 min read" in page
    assert 'property="og:title" content="A careful article"' in page
    assert "facebook.com/sharer" in page
    assert "https://example.org/source" in page
    assert "Book a free consultation with Ada Author" in page
    assert f"{author.get_absolute_url()}?src=article#free-consultation" in page


def test_someone_elses_draft_is_a_404_and_the_author_sees_it(client):
    author = SpecialistFactory()
    draft = articles.create_article(author=author, text=article_text())

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/{draft.slug}/edit/").status_code == 404
    assert client.post(f"/articles/{draft.slug}/publish/").status_code == 404
    client.force_login(author.owner)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_specialist_writes_and_publishes_an_article(client):
    author = SpecialistFactory()
    client.force_login(author.owner)

    response = client.post(
        "/articles/new/",
        {"title": "On trust", "summary": "", "body": "Trust grows slowly. " * 10, "references": ""},
    )
    article = Article.objects.get()
    client.post(f"/articles/{article.slug}/publish/", {"action": "publish"})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published and article.author == author


def test_an_invalid_article_answers_400_and_a_client_cannot_write_one(client):
    client.force_login(SpecialistFactory().owner)
    assert client.post("/articles/new/", {"title": "", "body": "short"}).status_code == 400
    client.force_login(UserFactory())
    assert client.get("/articles/new/").status_code == 403


def test_the_article_list_filters_by_topic_and_search(client):
    author = SpecialistFactory()
    articles.create_article(author=author, text=article_text("Couples first"), publish=True)
    other = article_text("Panic notes")
    other = articles.ArticleText(**{**other.__dict__, "topics": []})
    articles.create_article(author=author, text=other, publish=True)

    by_topic = client.get("/articles/?topic=couples").content.decode()
    by_word = client.get("/articles/?q=panic").content.decode()
    bad = client.get("/articles/?topic=nope&page=999")

    assert "Couples first" in by_topic and "Panic notes" not in by_topic
    assert "Panic notes" in by_word and "Couples first" not in by_word
    assert bad.status_code == 200


def test_asking_a_question_needs_an_account(client):
    response = client.get("/questions/new/")

    assert (
        "To create a new Question, please log in or create an account" in response.content.decode()
    )
    assert client.post("/questions/new/", {"title": "A question here?"}).status_code == 403


def test_a_question_is_anonymous_by_default_and_answers_show_on_the_profile(client):
    asker = UserFactory(first_name="Robin")
    client.force_login(asker)
    client.post("/questions/new/", {"title": "How do I find the right therapist?", "details": ""})
    question = Question.objects.get()
    specialist = SpecialistFactory(name="Ada Answer")
    client.force_login(specialist.owner)

    response = client.post(
        question.get_absolute_url(), {"body": "Start with a free consultation. " * 3}
    )
    page = client.get(question.get_absolute_url()).content.decode()
    profile = client.get(specialist.get_absolute_url()).content.decode()

    assert response.status_code == 302
    assert "Asked anonymously" in page and "Robin" not in page
    assert "Answers by Ada Answer" in profile
    assert "How do I find the right therapist?" in profile


def test_the_asker_is_emailed_when_an_answer_arrives_without_the_question_text(mailoutbox):
    question = questions.ask_question(
        asker=UserFactory(), title="Private worry about sleep", details="", topic=None
    )
    answer = questions.answer_question(
        specialist=SpecialistFactory(), question=question, body="Some advice. " * 3
    )

    assert questions.notify_asker(answer_id=answer.pk) is True
    assert len(mailoutbox) == 1
    assert "sleep" not in mailoutbox[0].subject + mailoutbox[0].body
    assert question.get_absolute_url() in mailoutbox[0].body


def test_crisis_language_holds_a_question_and_shows_crisis_resources(client):
    asker = UserFactory()
    client.force_login(asker)

    response = client.post(
        "/questions/new/",
        {"title": "I don\u2019t want to live anymore", "details": ""},
        follow=True,
    )
    question = Question.objects.get()

    assert question.status == Question.Status.HELD
    assert "/crisis-support/" in response.content.decode()
    assert client.get("/questions/").content.decode().count("want to live") == 0
    client.force_login(UserFactory())
    assert client.get(question.get_absolute_url()).status_code == 404


def test_staff_hide_a_question_or_an_answer_and_others_cannot(client):
    question = questions.ask_question(
        asker=UserFactory(), title="A fine question?", details="", topic=None
    )
    answer = questions.answer_question(
        specialist=SpecialistFactory(), question=question, body="A fine answer. " * 3
    )
    client.force_login(UserFactory())
    assert (
        client.post(f"/questions/{question.pk}/moderate/", {"status": "hidden"}).status_code == 302
    )
    assert Question.objects.get().status == Question.Status.PUBLISHED  # redirected to admin log-in

    client.force_login(UserFactory(is_staff=True))
    client.post(f"/answers/{answer.pk}/moderate/", {"status": "hidden"})
    client.post(f"/questions/{question.pk}/moderate/", {"status": "hidden"})
    assert (
        client.post(f"/questions/{question.pk}/moderate/", {"status": "bogus"}).status_code == 400
    )

    assert Answer.objects.get().status == Answer.Status.HIDDEN
    client.logout()
    assert client.get(question.get_absolute_url()).status_code == 404


def test_someone_elses_answer_cannot_be_edited(client):
    question = questions.ask_question(
        asker=UserFactory(), title="A fine question?", details="", topic=None
    )
    answer = questions.answer_question(
        specialist=SpecialistFactory(), question=question, body="A fine answer. " * 3
    )
    client.force_login(SpecialistFactory().owner)

    assert client.get(f"/answers/{answer.pk}/edit/").status_code == 404
    assert (
        client.post(f"/answers/{answer.pk}/edit/", {"body": "Taken over " * 5}).status_code == 404
    )


def test_a_specialist_answers_once():
    question = questions.ask_question(
        asker=UserFactory(), title="A fine question?", details="", topic=None
    )
    specialist = SpecialistFactory()
    questions.answer_question(specialist=specialist, question=question, body="First answer. " * 3)

    with pytest.raises(questions.QuestionError):
        questions.answer_question(specialist=specialist, question=question, body="Again. " * 5)


def test_pagination_keeps_the_filters_and_answers_an_out_of_range_page(client):
    author = SpecialistFactory()
    for n in range(14):
        articles.create_article(author=author, text=article_text(f"Couples note {n}"), publish=True)

    first = client.get("/articles/?topic=couples&page=1").content.decode()
    last = client.get("/articles/?topic=couples&page=99")

    assert "?topic=couples&amp;page=2" in first
    assert "page=1&amp;page" not in first
    assert last.status_code == 200 and "Page 2 of 2" in last.content.decode()


def test_a_summary_taken_from_the_body_is_not_repeated_as_the_lead(client):
    body = "The first sentence of the body. " + "More words follow here. " * 10
    article = articles.create_article(
        author=SpecialistFactory(),
        text=articles.ArticleText(
            title="Lead test",
            summary="The first sentence of the body.",
            body=body,
            references=[],
            topics=[],
        ),
        publish=True,
    )

    page = client.get(article.get_absolute_url()).content.decode()

    assert '<p class="lead">' not in page


def test_the_profile_shows_an_edit_to_its_articles_and_answers_at_once(client):
    author = SpecialistFactory(name="Ada Author")
    article = articles.create_article(author=author, text=article_text("First title"), publish=True)
    question = questions.ask_question(
        asker=UserFactory(), title="A first question?", details="", topic=None
    )
    answer = questions.answer_question(
        specialist=author, question=question, body="A fine answer. " * 3
    )
    first = client.get(author.get_absolute_url()).content.decode()

    articles.update_article(article=article, text=article_text("Second title"))
    Question.objects.filter(pk=question.pk).update(title="A second question?")
    author.name = "Ada Renamed"
    author.save(update_fields=["name"])
    second = client.get(author.get_absolute_url()).content.decode()
    questions.set_answer_status(answer=answer, status=Answer.Status.HIDDEN)
    articles.unpublish_article(article=Article.objects.get())
    third = client.get(author.get_absolute_url()).content.decode()

    assert "First title" in first and "A first question?" in first
    assert "Articles by Ada Author" in first and "Answers by Ada Author" in first
    assert "Second title" in second and "First title" not in second
    assert "A second question?" in second and "A first question?" not in second
    assert "Articles by Ada Renamed" in second and "Answers by Ada Renamed" in second
    assert "Second title" not in third and "A second question?" not in third
