"""`make audit` says NOT RUN only when pip-audit reached no vulnerability data at all."""

import runpy
from pathlib import Path

verdict = runpy.run_path(str(Path(__file__).resolve().parents[2] / ".ci" / "audit.py"))["verdict"]

DJANGO = {"name": "django", "version": "5.2.1", "vulns": []}
CELERY = {"name": "celery", "version": "5.5.0", "vulns": []}


def test_nothing_reached_is_reported_as_not_run_and_exits_0():
    skipped = {"skip_reason": "Dependency not found on PyPI and could not be audited"}
    code, lines = verdict({"dependencies": [DJANGO | skipped, CELERY | skipped]})

    assert code == 0
    assert lines == ["== Dependency audit NOT RUN: vulnerability data unreachable"]


def test_a_known_vulnerability_fails():
    vulnerable = DJANGO | {"vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.2"]}]}

    code, lines = verdict({"dependencies": [vulnerable, CELERY]})

    assert code == 1
    assert "django 5.2.1: PYSEC-2099-1 (fixed in 5.2.2)" in lines


def test_one_dependency_not_audited_while_others_were_fails():
    code, _ = verdict({"dependencies": [DJANGO, CELERY | {"skip_reason": "not found"}]})

    assert code == 1


def test_all_audited_and_clean_passes():
    assert verdict({"dependencies": [DJANGO, CELERY]})[0] == 0
