"""Every page a person can reach passes axe-core with no serious or critical violation.

Each page is opened by the persona who would see it (anonymous, client, specialist, staff)
in a world with one of everything: a booked and a past consultation, a conversation and a
held one, a draft and a published article, an answered question, a promoted listing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.emails import leave_token
from bookings.forms import slot_value
from bookings.models import Consultation
from content import linking
from content.articles import ArticleText, create_article
from directory import promotions, search
from directory.models import Language, Specialist, Specialty
from messaging.conversations import message_specialist
from tests.bookings.conftest import free_slot
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD
from tests.security.world import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def _with_relevant_articles() -> str:
    """Specialist one's profile shows an article by specialist two, with why and a hide button."""
    reader = Specialist.objects.get(slug="specialist-one")
    reader.specialties.set(Specialty.objects.filter(slug="anxiety"))
    body = "A panic attack is a surge of anxiety. Anxious people avoid where panic struck. " * 3
    create_article(
        author=Specialist.objects.get(slug="specialist-two"),
        text=ArticleText(
            title="Understanding panic", summary="", body=body, references=[], topics=[]
        ),
        publish=True,
    )
    linking.recompute_all()
    return "/articles/mine/"


@dataclass(frozen=True)
class Place:
    """A page, who opens it, the status it answers with, and what is done there first."""

    name: str
    persona: str
    url: Callable[[World], str]
    status: int = 200
    then: Callable[[Page], None] | None = None


def _refused_log_in(page: Page) -> None:
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_contain_text(re.compile("not correct"))


def _asked_for_a_log_in_code(page: Page) -> None:
    page.get_by_label("Email").fill("client-a@example.com")
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    expect(page.get_by_label(re.compile("code", re.I))).to_be_visible()


def _refused_sign_up(page: Page) -> None:
    page.get_by_label("Your first name").fill("Noor")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password:", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("different")
    page.locator("#id_email").evaluate("field => field.type = 'text'")
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page.locator(".errorlist").first).to_be_visible()


def _refused_time_off(page: Page) -> None:
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".field-error").first).to_be_visible()


def _slot(world: World) -> str:
    return slot_value(free_slot(world.specialist_1, index=3).starts_at)


