import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from config import mailbox
from config.mailbox import MailboxBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_degraded_when_the_broker_is_unreachable(client, settings):
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL

    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_mailbox_backend_writes_one_readable_file_per_message(settings, tmp_path):
    settings.MAILBOX_DIR = tmp_path / "mail"
    message = EmailMultiAlternatives(
        "Confirm your e-mail", "Open http://x/confirm/abc", to=["a@example.com"]
    )
    message.attach_alternative("<p>Open it</p>", "text/html")

    sent = MailboxBackend().send_messages([message, message])

    files = list((tmp_path / "mail").glob("*.eml"))
    assert sent == 2
    assert len(files) == 2
    stored = mailbox.read_mail(name=files[0].name)
    assert stored.subject == "Confirm your e-mail"
    assert "http://x/confirm/abc" in stored.text
    assert stored.html.strip() == "<p>Open it</p>"


def test_mailbox_refuses_names_outside_its_folder(settings, tmp_path):
    settings.MAILBOX_DIR = tmp_path / "mail"
    (tmp_path / "mail").mkdir()

    with pytest.raises(FileNotFoundError):
        mailbox.read_mail(name="../../etc/passwd")


def test_mail_pages_are_not_routed_outside_debug_mode(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get("/dev/mail/").status_code == 404


def test_home_page_explains_the_free_consultation(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "30 minutes, completely free" in content
    assert reverse("directory:search") in content
    assert reverse("crisis") in content


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_static_files_are_shipped_not_fetched_from_a_cdn(client):
    content = client.get(reverse("home")).content.decode()

    assert "/static/css/site.css" in content
    assert "https://" not in content.split("<body>")[0]


def test_the_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert "988" in html
