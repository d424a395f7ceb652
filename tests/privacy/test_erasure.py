from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings import notices
from bookings.models import Consultation, Reminder
from content.models import Answer, Article, Question
from directory.models import Specialist, User
from messaging.models import ContactMessage, Message, Thread
from privacy.erasure import ERASED_EMAIL_DOMAIN, erase_account
from tests.factories import PASSWORD, SpecialistFactory, UserFactory
from tests.privacy.conftest import (
    add_past_consultation,
    add_photo,
    build_world,
    message_texts,
    rows_containing,
)

pytestmark = pytest.mark.django_db


def erase(user, capture) -> None:
    """Erase as the delete-account page does, then run what follows the commit."""
    with capture(execute=True):
        erase_account(user=user, now=timezone.now())


def send_notices() -> list:
    """What the notice sweep sends next (beat runs it every few seconds)."""
    notices.send_pending(now=timezone.now() + notices.SETTLE)
    return mail.outbox


class TestErasingAClient:
    def test_their_upcoming_consultation_is_cancelled_and_the_specialist_is_told(
        self, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        send_notices()  # the booking confirmation
        mail.outbox.clear()

        erase(world.client, django_capture_on_commit_callbacks)

        world.consultation.refresh_from_db()
        assert world.consultation.status == Consultation.Status.CANCELLED
        assert world.consultation.cancelled_by == Consultation.Party.CLIENT
        assert not Reminder.objects.filter(consultation=world.consultation).exists()
        sent = send_notices()
        to_specialist = next(m for m in sent if m.to == [world.specialist.owner.email])
        assert "cancelled their free consultation" in to_specialist.body
        assert all(m.to[0].endswith(ERASED_EMAIL_DOMAIN) for m in sent if m is not to_specialist)

    def test_no_trace_of_their_email_name_or_words_is_left_in_any_table(
        self, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        add_past_consultation(client=world.client, specialist=SpecialistFactory(), note="past-aaa")
        assert "directory.User.email: 1" in rows_containing("client-aaa@example.com")

        erase(world.client, django_capture_on_commit_callbacks)

        for trace in ("client-aaa@example.com", "Robinaaa", "note-aaa", "past-aaa", "555 aaa"):
            assert rows_containing(trace) == [], trace
        for trace in ("from-client-aaa", "question-aaa", "details-aaa", "contact-aaa"):
            assert rows_containing(trace) == [], trace

    def test_a_past_consultation_stays_for_the_specialist_without_the_clients_words(
        self, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        past = add_past_consultation(
            client=world.client, specialist=SpecialistFactory(), note="past-note"
        )
        follow_up = Reminder.objects.create(
            consultation=past, kind=Reminder.Kind.FOLLOW_UP, due_at=timezone.now()
        )

        erase(world.client, django_capture_on_commit_callbacks)

        past.refresh_from_db()
        assert past.status == Consultation.Status.COMPLETED
        assert (past.note, past.fit) == ("", "")
        assert not Reminder.objects.filter(pk=follow_up.pk).exists()

    def test_the_specialist_keeps_the_consultation_and_their_side_of_the_conversation(
        self, client, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")

        erase(world.client, django_capture_on_commit_callbacks)

        thread = Thread.objects.get(pk=world.thread.pk)
        assert message_texts(thread) == ["from-specialist-aaa"]
        assert thread.specialist_unread == 0
        client.force_login(world.specialist.owner)
        page = client.get(reverse("bookings:detail", kwargs={"pk": world.consultation.pk}))
        assert page.status_code == 200
        assert "Cancelled" in page.content.decode()
        assert client.get(reverse("messaging:thread", kwargs={"pk": thread.pk})).status_code == 200
        assert client.get(reverse("messaging:inbox")).status_code == 200

    def test_a_conversation_only_they_wrote_in_goes_with_their_messages(
        self, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        Message.objects.filter(sender=world.specialist.owner).delete()

        erase(world.client, django_capture_on_commit_callbacks)

        assert not Thread.objects.filter(pk=world.thread.pk).exists()

    def test_their_questions_and_contact_messages_are_deleted(
        self, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")

        erase(world.client, django_capture_on_commit_callbacks)

        assert not Question.objects.filter(pk=world.question.pk).exists()
        assert not ContactMessage.objects.exists()

    def test_the_account_is_closed_and_cannot_log_in_again(
        self, client, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        client.force_login(world.client)
        assert client.get(reverse("account")).status_code == 200

        erase(world.client, django_capture_on_commit_callbacks)

        user = User.objects.get(pk=world.client.pk)
        assert not user.is_active
        assert not user.has_usable_password()
        assert (user.first_name, user.last_name) == ("", "")
        assert user.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")
        assert not EmailAddress.objects.filter(user=user).exists()
        assert client.get(reverse("account")).status_code == 302  # the old session is gone
        login = client.post(
            reverse("account_login"), {"login": "client-aaa@example.com", "password": PASSWORD}
        )
        assert login.status_code == 400


class TestErasingASpecialist:
    def test_each_upcoming_client_is_told_of_the_cancellation(
        self, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        send_notices()
        mail.outbox.clear()

        erase(world.specialist.owner, django_capture_on_commit_callbacks)

        world.consultation.refresh_from_db()
        assert world.consultation.status == Consultation.Status.CANCELLED
        assert world.consultation.cancelled_by == Consultation.Party.SPECIALIST
        to_client = next(m for m in send_notices() if m.to == [world.client.email])
        assert "had to cancel your free consultation" in to_client.body

    def test_the_profile_articles_and_answers_are_no_longer_public(
        self, client, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        old_profile_url = world.specialist.get_absolute_url()

        erase(world.specialist.owner, django_capture_on_commit_callbacks)

        specialist = Specialist.objects.get(pk=world.specialist.pk)
        assert not Specialist.objects.listed().filter(pk=specialist.pk).exists()
        assert client.get(old_profile_url).status_code == 404
        assert client.get(specialist.get_absolute_url()).status_code == 404
        assert not Article.objects.filter(pk=world.draft.pk).exists()
        assert Article.objects.get(pk=world.published.pk).status == Article.Status.DRAFT
        assert client.get(world.published.get_absolute_url()).status_code == 404
        assert Answer.objects.get(pk=world.answer.pk).status == Answer.Status.HIDDEN
        assert "answer-aaa" not in client.get(world.question.get_absolute_url()).content.decode()

    def test_the_profile_is_emptied_and_its_photos_deleted(
        self, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")
        photos = add_photo(world.specialist)

        erase(world.specialist.owner, django_capture_on_commit_callbacks)

        specialist = Specialist.objects.get(pk=world.specialist.pk)
        assert specialist.name == "A former specialist"
        assert (specialist.bio, specialist.city, specialist.titles) == ("", "", "")
        assert not specialist.photo
        assert not any(Path(photo).exists() for photo in photos)
        for trace in ("specialist-aaa@example.com", "Dr Ada aaa", "Bio of aaa", "Townaaa"):
            assert rows_containing(trace) == [], trace

    def test_the_clients_record_still_shows_the_cancelled_consultation(
        self, client, django_capture_on_commit_callbacks
    ):
        world = build_world("aaa")

        erase(world.specialist.owner, django_capture_on_commit_callbacks)

        client.force_login(world.client)
        page = client.get(reverse("bookings:detail", kwargs={"pk": world.consultation.pk}))
        assert page.status_code == 200
        assert "A former specialist" in page.content.decode()
        assert client.get(reverse("bookings:mine")).status_code == 200
        thread = Thread.objects.get(pk=world.thread.pk)
        assert message_texts(thread) == ["from-client-aaa"]
        assert thread.client_unread == 0


def test_someone_elses_data_is_untouched(django_capture_on_commit_callbacks):
    mine = build_world("aaa")
    theirs = build_world("zzz")

    erase(mine.client, django_capture_on_commit_callbacks)
    erase(mine.specialist.owner, django_capture_on_commit_callbacks)

    theirs.consultation.refresh_from_db()
    assert theirs.consultation.status == Consultation.Status.CONFIRMED
    assert theirs.consultation.note == "note-zzz"
    assert message_texts(theirs.thread) == ["from-client-zzz", "from-specialist-zzz"]
    assert Specialist.objects.listed().filter(pk=theirs.specialist.pk).exists()
    assert User.objects.get(pk=theirs.client.pk).email == "client-zzz@example.com"
    assert EmailAddress.objects.filter(user=theirs.client).exists()


class TestDeletePage:
    def test_the_password_confirmed_delete_erases_and_logs_out(self, client):
        world = build_world("aaa")
        client.force_login(world.client)

        response = client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})

        assert response.status_code == 302
        assert not User.objects.get(pk=world.client.pk).is_active
        assert Consultation.objects.get(pk=world.consultation.pk).status == "cancelled"
        assert client.get(reverse("account")).status_code == 302

    def test_the_page_says_what_happens_and_offers_the_download_first(self, client):
        client.force_login(UserFactory())

        page = client.get(reverse("account_delete")).content.decode()

        assert "the other person is told by e-mail" in page
        assert reverse("account_data") in page
