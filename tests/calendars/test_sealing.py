import os
import subprocess
import sys
from pathlib import Path

import pytest

from calendars.sealing import UnsealError, seal, unseal


def test_a_sealed_value_opens_with_the_same_key_and_purpose():
    sealed = seal("https://example.com/private-token.ics", purpose="url")

    assert "private-token" not in sealed
    assert unseal(sealed, purpose="url") == "https://example.com/private-token.ics"


def test_each_seal_is_different():
    assert seal("same", purpose="url") != seal("same", purpose="url")


def test_a_value_sealed_for_one_purpose_does_not_open_as_another():
    with pytest.raises(UnsealError):
        unseal(seal("hunter2", purpose="password"), purpose="url")


def test_another_key_cannot_open_it(settings):
    sealed = seal("secret", purpose="url")
    settings.CALENDARS_SECRET_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI="

    with pytest.raises(UnsealError):
        unseal(sealed, purpose="url")


@pytest.mark.parametrize("damaged", ["", "v1:", "v1:!!!", "v0:abc", "v1:" + "A" * 40])
def test_a_damaged_value_raises_unseal_error(damaged):
    with pytest.raises(UnsealError):
        unseal(damaged, purpose="url")


def test_production_without_a_calendar_key_fails_with_a_clear_message():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CALENDARS_"))}
    env.update(DJANGO_DEBUG="False", DJANGO_SECRET_KEY="x" * 60)
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "CALENDARS_SECRET_KEY must be set" in result.stderr
