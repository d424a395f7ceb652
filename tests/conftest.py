import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache, caches


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    for each in (cache, caches["fragments"]):
        each.clear()
    yield
    for each in (cache, caches["fragments"]):
        each.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILBOX_DIR = tmp_path / "mail"


@pytest.fixture(autouse=True)
def _every_email_is_written_one_way():
    """Collects every e-mail any test makes the product send: each one has the site's
    subject prefix, a text body and an HTML alternative (config/emails.py)."""
    yield
    for message in getattr(mail, "outbox", []):
        assert message.subject.startswith(django_settings.ACCOUNT_EMAIL_SUBJECT_PREFIX), (
            message.subject
        )
        assert message.body.strip(), message.subject
        assert [kind for _, kind in getattr(message, "alternatives", [])] == ["text/html"], (
            message.subject
        )
