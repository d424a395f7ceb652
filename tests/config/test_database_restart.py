"""PostgreSQL restarted under a running site: the next request reconnects by itself.

A restart ends every connection the site holds open (CONN_MAX_AGE keeps them between
requests); CONN_HEALTH_CHECKS makes the first request after it notice and reconnect instead
of failing. The test client bypasses the request signals that drive both, so the site runs
in gunicorn, as in production, and the restart is `pg_terminate_backend` on each of its
connections, which is what a restart does to them.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"needs PostgreSQL (this run uses {connection.vendor}); "
        "set DATABASE_URL=postgres://... to run it",
    ),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SITE = "restart-test-site"  # the application name the site's connections carry


def _database_url() -> str:
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        f"?application_name={SITE}"
    )


@pytest.fixture
def site(tmp_path) -> Iterator[str]:
    """The site in gunicorn, one worker, on the test database."""
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
            "DJANGO_VAR_DIR": str(tmp_path),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(f"{url}/healthz", timeout=2).close()  # noqa: S310 - our own server
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


def _site_backends() -> set[int]:
    """The server processes of the site's connections (not those of other tests' threads)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            [SITE],
        )
        return {pid for (pid,) in cursor.fetchall()}


def _restart_drops_connections() -> None:
    """End the site's connections from a connection of its own, as a restart does."""
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database["NAME"]],
        )


def _status(url: str) -> int:
    with urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
        return int(response.status)


def test_after_the_database_drops_every_connection_the_next_request_succeeds(site):
    assert _status(f"{site}/specialists/") == 200
    kept = _site_backends()
    assert _status(f"{site}/specialists/") == 200
    assert _site_backends() == kept and len(kept) == 1  # one connection, kept open

    _restart_drops_connections()
    connection.close()  # this test's own went too

    assert _status(f"{site}/specialists/") == 200
    assert _status(f"{site}/healthz") == 200
    reconnected = _site_backends()
    assert len(reconnected) == 1 and reconnected != kept
