"""Logs are safe to keep: a whole journey against gunicorn, then the log is searched for
every secret the journey used."""

import subprocess
import sys
from urllib.parse import quote, urlsplit

import pytest

from config.logging import redact
from tests.security.live import ROOT, Browser, gunicorn_site, site_environ

PASSWORD = "journey-pass-2026"
NEW_PASSWORD = "journey-pass-2027"


def _path_of(links: list[str], part: str) -> str:
    return next(urlsplit(link).path for link in links if part in link)


def _feed_token(site) -> str:
    script = (
        "from bookings.models import BookingSettings\n"
        "from tests.factories import SpecialistFactory\n"
        "print(BookingSettings.objects.create(specialist=SpecialistFactory()).feed_token)"
    )
    made = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=site_environ(site.var_dir), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return made.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("sent", "logged"),
    [
        ("/calendar/Zx9-secret_token.ics", "/calendar/[redacted].ics"),
        ("/accounts/confirm-email/MQ:1vA:key/", "/accounts/confirm-email/[redacted]/"),
        ("/accounts/password/reset/key/3-abc-def/", "/accounts/password/reset/key/[redacted]/"),
        ("/specialists/?q=x&token=abc&Key=1", "/specialists/?q=x&token=[redacted]&Key=[redacted]"),
        ("/a\x1b[2J\r\nFORGED \u202eexe", "/a\\x1b[2J\\x0d\\x0aFORGED \\u202eexe"),
        ("/specialists/leanne-sawchuk/", "/specialists/leanne-sawchuk/"),
    ],
)
def test_redaction_marks_secret_parts_and_escapes_control_characters(sent, logged):
    assert redact(sent) == logged


def test_a_whole_journey_leaves_no_secret_and_no_control_character_in_the_logs(tmp_path):
    with gunicorn_site(tmp_path) as site:
        person = Browser(site.url)
        signed_up = person.post(
            "/accounts/signup/",
            {"email": "journey@example.com", "password1": PASSWORD, "password2": PASSWORD,
             "role": "client", "first_name": "Robin"},
        )  # fmt: skip
        assert signed_up.status == 302
        confirm = _path_of(site.links_in_last_mail(), "/confirm-email/")
        assert person.get(confirm).status == 200
        assert person.post(confirm, {}).status == 302

        stranger = Browser(site.url)
        stranger.post("/accounts/password/reset/", {"email": "journey@example.com"})
        reset = _path_of(site.links_in_last_mail(), "/password/reset/key/")
        set_password = stranger.get(reset)
        assert set_password.status == 302
        changed = stranger.post(
            set_password.headers["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        assert changed.status == 302

        token = _feed_token(site)
        assert person.get(f"/calendar/{token}.ics").status == 200
        assert person.get(f"/calendar/{token[::-1]}.ics").status == 404  # logged by Django too
        assert person.get("/specialists/?token=query-secret-4711&q=calm").status == 200
        person.get("/nowhere/%1b[2J%0d%0aFORGED%20line%e2%80%ae")

    log = site.log
    secrets = {
        "confirmation key": confirm.rstrip("/").rsplit("/", 1)[-1],
        "reset key": reset.rstrip("/").rsplit("/", 1)[-1],
        "feed token": token,
        "reversed feed token": token[::-1],
        "query token": "query-secret-4711",
    }
    for what, secret in secrets.items():
        assert secret not in log, what
        assert quote(secret, safe="") not in log, what
    assert "/calendar/[redacted].ics" in log
    assert "/confirm-email/[redacted]/" in log
    assert "\x1b" not in log and "\u202e" not in log
    assert not any(line.startswith("FORGED") for line in log.splitlines())
    assert "FORGED" in log  # escaped, on the request's own line
