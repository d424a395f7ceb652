"""Every URL x {anonymous, client A, client B, specialist 1, specialist 2, staff} x {GET, POST}.

The URL list comes from the URL configuration, so a new URL fails this test until its row
is written. Client A has a consultation and a message thread with specialist 1, asked a
question that specialist 1 answered; specialist 1 has a draft article and time off.
Outcomes: "login" is the log-in redirect or prompt; other values are status codes
("302" a redirect that is not to log in). Empty POSTs: a form answers 400, nothing changes.
"""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from bookings.emails import leave_token
from tests.security.world import PERSONAS, World, build_world

pytestmark = pytest.mark.django_db

# Skipped prefixes: Django admin (its own permission system) and allauth's account pages
# (covered in tests/directory/test_accounts.py).
SKIPPED_PREFIXES = ("admin/", "accounts/")

PUBLIC = "200/405"
LOGIN = "login/login"


def row(anonymous, client_b, specialist_2, staff, client_a, specialist_1):
    personas = (anonymous, client_b, specialist_2, staff, client_a, specialist_1)
    return dict(zip(PERSONAS, personas, strict=True))


def everyone(outcome):
    return row(*[outcome] * 6)


EXPECTED = {
    "home": everyone(PUBLIC),
    "crisis": everyone(PUBLIC),
    "accessibility": everyone(PUBLIC),
    # Anyone picks the zone times are shown in; an empty POST is refused with a message.
    "time_zone": everyone("200/400"),
    "healthz": everyone(PUBLIC),
    # Profile photos are public (tests/config/test_media.py serves one); a missing one: 404.
    "media": everyone("404/405"),
    # The account page edits the name: an empty POST is refused (a first name is required).
    "account": row(LOGIN, *["200/400"] * 5),
    "account_delete": row(LOGIN, *["200/400"] * 5),
    # Everyone's own data, and only theirs: a page and the JSON file, read-only.
    "account_data": row(LOGIN, *["200/405"] * 5),
    "account_data_download": row(LOGIN, *["200/405"] * 5),
    "directory:search": everyone(PUBLIC),
    # Help me choose needs no account: answers live in the session; without any, the
    # matches page leads to the questions. The shortlist is the session's or the account's.
    "matching:questionnaire": everyone("200/400"),
    "matching:results": everyone("302/405"),
    "matching:clear": everyone("405/302"),
    "matching:shortlist": everyone(PUBLIC),
    "matching:shortlist_toggle": everyone("405/400"),
    "directory:profile": everyone(PUBLIC),
    # Anyone logged in may start a profile: a client who does becomes a specialist.
    "directory:profile_edit": row(LOGIN, *["200/400"] * 5),
    "directory:profile_preview": row(LOGIN, "404/405", "200/405", "404/405", "404/405", "200/405"),
    "directory:profile_submit": row(LOGIN, "405/404", "405/302", "405/404", "405/404", "405/302"),
    # client_a has a consultation with specialist_1: sent back to it on the profile.
    "bookings:pick": row(PUBLIC, PUBLIC, PUBLIC, PUBLIC, "302/405", PUBLIC),
    "bookings:book": row(LOGIN, *["302/400"] * 5),
    "bookings:mine": row(LOGIN, *["200/405"] * 5),
    # The consultation is client A's and specialist 1's; everyone else, staff included: 404.
    "bookings:detail": row(LOGIN, "404/405", "404/405", "404/405", "200/405", "200/405"),
    "bookings:invite": row(LOGIN, "404/405", "404/405", "404/405", "200/405", "200/405"),
    # The reason is optional, so client A's empty POST cancels; specialist 1 then finds it done.
    "bookings:cancel": row(LOGIN, "404/404", "404/404", "404/404", "200/302", "200/400"),
    "bookings:reschedule": row(LOGIN, "404/404", "404/404", "404/404", "200/400", "200/400"),
    "bookings:close": row(LOGIN, "405/404", "405/404", "405/404", "405/400", "405/400"),
    "bookings:feedback": row(LOGIN, "404/404", "404/404", "404/404", "200/400", "404/404"),
    "bookings:practice": row(LOGIN, "404/405", "200/405", "404/405", "404/405", "200/405"),
    "bookings:availability": row(LOGIN, "404/404", "200/400", "404/404", "404/404", "200/400"),
    "bookings:add_exception": row(LOGIN, "405/404", "405/400", "405/404", "405/404", "405/400"),
    "bookings:remove_exception": row(LOGIN, "405/404", "405/404", "405/404", "405/404", "405/302"),
    "bookings:new_feed_url": row(LOGIN, "405/404", "405/302", "405/404", "405/404", "405/302"),
    # The feed URL is a secret capability (for calendar apps that cannot log in).
    "bookings:feed": everyone(PUBLIC),
    # client_b waits for specialist_2 and holds a time with them; client_a has a
    # consultation with specialist_1, so may wait for an earlier one; specialist_1 may not.
    "bookings:waitlists": row(LOGIN, *["200/405"] * 5),
    "bookings:waitlist_join": row(LOGIN, "405/302", "405/302", "405/302", "405/302", "405/400"),
    "bookings:waitlist_leave": row(LOGIN, "405/302", *["405/404"] * 4),
    # The e-mail's signed link works without logging in; only its button leaves.
    "bookings:waitlist_leave_link": everyone("200/200"),
    "bookings:hold": row(LOGIN, "200/405", *["404/405"] * 4),
    "bookings:hold_let_go": row(LOGIN, "405/302", *["405/404"] * 4),
    # client_b has no consultation with specialist_2 to move to the held time.
    "bookings:hold_move": row(LOGIN, "405/400", *["405/404"] * 4),
    # Calendar connections are the specialist's own; specialist 1 has a CalDAV account.
    "calendars:list": row(LOGIN, "404/405", "200/405", "404/405", "404/405", "200/405"),
    "calendars:subscribe": row(LOGIN, "405/404", "405/400", "405/404", "405/404", "405/400"),
    "calendars:add_caldav": row(LOGIN, "405/404", "405/400", "405/404", "405/404", "405/400"),
    # Nothing ticked is a choice too: no calendar is read.
    "calendars:choose": row(LOGIN, "405/404", "405/404", "405/404", "405/404", "405/302"),
    "calendars:sync": row(LOGIN, "405/404", "405/404", "405/404", "405/404", "405/302"),
    "calendars:remove": row(LOGIN, "404/404", "404/404", "404/404", "404/404", "200/302"),
    "content:articles": everyone(PUBLIC),
    "content:questions": everyone(PUBLIC),
    "content:my_articles": row(LOGIN, "403/405", "200/405", "403/405", "403/405", "200/405"),
    "content:article_new": row(LOGIN, "403/403", "200/400", "403/403", "403/403", "200/400"),
    # The article is specialist 1's draft: nobody else may see that it exists.
    "content:article": row("404/405", "404/405", "404/405", "404/405", "404/405", "200/405"),
    "content:article_edit": row(LOGIN, "404/404", "404/404", "404/404", "404/404", "200/400"),
    "content:article_publish": row(LOGIN, "405/404", "405/404", "405/404", "405/404", "405/302"),
    "content:article_delete": row(LOGIN, "404/404", "404/404", "404/404", "404/404", "200/302"),
    # A specialist hides an article from their own profile only; nobody else has one to hide.
    "content:hide_relevant_article": row(
        LOGIN, "405/403", "405/302", "405/403", "405/403", "405/302"
    ),
    # Only specialists answer; the question page itself is public.
    "content:question": row("200/403", "200/403", "200/400", "200/403", "200/403", "200/403"),
    "content:question_new": row(LOGIN, *["200/400"] * 5),
    "content:answer_edit": row(LOGIN, "404/404", "404/404", "404/404", "404/404", "200/400"),
    # Moderation is for staff; everyone else is sent to the staff log-in.
    "content:moderate_question": row(*["302/302"] * 3, "405/400", "302/302", "302/302"),
    "content:moderate_answer": row(*["302/302"] * 3, "405/400", "302/302", "302/302"),
    # The widget is public and framed on specialists' own sites; its page is theirs.
    "insights:widget": everyone(PUBLIC),
    "insights:embed": everyone(PUBLIC),
    # Where a booking through the widget ends: one's own consultation with that specialist;
    # without one, the specialist's profile.
    "insights:booked": row(LOGIN, "302/405", "302/405", "302/405", "200/405", "302/405"),
    "insights:widget_settings": row(LOGIN, "404/404", "200/302", "404/404", "404/404", "200/302"),
    # What promotions did, for staff; everyone else is sent to the staff log-in.
    "insights:promotions": row(*["302/302"] * 3, "200/405", "302/302", "302/302"),
    # A specialist's own figures: nobody else's, not even staff's.
    "insights:insights": row(LOGIN, "404/405", "200/405", "404/405", "404/405", "200/405"),
    "insights:insights_csv": row(LOGIN, "404/405", "200/405", "404/405", "404/405", "200/405"),
    "messaging:inbox": row(LOGIN, *["200/405"] * 5),
    "messaging:new": row(LOGIN, *["200/400"] * 5),
    # The thread is client A's and specialist 1's; staff only see reported threads.
    "messaging:thread": row(LOGIN, "404/404", "404/404", "404/404", "200/400", "200/400"),
    "messaging:report": row(LOGIN, "404/404", "404/404", "404/404", "200/302", "200/302"),
    "messaging:block": row(LOGIN, "405/404", "405/404", "405/404", "405/404", "405/302"),
    "messaging:contact": row(LOGIN, *["200/400"] * 5),
    # "Can't log in?" is for people who cannot log in; anyone logged in has the contact form.
    "messaging:cant_log_in": row("200/400", *["302/302"] * 5),
    "messaging:cant_log_in_sent": everyone(PUBLIC),
}


