import os
import shutil
import socket
import subprocess
import sys
import threading
import time as clock
from collections.abc import Iterator
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bookings import availability, booking, notices
from bookings.models import WeeklyHours
from tests.factories import SpecialistFactory, UserFactory

ALL_DAY = (time(0, 0), time(0, 0))  # 00:00 to the end of the day


def open_hours(specialist, *, starts=time(9), ends=time(17), weekdays=range(7)):
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=day, starts=starts, ends=ends)
        for day in weekdays
    )


def deliver_notices() -> int:
    """What the notice sweep sends once the notices written until now are due."""
    return notices.send_pending(now=timezone.now() + notices.SETTLE)


def free_slot(specialist, *, after=timedelta(days=2), index=0):
    now = timezone.now()
    found = availability.slots_for(
        specialist=specialist, now=now, starts=now + after, ends=now + after + timedelta(days=7)
    )
    return found[index]


def race(*, specialist, starts_at, clients) -> list[str]:
    """Every client books `starts_at` at the same moment, each on its own connection.

    How each attempt ended: "booked", "refused: <message>" or "error: <exception>".
    """
    barrier = threading.Barrier(len(clients))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(client) -> None:
        barrier.wait()
        try:
            booking.book(
                client=client,
                specialist=specialist,
                starts_at=starts_at,
                mode="video",
                now=timezone.now(),
            )
            outcome = "booked"
        except booking.BookingError as error:
            outcome = f"refused: {error}"
        except Exception as error:
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def specialist(db):
    specialist = SpecialistFactory(time_zone="America/Toronto")
    open_hours(specialist, starts=time(0), ends=time(0))
    return specialist


@pytest.fixture
def client_user(db):
    return UserFactory(email="client-person@example.com", first_name="Robin")


def pytest_terminal_summary(terminalreporter):
    """Say which database-specific bookings tests did not run, and why, in every run."""
    for report in terminalreporter.stats.get("skipped", []):
        if "tests/bookings/" in report.nodeid and isinstance(report.longrepr, tuple):
            terminalreporter.write_line(f"bookings: skipped {report.nodeid}: {report.longrepr[2]}")


# Real Celery workers in other processes, for the fault tests. They need a database they
# can see (PostgreSQL) and run on a Redis server of the test's own, so that stopping it or
# what a killed worker leaves in it never touches the shared one.

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_SERVER = shutil.which("redis-server")


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(REDIS_SERVER or "redis-server", "--port", str(self.port)),
                *("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                *("--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = clock.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if clock.monotonic() > deadline:
                    raise
                clock.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def worker_env(*, redis_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker on this test's database; e-mail goes to .eml files
    under var_dir/mail unless DJANGO_EMAIL_BACKEND says otherwise."""
    database = connection.settings_dict
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "True",
        "DJANGO_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "REDIS_URL": redis_url,
        **extra,
    }


def beat_tick(env: dict[str, str], *tasks: str) -> None:
    """Publish what Celery beat publishes on its schedule."""
    for task in tasks:
        subprocess.run(  # noqa: S603
            [CELERY, "-A", "config", "call", task], cwd=ROOT, env=env, check=True, timeout=60
        )
