"""Every free-text field, filled with each payload, renders as text and never as markup.

A page rendered with a payload may contain no script, event handler, dangerous URL or
embedding element that the same page rendered with plain text does not already have.
"""

import json
from datetime import time
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import booking
from content.articles import ArticleText, create_article
from content.questions import answer_question, ask_question
from directory.profiles import refresh_derived_fields
from messaging.conversations import message_specialist
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory
from tests.security.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

EMBEDDING_TAGS = {
    "script", "iframe", "object", "embed", "base", "meta", "link", "style", "svg", "math",
    "frame", "frameset", "applet", "form", "template", "portal", "img", "video", "audio",
    "source", "input", "button", "textarea", "select", "details", "dialog", "marquee",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "srcset",
                  "data", "poster"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
PLAIN = "Plain words only"


class Features(HTMLParser):
    """What in a page could run code or load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        names = sorted(name for name, _ in attrs)
        if tag in EMBEDDING_TAGS:
            self.found.add(f"<{tag} {' '.join(names)}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.add(f"{tag}@{name}")
            compact = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and compact.startswith(BAD_SCHEMES):
                self.found.add(f"{tag}@{name}={compact[:20]}")
        self._in_json_ld = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)
            self._in_json_ld = False


def features(html: str) -> Features:
    parser = Features()
    parser.feed(html)
    return parser


def assert_inert(client: Client, url: str, baseline: set[str]) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    page = features(response.content.decode())
    assert page.found <= baseline, (url, page.found - baseline)
    for data in page.json_ld:
        json.loads(data)  # still valid JSON: nothing broke out of the script element


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def baseline_of(client: Client, url: str) -> set[str]:
    return features(client.get(url).content.decode()).found


def test_the_corpus_is_large_and_varied():
    assert len(set(PAYLOADS)) >= 100


def test_profile_fields():
    specialist = SpecialistFactory(slug="someone")
    client = Client()
    profile = reverse("directory:profile", kwargs={"slug": "someone"})
    search = reverse("directory:search")

    def fill(text: str) -> None:
        for field in ("name", "titles", "intro", "bio", "education", "fees", "city", "region"):
            setattr(specialist, field, text[:100] if field in {"city", "region"} else text)
        specialist.save()
        refresh_derived_fields(specialist)

    fill(PLAIN)
    baseline = baseline_of(client, profile) | baseline_of(client, search)
    for payload in PAYLOADS:
        fill(payload)
        assert_inert(client, profile, baseline)
        assert_inert(client, search, baseline)


def test_article_fields():
    author = SpecialistFactory()
    client = Client()
    articles = reverse("content:articles")

    def publish(text: str, n: int) -> str:
        article = create_article(
            author=author,
            text=ArticleText(
                title=f"{text[:150]} {n}", summary=text, body=text, references=[text], topics=[]
            ),
            publish=True,
        )
        return reverse("content:article", kwargs={"slug": article.slug})

    baseline = baseline_of(client, publish(PLAIN, 0)) | baseline_of(client, articles)
    for n, payload in enumerate(PAYLOADS, start=1):
        assert_inert(client, publish(payload, n), baseline)
    assert_inert(client, articles, baseline)


def test_question_and_answer_fields():
    answerer = SpecialistFactory(slug="answerer")
    client = Client()
    profile = reverse("directory:profile", kwargs={"slug": "answerer"})

    def ask(text: str) -> str:
        asker = UserFactory(first_name=text[:150])
        question = ask_question(
            asker=asker, title=text[:200], details=text, topic=None, show_name=True
        )
        answer_question(specialist=answerer, question=question, body=text)
        return reverse("content:question", kwargs={"pk": question.pk})

    baseline = baseline_of(client, ask(PLAIN)) | baseline_of(client, profile)
    baseline |= baseline_of(client, reverse("content:questions"))
    for payload in PAYLOADS:
        assert_inert(client, ask(payload), baseline)
    assert_inert(client, reverse("content:questions"), baseline)
    assert_inert(client, profile, baseline)


def test_messages_and_the_names_shown_with_them():
    specialist = SpecialistFactory()
    reader = logged_in(specialist.owner)
    inbox = reverse("messaging:inbox")

    def write(text: str) -> str:
        sender = UserFactory(first_name=text[:150])
        thread = message_specialist(client=sender, specialist=specialist, body=text).thread
        return reverse("messaging:thread", kwargs={"pk": thread.pk})

    baseline = baseline_of(reader, write(PLAIN)) | baseline_of(reader, inbox)
    for payload in PAYLOADS:
        assert_inert(reader, write(payload), baseline)
    assert_inert(reader, inbox, baseline)


def test_the_booking_note_and_the_client_name_seen_by_the_specialist():
    specialist = SpecialistFactory()
    open_hours(specialist, starts=time(0), ends=time(0))  # all day: room for every payload
    reader = logged_in(specialist.owner)
    practice = reverse("bookings:practice")

    def book(text: str, index: int) -> str:
        client = UserFactory(first_name=text[:150])
        consultation = booking.book(
            client=client,
            specialist=specialist,
            starts_at=free_slot(specialist, index=index).starts_at,
            mode="video",
            note=text[:500],
            now=timezone.now(),
        )
        return reverse("bookings:detail", kwargs={"pk": consultation.pk})

    baseline = baseline_of(reader, book(PLAIN, 0)) | baseline_of(reader, practice)
    for index, payload in enumerate(PAYLOADS):
        assert_inert(reader, book(payload, 0), baseline)
        if index % 20 == 0:
            assert_inert(reader, practice, baseline)
