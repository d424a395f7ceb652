import pytest
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from messaging import contact, conversations
from messaging.models import ContactMessage, Message, Thread
from tests.factories import SpecialistFactory, UserFactory
from tests.outbox.conftest import send_outbox

pytestmark = pytest.mark.django_db


def start(client_user=None, specialist=None, body="Hello, do you offer evening sessions?"):
    client_user = client_user or UserFactory()
    specialist = specialist or SpecialistFactory()
    return conversations.message_specialist(client=client_user, specialist=specialist, body=body)


def test_messaging_a_specialist_needs_an_account(client):
    specialist = SpecialistFactory()

    response = client.get(f"/specialists/{specialist.slug}/message/")

    assert "You need to be logged in to send messages" in response.content.decode()
    assert (
        client.post(f"/specialists/{specialist.slug}/message/", {"body": "hi"}).status_code == 403
    )


def test_a_client_writes_and_the_specialist_sees_it_unread_in_the_inbox(client):
    specialist = SpecialistFactory()
    client.force_login(UserFactory())

    response = client.post(f"/specialists/{specialist.slug}/message/", {"body": "Hello there"})
    thread = Thread.objects.get()
    client.force_login(specialist.owner)
    inbox = client.get("/inbox/").content.decode()
    opened = client.get(thread.get_absolute_url())

    assert response.status_code == 302
    assert '<span class="unread"' in inbox
    assert '<span class="meta"> 0 minutes ago </span>' in " ".join(inbox.split())
    assert "Hello there" in opened.content.decode()
    thread.refresh_from_db()
    assert thread.specialist_unread == 0


def test_only_the_two_parties_read_a_thread_not_even_staff_until_reported(client):
    message = start()
    url = message.thread.get_absolute_url()

    for outsider in (UserFactory(), UserFactory(is_staff=True), SpecialistFactory().owner):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "intrusion"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302

    conversations.report(thread=message.thread, reporter=message.sender)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_notification_says_a_message_is_waiting_without_its_content(mailoutbox):
    message = start(body="My private words about my marriage")

    assert conversations.notify_recipient(message_id=message.pk) is True
    email = mailoutbox[0]
    assert email.to == [message.thread.specialist.owner.email]
    assert "marriage" not in email.subject + email.body
    assert "private" not in email.alternatives[0][0]
    assert message.thread.get_absolute_url() in email.body
    owner = message.thread.specialist.owner
    assert email.body.startswith(f"Hello {owner.display_name},")


def test_crisis_language_holds_the_message_and_shows_crisis_resources(client, mailoutbox):
    specialist = SpecialistFactory()
    client.force_login(UserFactory())

    response = client.post(
        f"/specialists/{specialist.slug}/message/", {"body": "I want to end my life"}, follow=True
    )
    message = Message.objects.get()

    assert message.status == Message.Status.HELD
    assert "/crisis-support/" in response.content.decode()
    assert conversations.notify_recipient(message_id=message.pk) is False
    client.force_login(specialist.owner)
    assert "end my life" not in client.get(message.thread.get_absolute_url()).content.decode()
    assert conversations.release(message=message) is True
    assert "end my life" in client.get(message.thread.get_absolute_url()).content.decode()


def test_a_blocked_client_cannot_write_again(client):
    message = start()
    client.force_login(message.thread.specialist.owner)
    client.post(f"/inbox/{message.thread.pk}/block/", {"action": "block"})

    with pytest.raises(conversations.MessagingError):
        start(client_user=message.sender, specialist=message.thread.specialist)
    with pytest.raises(conversations.MessagingError):
        conversations.reply(thread=message.thread, sender=message.sender, body="again")


def test_only_the_specialist_of_the_thread_can_block(client):
    message = start()
    client.force_login(message.sender)

    assert client.post(f"/inbox/{message.thread.pk}/block/").status_code == 404


def test_sending_is_rate_limited():
    sender, specialist = UserFactory(), SpecialistFactory()
    for _ in range(conversations.MESSAGES_PER_HOUR):
        start(client_user=sender, specialist=specialist)

    with pytest.raises(conversations.MessagingError):
        start(client_user=sender, specialist=specialist)


def test_an_empty_or_huge_message_answers_400_and_nothing_is_sent(client):
    specialist = SpecialistFactory()
    client.force_login(UserFactory())

    assert (
        client.post(f"/specialists/{specialist.slug}/message/", {"body": "  "}).status_code == 400
    )
    huge = client.post(f"/specialists/{specialist.slug}/message/", {"body": "x" * 6000})
    assert huge.status_code == 400
    assert not Message.objects.exists()


