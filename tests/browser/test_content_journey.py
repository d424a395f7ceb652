import pytest
from playwright.sync_api import expect

from content import articles
from content.models import Answer, Question
from directory.models import Specialty
from messaging.models import Message
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_client_reads_writes_and_asks_and_the_specialist_answers_both(page):
    specialist = SpecialistFactory(name="Leanne Sawchuk", slug="leanne-sawchuk")
    client = UserFactory(email="reader@example.com", first_name="Sam")
    articles.create_article(
        author=specialist,
        text=articles.ArticleText(
            title="How to Repair your Relationship",
            summary="Ten ways to reconnect.",
            body="Notice the ways your partner tries to connect with you. " * 10,
            references=[],
            topics=list(Specialty.objects.filter(slug="couples")),
        ),
        publish=True,
    )

    log_in(page, email=client.email, password=PASSWORD)
    page.goto("/articles/")
    page.get_by_role("link", name="How to Repair your Relationship").click()
    page.get_by_role("link", name="Read full bio of Leanne Sawchuk").click()
    expect(page.get_by_role("heading", name="Leanne Sawchuk", level=1)).to_be_visible()
    page.get_by_role("link", name="Send a message").last.click()
    page.get_by_label("Your message").fill("Hello, do you see couples in the evening?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()

    page.goto("/questions/new/")
    page.get_by_label("Your question").fill("How do we start couples therapy?")
    page.get_by_role("button", name="Publish question").click()
    expect(page.get_by_role("heading", name="How do we start couples therapy?")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, email=specialist.owner.email, password=PASSWORD)
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Sam").click()
    expect(page.get_by_text("Hello, do you see couples in the evening?")).to_be_visible()
    page.get_by_label("Your message").fill("Yes, on Tuesday evenings.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Yes, on Tuesday evenings.")).to_be_visible()

    page.goto("/questions/")
    page.get_by_role("link", name="How do we start couples therapy?").click()
    page.get_by_label("Your answer").fill(
        "Book a free first consultation together and see how it feels."
    )
    page.get_by_role("button", name="Publish answer").click()
    expect(page.get_by_text("Thank you. Your answer is published.")).to_be_visible()

    assert Message.objects.filter(sender=specialist.owner).count() == 1
    assert Answer.objects.filter(question=Question.objects.get(), specialist=specialist).exists()