def url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if not str(pattern.pattern).startswith(SKIPPED_PREFIXES):
                    prefix = f"{pattern.namespace}:" if pattern.namespace else ""
                    walk(pattern.url_patterns, namespace + prefix)
            elif pattern.name and not str(pattern.pattern).startswith(SKIPPED_PREFIXES):
                names.append(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names) - {"account_confirm_email"})


def url_for(name: str, world: World) -> str:
    consultation = {"pk": world.consultation.pk}
    thread = {"pk": world.thread.pk}
    arguments = {
        "media": {"path": "specialists/missing.jpg"},
        "directory:profile": {"slug": world.specialist_1.slug},
        "matching:shortlist_toggle": {"slug": world.specialist_1.slug},
        "bookings:pick": {"slug": world.specialist_1.slug},
        "bookings:book": {"slug": world.specialist_1.slug},
        "bookings:detail": consultation,
        "bookings:invite": consultation,
        "bookings:cancel": consultation,
        "bookings:reschedule": consultation,
        "bookings:close": consultation,
        "bookings:feedback": consultation,
        "bookings:remove_exception": {"pk": world.exception.pk},
        "bookings:feed": {"token": world.feed_token},
        "bookings:waitlist_join": {"slug": world.specialist_1.slug},
        "bookings:waitlist_leave": {"pk": world.waitlist_entry.pk},
        "bookings:waitlist_leave_link": {"token": leave_token(world.hold)},
        "bookings:hold": {"pk": world.hold.pk},
        "bookings:hold_let_go": {"pk": world.hold.pk},
        "bookings:hold_move": {"pk": world.hold.pk},
        "calendars:choose": {"pk": world.calendar_connection.pk},
        "calendars:sync": {"pk": world.calendar_connection.pk},
        "calendars:remove": {"pk": world.calendar_connection.pk},
        "insights:widget": {"slug": world.specialist_1.slug},
        "insights:booked": {"slug": world.specialist_1.slug},
        "messaging:new": {"slug": world.specialist_1.slug},
        "messaging:thread": thread,
        "messaging:block": thread,
        "messaging:report": thread,
        "content:article": {"slug": world.draft.slug},
        "content:article_edit": {"slug": world.draft.slug},
        "content:article_publish": {"slug": world.draft.slug},
        "content:article_delete": {"slug": world.draft.slug},
        "content:hide_relevant_article": {"slug": world.draft.slug},
        "content:question": {"pk": world.question.pk},
        "content:moderate_question": {"pk": world.question.pk},
        "content:answer_edit": {"pk": world.answer.pk},
        "content:moderate_answer": {"pk": world.answer.pk},
    }
    return reverse(name, kwargs=arguments.get(name, {}))


def outcome(response) -> str:
    location = response.get("Location", "")
    if response.status_code == 302 and "/accounts/login/" in location:
        return "login"
    if response.status_code in (200, 403) and b'id="login-prompt-heading"' in response.content:
        return "login"
    return str(response.status_code)


def test_every_url_has_an_expected_outcome_for_every_persona():
    assert sorted(EXPECTED) == url_names()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_persona_gets_exactly_the_expected_answer(name):
    world = build_world()
    url = url_for(name, world)
    observed = {}
    for persona in PERSONAS:
        client = Client()
        if world.users[persona] is not None:
            client.force_login(world.users[persona])
        observed[persona] = f"{outcome(client.get(url))}/{outcome(client.post(url))}"

    assert observed == EXPECTED[name], url
