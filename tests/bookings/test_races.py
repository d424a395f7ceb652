"""No double booking under concurrent requests, on both databases."""

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bookings.models import Consultation
from tests.bookings.conftest import free_slot, open_hours, race
from tests.factories import SpecialistFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_fifty_threads_on_a_sqlite_file_book_one_slot_exactly_once(tmp_path):
    env = {**os.environ, "DJANGO_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.bookings.sqlite_race", "50"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["vendor"] == "sqlite"
    assert report["database"].startswith(str(tmp_path))
    assert report["consultations"] == 1
    outcomes = Counter(report["outcomes"])
    assert outcomes.pop("booked") == 1
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert sum(outcomes.values()) == 49
    assert all("just booked" in o or "no longer available" in o for o in outcomes), outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_attempts_on_postgresql_give_one_consultation_and_49_clear_answers():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (this run uses {connection.vendor}); "
            "set DATABASE_URL=postgres://... to run the real race"
        )
    specialist = SpecialistFactory()
    open_hours(specialist)
    clients = [UserFactory() for _ in range(50)]
    slot = free_slot(specialist, after=timedelta(days=2))
    outcomes = race(specialist=specialist, starts_at=slot.starts_at, clients=clients)

    counted = Counter(outcomes)
    assert counted.pop("booked") == 1, counted
    assert not [o for o in counted if o.startswith("error")], counted
    assert sum(counted.values()) == 49
    assert Consultation.objects.filter(specialist=specialist).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_refuses_overlapping_ranges_that_start_at_different_times():
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL's exclusion constraint (this run uses {connection.vendor})")
    from django.db import IntegrityError, transaction

    specialist = SpecialistFactory()
    starts = timezone.now().replace(microsecond=0) + timedelta(days=3)
    Consultation.objects.create(
        specialist=specialist,
        client=UserFactory(),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(
            specialist=specialist,
            client=UserFactory(),
            starts_at=starts + timedelta(minutes=15),
            ends_at=starts + timedelta(minutes=45),
        )
