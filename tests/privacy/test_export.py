import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import booking
from bookings.models import Consultation
from content.questions import ask_question
from messaging import conversations
from messaging.models import Message
from privacy.export import export_for
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import BlockFactory, SpecialistFactory, UserFactory
from tests.privacy.conftest import add_past_consultation, build_world

pytestmark = pytest.mark.django_db


def exported(user) -> dict:
    """The export as the downloaded file holds it."""
    return json.loads(json.dumps(export_for(user=user, now=timezone.now()), cls=DjangoJSONEncoder))


def test_a_clients_export_holds_their_account_consultations_messages_and_questions():
    world = build_world("aaa")

    data = exported(world.client)

    assert data["account"]["email"] == "client-aaa@example.com"
    assert data["account"]["first_name"] == "Robinaaa"
    assert data["email_addresses"] == [
        {"email": "client-aaa@example.com", "verified": True, "primary": True}
    ]
    [consultation] = data["consultations_as_client"]
    assert consultation["specialist"] == "Dr Ada aaa"
    assert consultation["note"] == "note-aaa"
    assert consultation["phone"] == "+1 555 aaa"
    assert data["consultations_as_specialist"] == []
    [conversation] = data["conversations"]
    assert [(m["from"], m["text"]) for m in conversation["messages"]] == [
        ("me", "from-client-aaa"),
        ("them", "from-specialist-aaa"),
    ]
    assert [q["title"] for q in data["questions"]] == ["question-aaa?"]
    assert [c["message"] for c in data["messages_to_staff"]] == ["contact-aaa"]
    assert data["specialist_profile"] is None
    assert data["articles"] == data["answers"] == []


def test_a_specialists_export_holds_their_profile_schedule_and_writing_but_no_clients_notes():
    world = build_world("aaa")
    add_past_consultation(client=UserFactory(), specialist=world.specialist, note="past-note")
    BlockFactory(specialist=world.specialist, client=world.client)

    data = exported(world.specialist.owner)

    profile = data["specialist_profile"]
    assert profile["name"] == "Dr Ada aaa"
    assert profile["bio"] == "Bio of aaa"
    assert profile["weekly_hours"]
    assert "feed_token" not in json.dumps(data)
    schedule = data["consultations_as_specialist"]
    assert {c["id"] for c in schedule} == set(
        Consultation.objects.filter(specialist=world.specialist).values_list("pk", flat=True)
    )
    assert all("note" not in c and "phone" not in c and "fit" not in c for c in schedule)
    text = json.dumps(data)
    assert "note-aaa" not in text
    assert "past-note" not in text
    assert "+1 555 aaa" not in text
    [conversation] = data["conversations"]
    assert conversation["as"] == "specialist"
    assert {m["text"] for m in conversation["messages"]} == {
        "from-client-aaa",
        "from-specialist-aaa",
    }
    assert [a["text"] for a in data["answers"]] == ["answer-aaa"]
    assert sorted(a["title"] for a in data["articles"]) == ["article-aaa", "draft-aaa"]
    assert [b["client"] for b in data["clients_i_blocked"]] == ["Robinaaa"]


def test_an_export_holds_nothing_of_another_persons_data():
    mine = build_world("aaa")
    theirs = build_world("zzz")
    # A second client of the same specialist: the specialist's file must not carry their words.
    other_client = UserFactory(email="other-zzz@example.com", first_name="Otherzzz")
    booking.book(
        client=other_client,
        specialist=mine.specialist,
        starts_at=free_slot(mine.specialist, index=3).starts_at,
        mode=Consultation.Mode.VIDEO,
        note="other-note-zzz",
        now=timezone.now(),
    )
    ask_question(asker=other_client, title="other-question-zzz?", details="", topic=None)

    for person in (mine.client, mine.specialist.owner):
        text = json.dumps(exported(person))
        assert "zzz" not in text.replace("Otherzzz", ""), person
        assert theirs.client.email not in text


def test_the_other_sides_held_messages_are_left_out_and_ones_own_are_marked():
    world = build_world("aaa")
    held = conversations.reply(
        thread=world.thread, sender=world.specialist.owner, body="I want to kill myself"
    )
    assert held.status == Message.Status.HELD

    client_file = exported(world.client)
    specialist_file = exported(world.specialist.owner)

    assert "kill myself" not in json.dumps(client_file)
    assert specialist_file["conversations"][0]["messages"][-1] == {
        "from": "me",
        "text": "I want to kill myself",
        "sent_at": specialist_file["conversations"][0]["messages"][-1]["sent_at"],
        "held_for_review": True,
    }


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        export_for(user=user, now=timezone.now())
    return len(captured)


def test_the_export_costs_the_same_queries_however_much_a_person_holds():
    world = build_world("aaa")
    client_few, specialist_few = _queries(world.client), _queries(world.specialist.owner)
    for days_ago in (7, 8):  # a client has at most three upcoming consultations
        other = SpecialistFactory()
        open_hours(other)
        booking.book(
            client=world.client,
            specialist=other,
            starts_at=free_slot(other).starts_at,
            mode=Consultation.Mode.VIDEO,
            now=timezone.now(),
        )
        conversations.message_specialist(client=world.client, specialist=other, body="Hello")
        conversations.message_specialist(
            client=UserFactory(), specialist=world.specialist, body="Hi"
        )
        add_past_consultation(
            client=UserFactory(), specialist=world.specialist, note="n", days_ago=days_ago
        )
        ask_question(asker=world.client, title="Another question?", details="", topic=None)

    assert _queries(world.client) == client_few
    assert _queries(world.specialist.owner) == specialist_few


class TestDownload:
    def test_the_owner_gets_a_private_json_attachment_of_their_own_data(self, client):
        world = build_world("aaa")
        client.force_login(world.client)

        response = client.get(reverse("account_data_download"))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == 'attachment; filename="first-step-data.json"'
        assert "no-store" in response["Cache-Control"]
        assert json.loads(response.content)["account"]["email"] == world.client.email

    def test_reading_it_writes_nothing(self, client):
        world = build_world("aaa")
        client.force_login(world.specialist.owner)
        client.get(reverse("account"))  # the first page after log-in records the session

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("account_data_download")).status_code == 200

        writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith("SELECT")]
        assert writes == []

    def test_a_visitor_is_sent_to_log_in_and_a_post_is_refused(self, client):
        response = client.get(reverse("account_data_download"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        client.force_login(UserFactory())
        assert client.post(reverse("account_data_download")).status_code == 405

    def test_the_account_page_links_to_the_data_page_which_links_to_the_file(self, client):
        client.force_login(UserFactory())

        account = client.get(reverse("account")).content.decode()
        page = client.get(reverse("account_data"))

        assert reverse("account_data") in account
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        assert reverse("account_data_download") in page.content.decode()
