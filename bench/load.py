"""`make load`: simulated people search, read profiles and book against gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firststep_load \\
    REDIS_URL=redis://127.0.0.1:6379/5 make load

Settings from the environment: LOAD_USERS (50), LOAD_SECONDS (60), LOAD_WEB_WORKERS (3).
Use a database of its own: the script migrates it and makes its own data (specialists
with open hours, verified clients with a session each, all @load.example), replaced on
each run and removed at the end.

gunicorn serves the site as in production (`Procfile`, DEBUG off) on a free local port.
Each simulated person, driven by locust (bench/swarm.py), repeats one journey: a search, a
profile, and every other time the slot picker, the booking form and the booking itself, as a client
who is logged in (their session cookie is made up front; the CSRF token comes from the
form). A client books at most three specialists, each once, then the next client of that
person takes over, so the booking rules never refuse them. Two answers to a booking are
expected: booked (302), or "just taken" (400 saying the time is gone) when someone else
was quicker. Anything else, and any 5xx or failed request, is an error.

After the run the database is checked: no two active consultations of one specialist
overlap, and there is one consultation per "booked" answer. Prints the requests per second
(over the run, and once every person has arrived), gunicorn's CPU time per request, and p50/p95
per page type, each next to the trivial view measured on the same gunicorn first; writes
var/bench/load.json, and exits 1 on an error or a double booking (2 when DATABASE_URL or
REDIS_URL is missing).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "load.example"
SPECIALISTS = 30
# locust replaces parts of the standard library with gevent's when it is imported, so the
# simulated people run in a process of their own that imports it before anything else.
SWARM = "import locust, sys; from bench.swarm import swarm; swarm(sys.argv[1], sys.argv[2])"


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Gunicorn:
    """The production web process (as in `Procfile`) on a free local port."""

    def __init__(
        self, *, workers: int, log: Path, settings_module: str, env: dict[str, str] | None = None
    ) -> None:
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                *("--bind", self.url.removeprefix("http://"), "--workers", str(workers)),
                *("--max-requests", "2000", "--max-requests-jitter", "200"),
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        from urllib.request import urlopen

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                with urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz; see {self.log.name}")

    def worker_pids(self) -> set[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in path.read_text().split()}

    def cpu_seconds(self) -> float:
        """The CPU time gunicorn's workers have used so far, those already replaced included
        (the master has reaped them, so they count in its children's time)."""
        master = _proc_stat(self.process.pid)
        used = master[16] + master[17]  # cutime, cstime: the reaped workers
        for pid in self.worker_pids():
            try:
                worker = _proc_stat(pid)
            except FileNotFoundError:  # replaced just now; counted by the master next time
                continue
            used += worker[14] + worker[15]  # utime, stime
        return used / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _proc_stat(pid: int) -> list[int]:
    """/proc/<pid>/stat's numeric fields by their number in proc(5) (from 1; the pid, the
    name and the state read as 0)."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return [0, 0, 0, *(int(field) if field.lstrip("-").isdigit() else 0 for field in after_name)]


def _trivial(web: Gunicorn, *, repeats: int = 300, warmup: int = 60) -> tuple[float, float]:
    """The yardstick, against the same gunicorn before the people arrive: the trivial view's
    median time over HTTP, one request at a time, and the workers' CPU time per request.
    Each worker loads the URLs and templates on its first request: the warm-up pays that."""
    from urllib.request import urlopen

    samples = []
    for turn in range(warmup + repeats):
        if turn == warmup:
            used = web.cpu_seconds()
        started = time.perf_counter()
        with urlopen(f"{web.url}/__bench__/trivial", timeout=5) as response:  # noqa: S310
            response.read()
        samples.append((time.perf_counter() - started) * 1000)
    return _percentile(samples[warmup:], 0.50), (web.cpu_seconds() - used) * 1000 / repeats


def _clean() -> None:
    from directory.models import Specialist, User

    # Consultations, reminders, notices and sessions' owners go with the people.
    Specialist.objects.filter(owner__email__endswith=f"@{DOMAIN}").delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _make_specialists() -> list[str]:
    from datetime import time as clock

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from bookings import next_free
    from bookings.models import BookingSettings, WeeklyHours
    from directory import search
    from directory.models import Specialist, User

    titles = ("Registered Psychotherapist", "Clinical Psychologist", "Clinical Counsellor")
    password = make_password(None)
    owners = User.objects.bulk_create(
        User(email=f"specialist{i}@{DOMAIN}", role=User.Role.SPECIALIST, password=password)
        for i in range(SPECIALISTS)
    )
    now = timezone.now()
    specialists = Specialist.objects.bulk_create(
        Specialist(
            owner=owner,
            slug=f"load-{i}",
            name=f"Load Specialist {i}",
            titles=titles[i % len(titles)],
            status=Specialist.Status.PUBLISHED,
            published_at=now,
            time_zone="Europe/Berlin",
            meeting_link="https://meet.example/load",
        )
        for i, owner in enumerate(owners)
    )
    BookingSettings.objects.bulk_create(
        BookingSettings(specialist=s, notice_hours=1, horizon_days=30) for s in specialists
    )
    WeeklyHours.objects.bulk_create(  # all day, every day
        WeeklyHours(specialist=s, weekday=day, starts=clock(0), ends=clock(0))
        for s in specialists
        for day in range(7)
    )
    search.reindex(specialist_ids=[s.pk for s in specialists])
    for specialist in specialists:
        next_free.refresh_next_free_slot(specialist=specialist, now=now)
    return [s.slug for s in specialists]


def _make_clients(count: int) -> list[str]:
    """Verified clients, each logged in: their session keys."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from directory.models import User

    password = make_password(None)
    clients = User.objects.bulk_create(
        User(email=f"client{i}@{DOMAIN}", password=password) for i in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in clients
    )
    keys = []
    for client in clients:
        session = SessionStore()
        session[SESSION_KEY] = str(client.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = client.get_session_auth_hash()
        session.create()
        keys.append(str(session.session_key))
    return keys


def _check_database(slugs: list[str]) -> dict[str, int]:
    from django.db.models import Exists, OuterRef

    from bookings.models import Consultation

    active = Consultation.objects.exclude(status=Consultation.Status.CANCELLED)
    ours = active.filter(specialist__slug__in=slugs)
    overlapping = active.filter(
        specialist=OuterRef("specialist"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    ).exclude(pk=OuterRef("pk"))
    return {
        "consultations": ours.count(),
        "double_bookings": ours.filter(Exists(overlapping)).count(),
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> int:
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith("postgres") or not redis:
        print(
            "make load needs DATABASE_URL (PostgreSQL, a database of its own) and REDIS_URL, "
            "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/firststep_load "
            "REDIS_URL=redis://127.0.0.1:6379/5 make load",
            file=sys.stderr,
        )
        return 2
    users, seconds = _setting("LOAD_USERS", 50), _setting("LOAD_SECONDS", 60)
    web_workers = _setting("LOAD_WEB_WORKERS", 3)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    _clean()
    slugs = _make_specialists()
    # Enough clients that nobody runs out in the time given (a journey takes a few seconds).
    per_person = max(2, seconds // 4)
    keys = _make_clients(users * per_person)
    # Every run starts alike: the rows the last runs deleted are cleared away and the
    # planner knows the new ones (else each run is slower than the one before).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    out_dir = Path(settings.VAR_DIR) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    web = Gunicorn(
        workers=web_workers, log=out_dir / "load-gunicorn.log", settings_module="bench.settings"
    )
    try:
        web.wait_ready()
        trivial_ms, trivial_cpu_ms = _trivial(web)
        used = web.cpu_seconds()
        with tempfile.TemporaryDirectory() as folder:
            plan, result = Path(folder) / "plan.json", Path(folder) / "result.json"
            plan.write_text(
                json.dumps(
                    {
                        "url": web.url,
                        "users": users,
                        "seconds": seconds,
                        "slugs": slugs,
                        "clients": [
                            keys[i * per_person : (i + 1) * per_person] for i in range(users)
                        ],
                    }
                )
            )
            print(f"-- {users} people for {seconds} s against {web_workers} gunicorn workers")
            subprocess.run(  # noqa: S603 - our own script
                [sys.executable, "-c", SWARM, str(plan), str(result)], cwd=ROOT, check=True
            )
            swarmed = json.loads(result.read_text())
        served = sum(len(times) for times in swarmed["samples"].values())
        cpu_ms = (web.cpu_seconds() - used) * 1000 / max(1, served)
    finally:
        web.stop()
    checked = _check_database(slugs)
    _clean()
    Session.objects.filter(session_key__in=keys).delete()

    samples, errors, outcomes = swarmed["samples"], Counter(swarmed["errors"]), swarmed["outcomes"]
    if checked["consultations"] != outcomes.get("booked", 0):
        errors["consultations in the database differ from the booked answers"] += 1
    pages = {
        name: {
            "count": len(times),
            "p50_ms": round(_percentile(times, 0.50), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
            "errors": sum(n for error, n in errors.items() if error.startswith(f"{name}:")),
        }
        for name, times in samples.items()
    }
    window = swarmed["window"]
    rates = {
        "requests_per_second": round(window["requests"] / window["seconds"], 1),
        "requests_per_second_after_arrival": round(
            window["requests_after_arrival"]
            / (window["seconds"] - window["arrived_after_seconds"]),
            1,
        ),
    }
    yardstick = {
        "trivial_view_ms": round(trivial_ms, 2),
        "trivial_view_cpu_ms": round(trivial_cpu_ms, 2),
        "web_cpu_ms_per_request": round(cpu_ms, 2),
    }
    report = {
        "users": users,
        "seconds": seconds,
        "web_workers": web_workers,
        **rates,
        **yardstick,
        "pages": pages,
        "booking_outcomes": outcomes,
        "errors": dict(errors),
        **checked,
    }
    print(
        f"\nrequests per second: {rates['requests_per_second']:g} over {window['seconds']:.0f} s;"
        f" {rates['requests_per_second_after_arrival']:g} once all {users} people had arrived"
        f" (after {window['arrived_after_seconds']:.0f} s)"
    )
    print(
        f"gunicorn's CPU per request: {cpu_ms:.1f} ms"
        f" ({cpu_ms / trivial_cpu_ms:.1f} x the trivial view's {trivial_cpu_ms:.2f} ms)"
    )
    print(f"trivial view, one request at a time: {trivial_ms:.2f} ms (the x trivial column)")
    header = f"{'page':<14} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'x trivial':>10}"
    print(f"\n{header} {'errors':>7}")
    for name, row in pages.items():
        print(
            f"{name:<14} {row['count']:>7} {row['p50_ms']:>8g} {row['p95_ms']:>8g} "
            f"{row['p50_ms'] / trivial_ms:>5.0f} {row['p95_ms'] / trivial_ms:>4.0f} "
            f"{row['errors']:>7}"
        )
    print("\nbookings:")
    for outcome, count in outcomes.items():
        print(f"  {outcome}: {count}")
    print(f"  consultations in the database: {checked['consultations']}")
    print(f"  overlapping active consultations: {checked['double_bookings']}")
    for error, count in errors.items():
        print(f"error: {error} (x{count})")
    out = out_dir / "load.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {out}")
    return 1 if errors or checked["double_bookings"] else 0


if __name__ == "__main__":
    sys.exit(main())
