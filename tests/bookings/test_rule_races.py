"""Each booking rule holds when another request runs between its read and its write."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.bookings import rule_races

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sqlite_outcomes(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("rule-races")
    env = {**os.environ, "DJANGO_VAR_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.bookings.rule_races"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {line.pop("scenario"): line for line in lines}


@pytest.mark.parametrize("name", list(rule_races.SCENARIOS))
def test_on_a_sqlite_file_the_second_request_waits_and_the_rule_holds(name, sqlite_outcomes):
    outcome = rule_races.Outcome(**sqlite_outcomes[name])

    assert outcome.second_waited, outcome
    assert outcome.rule_held, outcome


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(rule_races.SCENARIOS))
def test_on_postgresql_the_second_request_waits_and_the_rule_holds(name):
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (this run uses {connection.vendor})")
    outcome = rule_races.SCENARIOS[name]()

    assert outcome.second_waited, outcome
    assert outcome.rule_held, outcome


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_and_cancellations_never_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (this run uses {connection.vendor})")
    outcomes = rule_races.mixed_changes()

    assert len(outcomes) == 16
    assert not [o for o in outcomes if o.startswith("error")], outcomes
