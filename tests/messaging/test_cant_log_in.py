"""\"Can't log in?\": a person who cannot get in reaches the team, within limits."""

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging import contact
from messaging.models import ContactMessage
from privacy import erasure
from tests.factories import UserFactory
from tests.outbox.conftest import send_outbox

pytestmark = pytest.mark.django_db

URL = "/contact/cant-log-in/"
WRITTEN = "The reset link says it has expired, every time I try it."


def write(*, email="robin@example.com", body=WRITTEN, ip="198.51.100.7"):
    return contact.write_while_logged_out(email=email, body=body, ip=ip)


def post(client, *, email="robin@example.com", body=WRITTEN, ip="198.51.100.7", **extra):
    return client.post(URL, {"email": email, "body": body, **extra}, REMOTE_ADDR=ip)


# --- The domain function ----------------------------------------------------------------------


def test_the_message_is_kept_and_goes_to_staff_and_back_to_the_writer(mailoutbox, settings):
    settings.STAFF_EMAIL = "staff@example.com"
    stored = write(email="  Robin@Example.com ")

    assert (stored.sender, stored.reply_to) == (None, "Robin@Example.com")
    assert stored.subject == ContactMessage.Subject.CANT_LOG_IN
    assert send_outbox() == 2  # one e-mail for staff, one for the acknowledgement
    assert contact.email_staff(contact_id=stored.pk) is False
    assert contact.acknowledge(contact_id=stored.pk) is False
    to_staff, to_writer = mailoutbox
    assert to_staff.to == ["staff@example.com"]
    assert to_staff.reply_to == ["Robin@Example.com"]
    assert "written while logged out" in to_staff.body and WRITTEN in to_staff.body
    assert to_writer.to == ["Robin@Example.com"]
    assert to_writer.subject == "[First Step] We have your message"
    assert "reached the First Step team" in to_writer.body
    assert reverse("account_reset_password") in to_writer.body


def test_the_acknowledgement_carries_nothing_that_was_written_and_goes_once(mailoutbox):
    stored = write(body="Visit my shop at spam.example for cheap pills!!")

    assert contact.acknowledge(contact_id=stored.pk) is True
    assert contact.acknowledge(contact_id=stored.pk) is False
    (note,) = mailoutbox
    html = note.alternatives[0][0]
    assert "spam.example" not in note.body + note.subject + html


def test_a_message_from_the_contact_form_gets_no_acknowledgement(mailoutbox):
    stored = contact.contact_staff(sender=UserFactory(), subject="general", body=WRITTEN)

    assert contact.acknowledge(contact_id=stored.pk) is False
    assert mailoutbox == []


def test_one_ip_address_is_stopped_after_a_few_messages_whatever_the_address():
    for number in range(contact.LOCKED_OUT_PER_IP_PER_HOUR):
        write(email=f"person{number}@example.com")

    with pytest.raises(contact.TooManyMessages):
        write(email="someone-else@example.com")
    write(email="someone-else@example.com", ip="203.0.113.9")  # another address still can
    assert ContactMessage.objects.count() == contact.LOCKED_OUT_PER_IP_PER_HOUR + 1


def test_one_e_mail_address_is_stopped_after_a_few_messages_from_any_ip_address():
    for number in range(contact.LOCKED_OUT_PER_EMAIL_PER_DAY):
        write(ip=f"203.0.113.{number + 1}")

    with pytest.raises(contact.TooManyMessages):
        write(email="ROBIN@example.com ", ip="192.0.2.1")
    write(email="sam@example.com", ip="192.0.2.1")


def test_erasing_an_account_erases_what_its_address_wrote_while_logged_out():
    person = UserFactory(email="robin@example.com")
    write()
    other = write(email="sam@example.com")

    erasure.erase_account(user=person, now=timezone.now())

    assert list(ContactMessage.objects.all()) == [other]


# --- The pages --------------------------------------------------------------------------------


def test_a_logged_out_person_writes_and_lands_on_a_calm_confirmation(client):
    form = client.get(URL)

    assert form.status_code == 200
    assert 'name="website"' in form.content.decode()  # the field only programs fill in
    sent = post(client)
    assert sent.status_code == 302 and sent.url == reverse("messaging:cant_log_in_sent")
    assert ContactMessage.objects.get().body == WRITTEN
    page = client.get(sent.url).content.decode()
    assert "Your message is on its way" in page
    assert reverse("account_login") in page


@pytest.mark.parametrize(
    ("email", "body", "says"),
    [
        ("not-an-address", WRITTEN, "Please give an e-mail address like name@example.com."),
        ("", WRITTEN, "Please give an e-mail address we can answer."),
        ("robin@example.com", "help", "Please tell us a little more"),
        ("robin@example.com", "x" * 5001, "Please keep it under 5,000 characters."),
        ("robin@example.com", "\x00" * 20, "Null characters are not allowed."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept(client, email, body, says):
    refused = post(client, email=email, body=body)

    page = refused.content.decode()
    assert refused.status_code == 400
    assert says in page
    if email:
        assert f'value="{email}"' in page
    assert ContactMessage.objects.count() == 0


def test_a_program_that_fills_in_the_hidden_field_is_shown_success_and_nothing_is_kept(client):
    response = post(client, website="https://spam.example")

    assert response.status_code == 302
    assert ContactMessage.objects.count() == 0


def test_past_the_limit_the_page_says_so_with_429_and_keeps_what_was_written(client):
    for _number in range(contact.LOCKED_OUT_PER_EMAIL_PER_DAY):
        post(client)

    refused = post(client, body="Still locked out, and the code never arrives either.")

    page = refused.content.decode()
    assert refused.status_code == 429
    assert "this one was not sent" in page
    assert "Still locked out, and the code never arrives either." in page
    assert ContactMessage.objects.count() == contact.LOCKED_OUT_PER_EMAIL_PER_DAY


def test_someone_logged_in_is_sent_to_the_contact_form(client):
    client.force_login(UserFactory())

    assert client.get(URL).url == reverse("messaging:contact")
    assert post(client).url == reverse("messaging:contact")
    assert ContactMessage.objects.count() == 0


def test_the_contact_form_does_not_offer_the_logged_out_subject(client):
    client.force_login(UserFactory())

    assert "I can&#x27;t log in" not in client.get("/contact/").content.decode()
    assert client.post("/contact/", {"subject": "cant_log_in", "body": WRITTEN}).status_code == 400


@pytest.mark.parametrize("path", ["/accounts/login/", "/contact/", "/accounts/confirm-email/"])
def test_the_way_to_the_team_is_linked_where_a_logged_out_person_gets_stuck(client, path):
    assert f'href="{URL}"' in client.get(path).content.decode()
