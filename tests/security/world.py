"""Two clients, two specialists and a staff member, with one of everything private."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from bookings import booking, holds, hours, waitlist
from bookings.models import AvailabilityException, Consultation, Hold, WaitlistEntry
from calendars.models import CalendarConnection, RemoteCalendar
from calendars.sealing import seal
from content.articles import ArticleText, create_article
from content.models import Answer, Article, Question
from content.questions import answer_question, ask_question
from directory.models import Specialist, User
from messaging.conversations import message_specialist
from messaging.models import Thread
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory

PERSONAS = ("anonymous", "client_b", "specialist_2", "staff", "client_a", "specialist_1")


@dataclass
class World:
    users: dict[str, User | None]
    specialist_1: Specialist
    specialist_2: Specialist
    consultation: Consultation
    thread: Thread
    draft: Article
    published: Article
    question: Question
    answer: Answer
    exception: AvailabilityException
    feed_token: str
    calendar_connection: CalendarConnection
    waitlist_entry: WaitlistEntry
    hold: Hold


def build_world() -> World:
    client_a = UserFactory(email="client-a@example.com")
    client_b = UserFactory(email="client-b@example.com")
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    specialist_1 = SpecialistFactory(slug="specialist-one")
    specialist_2 = SpecialistFactory(slug="specialist-two")
    open_hours(specialist_1)
    open_hours(specialist_2)
    slot = free_slot(specialist_1)
    consultation = booking.book(
        client=client_a,
        specialist=specialist_1,
        starts_at=slot.starts_at,
        mode="video",
        now=timezone.now(),
    )
    thread = message_specialist(client=client_a, specialist=specialist_1, body="Hello").thread
    text = ArticleText(title="A draft", summary="", body="Draft body", references=[], topics=[])
    draft = create_article(author=specialist_1, text=text)
    published = create_article(
        author=specialist_1,
        text=ArticleText(title="Published", summary="", body="Body", references=[], topics=[]),
        publish=True,
    )
    question = ask_question(asker=client_a, title="How do I start?", details="Details", topic=None)
    answer = answer_question(specialist=specialist_1, question=question, body="Like this.")
    exception = AvailabilityException.objects.create(
        specialist=specialist_1,
        date=(timezone.now() + timedelta(days=5)).date(),
        kind=AvailabilityException.Kind.OFF,
    )
    feed_token = hours.settings_for(specialist=specialist_1).feed_token
    calendar_connection = CalendarConnection.objects.create(
        specialist=specialist_1,
        kind=CalendarConnection.Kind.CALDAV,
        url_sealed=seal("https://caldav.example.com/", purpose="url"),
        username_sealed=seal("one", purpose="username"),
        password_sealed=seal("app-password", purpose="password"),
        masked_url="https://caldav.example.com/…",
        next_sync_at=timezone.now() + timedelta(hours=1),
    )
    RemoteCalendar.objects.create(
        connection=calendar_connection,
        specialist=specialist_1,
        url="https://caldav.example.com/one/work/",
        name="Work",
        receives_consultations=True,
    )
    # client_b waits for specialist_2, and a time is held for them.
    waitlist_entry = waitlist.join(client=client_b, specialist=specialist_2, now=timezone.now())
    hold = holds.hold(
        client=client_b,
        specialist=specialist_2,
        starts_at=free_slot(specialist_2).starts_at,
        now=timezone.now(),
    )
    return World(
        users={
            "anonymous": None,
            "client_a": client_a,
            "client_b": client_b,
            "specialist_1": specialist_1.owner,
            "specialist_2": specialist_2.owner,
            "staff": staff,
        },
        specialist_1=specialist_1,
        specialist_2=specialist_2,
        consultation=consultation,
        thread=thread,
        draft=draft,
        published=published,
        question=question,
        answer=answer,
        exception=exception,
        feed_token=feed_token,
        calendar_connection=calendar_connection,
        waitlist_entry=waitlist_entry,
        hold=hold,
    )