def test_a_specialist_cannot_message_themselves():
    specialist = SpecialistFactory()

    with pytest.raises(conversations.MessagingError):
        start(client_user=specialist.owner, specialist=specialist)


def test_the_nav_shows_the_unread_count(client):
    message = start()
    client.force_login(message.thread.specialist.owner)

    page = client.get("/articles/").content.decode()

    assert "Inbox" in page and '<span class="unread"' in page


def test_unread_counts_what_waits_for_a_person_on_either_side():
    person = UserFactory()
    own_practice = SpecialistFactory(owner=person)
    as_client = start(client_user=person).thread
    conversations.reply(thread=as_client, sender=as_client.specialist.owner, body="Yes, we do.")
    conversations.reply(thread=as_client, sender=as_client.specialist.owner, body="Tuesdays.")
    start(specialist=own_practice)
    start()  # someone else's conversation

    assert conversations.unread_total(user=person) == 3
    assert conversations.unread_total(user=UserFactory()) == 0


def test_the_contact_form_needs_an_account_and_reaches_staff(client, mailoutbox, settings):
    settings.STAFF_EMAIL = "staff@example.com"
    assert "You need to be logged in to contact us" in client.get("/contact/").content.decode()
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/contact/", {"subject": "general", "body": "How do refunds work?"}, follow=True
    )
    stored = ContactMessage.objects.get()

    assert "Your message has been sent" in response.content.decode()
    assert contact.email_staff(contact_id=stored.pk) is True
    assert contact.email_staff(contact_id=stored.pk) is False
    assert mailoutbox[0].to == ["staff@example.com"]
    assert mailoutbox[0].reply_to == [user.email]
    assert "refunds" not in mailoutbox[0].subject
    assert client.post("/contact/", {"subject": "nope", "body": ""}).status_code == 400


def test_a_held_first_message_does_not_reach_the_specialists_inbox(client):
    message = start(body="I want to kill myself")
    client.force_login(message.thread.specialist.owner)

    assert message.thread.get_absolute_url() not in client.get("/inbox/").content.decode()
    client.force_login(message.sender)
    assert message.thread.get_absolute_url() in client.get("/inbox/").content.decode()


def test_with_the_broker_down_the_contact_form_still_saves_answers_and_e_mails_staff(
    client, monkeypatch, django_capture_on_commit_callbacks, mailoutbox, settings
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    settings.STAFF_EMAIL = "staff@example.com"
    client.force_login(UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", {"subject": "general", "body": "How do refunds work?"})

    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1
    assert send_outbox() == 1  # the e-mail waited in the database, not on the broker
    assert [message.to for message in mailoutbox] == [["staff@example.com"]]


def test_nobody_can_reply_to_a_closed_account():
    message = start()
    specialist_owner = message.thread.specialist.owner
    message.sender.is_active = False
    message.sender.save()

    with pytest.raises(conversations.MessagingError, match="account was closed"):
        conversations.reply(thread=message.thread, sender=specialist_owner, body="Hello?")
    assert Message.objects.count() == 1


def test_each_side_sees_the_sent_messages_and_only_their_own_held_one():
    first = start()
    thread = first.thread
    held = conversations.reply(thread=thread, sender=first.sender, body="I want to end my life")
    answer = conversations.reply(
        thread=thread, sender=thread.specialist.owner, body="Thank you for writing."
    )

    assert held.status == Message.Status.HELD
    assert conversations.shown_to(thread=thread, reader=first.sender) == [first, held, answer]
    assert conversations.shown_to(thread=thread, reader=thread.specialist.owner) == [
        first,
        answer,
    ]


def test_a_block_stops_only_that_client_writing_to_that_specialist():
    message = start()
    thread = message.thread
    conversations.block(specialist=thread.specialist, client=message.sender)

    assert conversations.is_blocked(specialist_id=thread.specialist_id, client_id=message.sender.pk)
    assert not conversations.is_blocked(
        specialist_id=thread.specialist_id, client_id=UserFactory().pk
    )
    assert not conversations.is_blocked(
        specialist_id=SpecialistFactory().pk, client_id=message.sender.pk
    )


def test_the_navigation_kept_drawn_shows_a_new_message_and_a_log_out_at_once(client):
    specialist = SpecialistFactory()
    client.force_login(specialist.owner)
    assert '<span class="unread"' not in client.get("/articles/").content.decode()

    start(specialist=specialist)
    page = client.get("/articles/").content.decode()
    client.logout()
    logged_out = client.get("/articles/").content.decode()

    assert '<span class="unread" aria-hidden="true">1</span>' in page
    assert "Log out" not in logged_out and "Log in" in logged_out
