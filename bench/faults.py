"""`make faults`: PostgreSQL and Redis fail under a running site; it answers honestly and
recovers by itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firststep_faults \\
    REDIS_URL=redis://127.0.0.1:6379/5 make faults

gunicorn serves the site as in production (bench.load.Gunicorn, two workers, each keeping
its database connection between requests) while clients ask for pages and /healthz every
50 ms. Four faults, each on a fresh gunicorn:

- the database unreachable: a TCP proxy between gunicorn and PostgreSQL (bench/proxy.py)
  drops every connection and refuses new ones for a few seconds, then lets them through;
- a slow database: the same proxy delays every packet by 200 ms for a few seconds;
- Redis stopped and started: a Redis server of the run's own (a free port) stops, then
  starts again;
- PostgreSQL restarted for real with Debian's `pg_ctlcluster --skip-systemctl-redirect
  <version> main restart`. The restart drops every connection to every database of the
  cluster, so it is skipped (and says so) while another database has clients; `--force`
  runs it anyway.

Prints, per fault and phase, what clients saw (status codes, the slowest answer) and the
time to recover, writes var/bench/faults.json, and exits 1 on any 500, any request without
an answer or slower than 10 s, or a site that did not recover by itself (a page not
answering 200 at the end, or gunicorn replacing a worker).
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from bench.load import Gunicorn, _free_port
from bench.proxy import Proxy

PAUSE_SECONDS = 0.05
SLOWEST_ACCEPTABLE = 10.0
PAGES = ("/specialists/", "/")
HEALTH = "/healthz"


@dataclass(frozen=True)
class Answer:
    asked: float
    path: str
    status: int  # 0: no answer at all
    seconds: float


@dataclass(frozen=True)
class Step:
    """A phase of a fault: what happens at its start, and how long it lasts."""

    name: str
    action: Callable[[], object]
    seconds: float


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


def _ask(url: str, path: str, answers: list[Answer], stop: threading.Event) -> None:
    """Request `url + path` until told to stop."""
    while not stop.is_set():
        asked = time.monotonic()
        try:
            with urlopen(url + path, timeout=SLOWEST_ACCEPTABLE + 5) as response:  # noqa: S310
                status = int(response.status)
        except HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        answers.append(Answer(asked, path, status, time.monotonic() - asked))
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


def _run_fault(name: str, *, steps: list[Step], env: dict[str, str], out_dir: Path) -> dict:
    """Serve, ask, go through the steps; print what clients saw; the report, with "failed"."""
    print(f"\n== {name}", flush=True)
    slug = name.split()[0].lower()
    web = Gunicorn(
        workers=2, log=out_dir / f"faults-{slug}-gunicorn.log", settings_module="bench.settings",
        env=env,
    )  # fmt: skip
    answers: list[Answer] = []
    stop = threading.Event()
    starts: list[tuple[str, float]] = []
    try:
        web.wait_ready()
        workers = web.worker_pids()
        clients = [
            threading.Thread(target=_ask, args=(web.url, path, answers, stop))
            for path in (*PAGES, HEALTH)
        ]
        for client in clients:
            client.start()
        for step in steps:
            step.action()
            starts.append((step.name, time.monotonic()))
            print(f"-- {step.name}", flush=True)
            time.sleep(step.seconds)
        stop.set()
        for client in clients:
            client.join()
        same_workers = web.worker_pids() == workers
    finally:
        stop.set()
        web.stop()

    ends = [start for _, start in starts[1:]] + [float("inf")]
    phases = {
        phase: [a for a in answers if start <= a.asked < end]
        for (phase, start), end in zip(starts, ends, strict=True)
    }
    print(f"{'phase':<30} {'asked':<14} {'count':>5}  {'slowest':>7}  answers (status: count)")
    for phase, seen in phases.items():
        for path in (*PAGES, HEALTH):
            mine = [a for a in seen if a.path == path]
            statuses = sorted(Counter(a.status for a in mine).items())
            counts = ", ".join(f"{status}: {count}" for status, count in statuses)
            slowest = max((a.seconds for a in mine), default=0.0)
            print(f"{phase:<30} {path:<14} {len(mine):>5}  {slowest:>6.2f}s  {counts}")
    last_start = starts[-1][1]
    after = phases[starts[-1][0]]
    first_ok = next(
        (a.asked - last_start for a in after if a.path in PAGES and a.status == 200), None
    )
    last_pages = [a for a in after if a.path in PAGES][-5:]
    problems = [
        f"{a.path} answered {a.status or 'nothing'} after {a.seconds:.1f} s"
        for a in answers
        if a.status == 0 or (a.status >= 500 and a.status != 503) or a.seconds > SLOWEST_ACCEPTABLE
    ]
    if not last_pages or any(a.status != 200 for a in last_pages):
        problems.append("the pages did not come back to 200 by themselves")
    if not same_workers:
        problems.append("gunicorn replaced a worker")
    print(f"first page answered 200 after '{starts[-1][0]}': "
          f"{'never' if first_ok is None else f'{first_ok:.2f} s'}")  # fmt: skip
    for problem in sorted(set(problems))[:10]:
        print(f"FAIL: {problem}")
    print("PASS" if not problems else f"FAILED ({len(problems)} problems)")
    return {
        "phases": {
            phase: {
                path: dict(Counter(str(a.status) for a in seen if a.path == path))
                for path in (*PAGES, HEALTH)
            }
            for phase, seen in phases.items()
        },
        "recovered_after_seconds": None if first_ok is None else round(first_ok, 3),
        "slowest_seconds": round(max((a.seconds for a in answers), default=0.0), 3),
        "gunicorn_workers_unchanged": same_workers,
        "failed": bool(problems),
    }


def _through(database_url: str, proxy: Proxy) -> str:
    parts = urlsplit(database_url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))


def _nothing() -> None:
    return None


class _PrivateRedis:
    """A Redis server of this run's own, on a free port, with nothing on disk."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                *(shutil.which("redis-server") or "redis-server", "--port", str(self.port)),
                *("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                *("--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def main(argv: list[str]) -> int:
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    version = _cluster_version()
    if not database.startswith("postgres") or not redis:
        print(
            "make faults needs DATABASE_URL (PostgreSQL) and REDIS_URL, e.g. "
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
    out_dir = Path(settings.VAR_DIR) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = urlsplit(database)
    proxy = Proxy(target_host=target.hostname or "127.0.0.1", target_port=target.port or 5432)
    through_proxy = {"DATABASE_URL": _through(database, proxy)}
    reports = {
        "database unreachable": _run_fault(
            "Database unreachable (a proxy drops every connection)",
            steps=[
                Step("normal", _nothing, 4),
                Step("database unreachable", proxy.cut, 6),
                Step("database reachable again", proxy.restore, 8),
            ],
            env=through_proxy,
            out_dir=out_dir,
        ),
        "slow database": _run_fault(
            "Slow database (200 ms per packet)",
            steps=[
                Step("normal", _nothing, 3),
                Step("database slow", lambda: proxy.slow(0.2), 6),
                Step("database fast again", proxy.restore, 6),
            ],
            env=through_proxy,
            out_dir=out_dir,
        ),
    }
    private_redis = _PrivateRedis(out_dir)
    private_redis.start()
    try:
        reports["redis stop and start"] = _run_fault(
            "Redis stopped, then started",
            steps=[
                Step("normal", _nothing, 3),
                Step("Redis stopped", private_redis.stop, 6),
                Step("Redis started again", private_redis.start, 6),
            ],
            env={"REDIS_URL": private_redis.url},
            out_dir=out_dir,
        )
    finally:
        private_redis.stop()
    if version is None:
        print("\n== PostgreSQL restart NOT RUN: no single Debian cluster (pg_ctlcluster) here")
    elif busy and "--force" not in argv:
        print(
            f"\n== PostgreSQL restart NOT RUN: other databases have clients ({busy}); a restart "
            "would cut them off. Run again when they are done, or with --force."
        )
    else:

        def restart() -> None:
            subprocess.run(  # noqa: S603 - fixed arguments
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S607
                check=True,
            )
            _wait_accepting(database)

        reports["postgres restart"] = _run_fault(
            f"PostgreSQL {version}/main restarted",
            steps=[Step("normal", _nothing, 4), Step("restart, then back", restart, 8)],
            env={},
            out_dir=out_dir,
        )
    out = out_dir / "faults.json"
    out.write_text(json.dumps(reports, indent=2))
    print(f"\nwrote {out}")
    failed = [name for name, report in reports.items() if report["failed"]]
    print("make faults: " + (f"FAILED: {', '.join(failed)}" if failed else "all passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
