"""`make faults`: restart PostgreSQL under a running site; the site recovers by itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firststep_faults \\
    REDIS_URL=redis://127.0.0.1:6379/5 make faults

gunicorn serves the site as in production (bench.load.Gunicorn, two workers, each keeping
its database connection between requests). A client asks for the search page every
50 ms; after a few seconds the local cluster is restarted for real with Debian's
`pg_ctlcluster --skip-systemctl-redirect <version> main restart`, and the client goes on
for a few seconds after PostgreSQL accepts connections again. Prints the answers before,
during and after the restart, writes var/bench/faults.json, and exits 1 if a request
failed before or after the restart, or if gunicorn replaced a worker: the site must come
back without a restart of its own.

The restart drops every connection to every database of the cluster, so the script
refuses to run while another database has clients (`--force` runs it anyway).
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

from bench.load import Gunicorn

BEFORE_SECONDS = 5
AFTER_SECONDS = 8
PAUSE_SECONDS = 0.05


def _cluster_version() -> str | None:
    """The one PostgreSQL cluster version Debian's tools manage here, if there is one."""
    folder = Path("/etc/postgresql")
    versions = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return versions[0] if len(versions) == 1 and shutil.which("pg_ctlcluster") else None


def _other_databases_in_use() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname, count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND datname <> current_database() "
            "GROUP BY datname"
        )
        return dict(cursor.fetchall())


def _ask(url: str, answers: list[tuple[float, int]], stop: threading.Event) -> None:
    """Request `url` until told to stop: (moment asked, status; 0 for no answer at all)."""
    while not stop.is_set():
        asked = time.monotonic()
        try:
            with urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
                status = int(response.status)
        except HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        answers.append((asked, status))
        time.sleep(PAUSE_SECONDS)


def _wait_accepting(database_url: str, timeout: float = 60) -> float:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(database_url, connect_timeout=2).close()
            return time.monotonic()
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main(argv: list[str]) -> int:
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    version = _cluster_version()
    if not database.startswith("postgres") or not redis or version is None:
        print(
            "make faults needs DATABASE_URL (PostgreSQL) and REDIS_URL, and Debian's "
            "pg_ctlcluster with one cluster in /etc/postgresql, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/firststep_faults "
            "REDIS_URL=redis://127.0.0.1:6379/5 make faults",
            file=sys.stderr,
        )
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    busy = _other_databases_in_use()
    connection.close()
    if busy and "--force" not in argv:
        print(
            f"Other databases have clients ({busy}); a restart would cut them off. "
            "Run again when they are done, or with --force.",
            file=sys.stderr,
        )
        return 3

    out_dir = Path(settings.VAR_DIR) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    web = Gunicorn(workers=2, log=out_dir / "faults-gunicorn.log", settings_module="bench.settings")
    answers: list[tuple[float, int]] = []
    stop = threading.Event()
    try:
        web.wait_ready()
        workers = web.worker_pids()
        client = threading.Thread(target=_ask, args=(f"{web.url}/specialists/", answers, stop))
        client.start()
        time.sleep(BEFORE_SECONDS)
        print(f"-- restarting PostgreSQL {version}/main", flush=True)
        restart_at = time.monotonic()
        subprocess.run(  # noqa: S603 - fixed arguments
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S607
            check=True,
        )
        back_at = _wait_accepting(database)
        time.sleep(AFTER_SECONDS)
        stop.set()
        client.join()
        same_workers = web.worker_pids() == workers
    finally:
        stop.set()
        web.stop()

    phases = {
        "before the restart": [s for t, s in answers if t < restart_at],
        "while PostgreSQL restarts": [s for t, s in answers if restart_at <= t < back_at],
        "after PostgreSQL is back": [s for t, s in answers if t >= back_at],
    }
    first_ok = next((t - back_at for t, s in answers if t >= back_at and s == 200), None)
    report = {
        "restart_seconds": round(back_at - restart_at, 2),
        "phases": {name: dict(Counter(map(str, statuses))) for name, statuses in phases.items()},
        "first_success_after_back_seconds": None if first_ok is None else round(first_ok, 3),
        "gunicorn_workers_unchanged": same_workers,
    }
    print(f"\n{'requests':<27} {'count':>6}  answers (status: count; 0 = no answer)")
    for name, statuses in phases.items():
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(Counter(statuses).items()))
        print(f"{name:<27} {len(statuses):>6}  {counts}")
    print(f"PostgreSQL was down for {report['restart_seconds']} s")
    print(f"first success after it was back: {report['first_success_after_back_seconds']} s")
    print(f"gunicorn workers unchanged (no restart of the site): {same_workers}")
    out = out_dir / "faults.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    failed = [
        s for name, statuses in phases.items() if name != "while PostgreSQL restarts"
        for s in statuses if s != 200
    ]  # fmt: skip
    return 1 if failed or not phases["after PostgreSQL is back"] or not same_workers else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