PLACES = [
    # Anyone.
    Place("home", "anonymous", lambda w: "/"),
    Place("search", "anonymous", lambda w: "/specialists/"),
    Place(
        "search-with-filters",
        "anonymous",
        lambda w: (
            "/specialists/?"
            + urlencode({"specialty": "anxiety", "language": "french", "free_consultation": "1"})
        ),
    ),
    Place(
        "search-with-every-filter-open",
        "anonymous",
        lambda w: (
            "/specialists/?"
            + urlencode(
                {
                    "q": "panic attacks",
                    "max_fee": "150",
                    "currency": "CAD",
                    "gender": "woman",
                    "accepting": "1",
                    "days": "sat,sun",
                    "times": "evening",
                }
            )
        ),
    ),
    Place("search-did-you-mean", "anonymous", lambda w: "/specialists/?q=anxeity"),
    Place(
        "search-without-results",
        "anonymous",
        lambda w: "/specialists/?" + urlencode({"q": "nothing-matches-this", "format": "online"}),
    ),
    Place("profile", "anonymous", lambda w: w.specialist_1.get_absolute_url()),
    Place("help-me-choose", "anonymous", lambda w: "/help-me-choose/"),
    Place("shortlist-empty", "anonymous", lambda w: "/shortlist/"),
    Place("pick-a-time", "anonymous", lambda w: f"/specialists/{w.specialist_1.slug}/book/"),
    Place(
        "book-asks-to-log-in",
        "anonymous",
        lambda w: f"/specialists/{w.specialist_1.slug}/book/confirm/?slot={_slot(w)}",
    ),
    Place("articles", "anonymous", lambda w: "/articles/"),
    Place("article", "anonymous", lambda w: w.published.get_absolute_url()),
    Place("questions", "anonymous", lambda w: "/questions/"),
    Place("question", "anonymous", lambda w: w.question.get_absolute_url()),
    Place("crisis", "anonymous", lambda w: "/crisis-support/"),
    Place("contact-asks-to-log-in", "anonymous", lambda w: "/contact/"),
    Place("login", "anonymous", lambda w: "/accounts/login/"),
    Place("login-refused", "anonymous", lambda w: "/accounts/login/", then=_refused_log_in),
    Place("signup", "anonymous", lambda w: "/accounts/signup/"),
    Place("signup-refused", "anonymous", lambda w: "/accounts/signup/", then=_refused_sign_up),
    Place("password-reset", "anonymous", lambda w: "/accounts/password/reset/"),
    Place("password-reset-sent", "anonymous", lambda w: "/accounts/password/reset/done/"),
    Place("login-by-code", "anonymous", lambda w: "/accounts/login/code/"),
    Place(
        "login-code-sent",
        "anonymous",
        lambda w: "/accounts/login/code/",
        then=_asked_for_a_log_in_code,
    ),
    Place("not-found", "anonymous", lambda w: "/no-such-page/", status=404),
    # A client.
    Place(
        "book-confirm",
        "client_a",
        lambda w: (
            f"/specialists/{w.specialist_1.slug}/book/confirm/?"
            + urlencode({"slot": _slot(w), "tz": "America/Toronto"})
        ),
    ),
    Place("my-consultations", "client_a", lambda w: "/consultations/"),
    Place("consultation", "client_a", lambda w: w.consultation.get_absolute_url()),
    Place("reschedule", "client_a", lambda w: f"/consultations/{w.consultation.pk}/reschedule/"),
    Place("cancel", "client_a", lambda w: f"/consultations/{w.consultation.pk}/cancel/"),
    Place("feedback", "client_b", lambda w: f"/consultations/{_past(w).pk}/feedback/"),
    Place("my-waitlists", "client_b", lambda w: "/waitlist/"),
    Place("held-time", "client_b", lambda w: w.hold.get_absolute_url()),
    Place(
        "leave-waitlist-link",
        "anonymous",
        lambda w: reverse("bookings:waitlist_leave_link", kwargs={"token": leave_token(w.hold)}),
    ),
    Place("inbox-client", "client_a", lambda w: "/inbox/"),
    Place("thread-client", "client_a", lambda w: w.thread.get_absolute_url()),
    Place("thread-held", "client_b", lambda w: _held_thread_url(w)),
    Place(
        "new-message",
        "client_a",
        lambda w: f"/specialists/{w.specialist_2.slug}/message/",
    ),
    Place("report", "client_a", lambda w: f"/inbox/{w.thread.pk}/report/"),
    Place("ask-a-question", "client_a", lambda w: "/questions/new/"),
    Place("contact-client", "client_a", lambda w: "/contact/"),
    Place("account", "client_a", lambda w: "/account/"),
    Place("account-data", "client_a", lambda w: "/account/data/"),
    Place("account-delete", "client_a", lambda w: "/account/delete/"),
    Place("account-email", "client_a", lambda w: "/accounts/email/"),
    Place("account-password", "client_a", lambda w: "/accounts/password/change/"),
    Place("account-sessions", "client_a", lambda w: "/accounts/sessions/"),
    Place("become-a-specialist", "client_a", lambda w: "/profile/"),
    # A specialist.
    Place("practice", "specialist_1", lambda w: "/practice/consultations/"),
    Place("availability", "specialist_1", lambda w: "/practice/availability/"),
    Place(
        "availability-refused",
        "specialist_1",
        lambda w: "/practice/availability/",
        then=_refused_time_off,
    ),
    Place("profile-edit", "specialist_1", lambda w: "/profile/"),
    Place("profile-preview", "specialist_1", lambda w: "/profile/preview/"),
    Place("consultation-specialist", "specialist_1", lambda w: w.consultation.get_absolute_url()),
    Place("my-articles", "specialist_1", lambda w: "/articles/mine/"),
    Place("my-articles-why-shown", "specialist_1", lambda w: _with_relevant_articles()),
    Place("article-new", "specialist_1", lambda w: "/articles/new/"),
    Place("article-edit", "specialist_1", lambda w: f"/articles/{w.draft.slug}/edit/"),
    Place("article-delete", "specialist_1", lambda w: f"/articles/{w.draft.slug}/delete/"),
    Place("answer-edit", "specialist_1", lambda w: f"/answers/{w.answer.pk}/edit/"),
    Place("question-to-answer", "specialist_2", lambda w: w.question.get_absolute_url()),
    Place("inbox-specialist", "specialist_1", lambda w: "/inbox/"),
    Place("thread-specialist", "specialist_1", lambda w: w.thread.get_absolute_url()),
    Place("insights", "specialist_1", lambda w: "/practice/insights/"),
    Place("widget-settings", "specialist_1", lambda w: "/practice/widget/"),
    Place("widget", "anonymous", lambda w: f"/widget/{w.specialist_1.slug}/?tz=Europe/Paris"),
    Place("widget-booked", "client_a", lambda w: f"/widget/{w.specialist_1.slug}/booked/"),
    # Staff.
    Place("question-moderation", "staff", lambda w: w.question.get_absolute_url()),
    Place("article-staff", "staff", lambda w: w.published.get_absolute_url()),
    Place("promotions-report", "staff", lambda w: "/staff/promotions/"),
]


def _past(world: World) -> Consultation:
    return Consultation.objects.get(client=world.users["client_b"])


def _held_thread_url(world: World) -> str:
    return world.users["client_b"].message_threads.get().get_absolute_url()


@pytest.fixture
def world() -> World:
    world = build_world()
    anxiety, _ = Specialty.objects.get_or_create(slug="anxiety", defaults={"name": "Anxiety"})
    french, _ = Language.objects.get_or_create(slug="french", defaults={"name": "French"})
    for specialist in (world.specialist_1, world.specialist_2):
        specialist.specialties.add(anxiety)
        specialist.languages.add(french)
    search.reindex(specialist_ids=[world.specialist_1.pk, world.specialist_2.pk])
    today = timezone.localdate()
    promotions.promote(
        specialist=world.specialist_2,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
        actor=world.users["staff"],
    )
    # A past consultation the specialist has yet to close, and that the client found no fit:
    # the practice page asks how it went, the feedback page suggests others.
    starts_at = timezone.now() - timedelta(days=3)
    Consultation.objects.create(
        specialist=world.specialist_1,
        client=world.users["client_b"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        fit=Consultation.Fit.NOT_FIT,
    )
    message_specialist(
        client=world.users["client_b"],
        specialist=world.specialist_2,
        body="I keep thinking about self-harm.",
    )
    return world


# A desktop window and a phone's: layouts differ (the navigation wraps, the grids stack).
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("place", PLACES, ids=[place.name for place in PLACES])
def test_page_has_no_serious_or_critical_accessibility_violation(page, world, place, size):
    page.set_viewport_size(SIZES[size])
    user = world.users[place.persona]
    if user is not None:
        log_in(page, email=user.email, password=PASSWORD)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    response = page.goto(place.url(world))

    assert response is not None and response.status == place.status, page.url
    if place.then is not None:
        place.then(page)
    violations = axe_violations(page)
    assert not violations, (
        f"{place.name} at {size} ({page.url}):\n{describe_violations(violations)}"
    )
