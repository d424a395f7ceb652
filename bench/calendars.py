"""Calendar connections: one sync in-process (a full parse, and an unchanged 304), then
BENCH_CALENDARS subscribed calendars (10,000 by default) synced by 2 Celery workers.

Every calendar is served by a local HTTP server in this process (ETag and 304 as real
feeds do): 50 events, 15 of them recurring. The worker part needs PostgreSQL and Redis
(DATABASE_URL, REDIS_URL) and reports why it did not run otherwise. It times the sweep's
batches from enqueue to a drained queue, twice: first every calendar is new (fetch,
parse, store), then every calendar answers 304.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import time as day_time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.harness import Context, Figure, measure

TOTAL = int(os.environ.get("BENCH_CALENDARS", "10000"))
DOMAIN = "bench-calendars.example"
ROOT = Path(__file__).resolve().parent.parent


def _feed() -> bytes:
    """50 events over the next 30 days: 35 single, 10 weekly, 5 daily for a week."""
    start = (timezone.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for n in range(50):
        at = start + timedelta(days=n % 28, hours=n % 8)
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{n}@{DOMAIN}",
            "DTSTAMP:20261201T000000Z",
            f"DTSTART;TZID=Europe/Berlin:{at:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Europe/Berlin:{at + timedelta(minutes=50):%Y%m%dT%H%M%S}",
            "SUMMARY:Private session",
        ]
        if n < 10:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=12")
        elif n < 15:
            lines.append("RRULE:FREQ=DAILY;COUNT=7")
        lines.append("END:VEVENT")
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


class _Feeds:
    """Serves the same feed at every path, with an ETag; counts 200s and 304s."""

    def __init__(self) -> None:
        self.body = _feed()
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        self.full = 0
        self.not_modified = 0
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.headers.get("If-None-Match") == feeds.etag:
                    feeds.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                feeds.full += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("ETag", feeds.etag)
                self.send_header("Content-Length", str(len(feeds.body)))
                self.end_headers()
                self.wfile.write(feeds.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/feeds/{n}/basic.ics"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _make_connections(feeds: _Feeds, count: int) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from calendars import fetching, sealing
    from calendars.models import CalendarConnection
    from directory.models import Specialist, User

    password = make_password("bench")
    owners = User.objects.bulk_create(
        (
            User(email=f"s{i}@{DOMAIN}", role=User.Role.SPECIALIST, password=password)
            for i in range(count)
        ),
        batch_size=5000,
    )
    specialists = Specialist.objects.bulk_create(
        (
            Specialist(
                owner=owner,
                slug=f"bench-calendars-{owner.pk}",
                name=f"Bench Calendars {i}",
                titles="Psychotherapist",
                status=Specialist.Status.PUBLISHED,
                time_zone="Europe/Berlin",
            )
            for i, owner in enumerate(owners)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    made = CalendarConnection.objects.bulk_create(
        (
            CalendarConnection(
                specialist=specialist,
                kind=CalendarConnection.Kind.ICS,
                url_sealed=sealing.seal(feeds.url(i), purpose="url"),
                masked_url=fetching.mask_url(feeds.url(i)),
                next_sync_at=now,
            )
            for i, specialist in enumerate(specialists)
        ),
        batch_size=5000,
    )
    return [c.pk for c in made]


def _clean() -> None:
    from bookings.models import BusyTime
    from directory.models import Specialist, User

    BusyTime.objects.filter(specialist__owner__email__endswith=f"@{DOMAIN}").delete()
    Specialist.objects.filter(owner__email__endswith=f"@{DOMAIN}").delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _one_sync(ctx: Context, feeds: _Feeds) -> None:
    """A single sync in this process: a full fetch and parse, then an unchanged 304."""
    from calendars import sync
    from calendars.models import CalendarConnection

    [pk] = _make_connections(feeds, 1)
    rows = CalendarConnection.objects.filter(pk=pk)

    def full() -> None:
        rows.update(etag="", parsed_at=None, busy_hash="")
        sync.sync_connection(connection_id=pk, now=timezone.now())

    def same_busy_times() -> None:
        rows.update(etag="", parsed_at=None)
        sync.sync_connection(connection_id=pk, now=timezone.now())

    def unchanged() -> None:
        sync.sync_connection(connection_id=pk, now=timezone.now())

    ctx.add_timing(
        "calendar sync: fetch + parse 50 events (15 recurring) + store", measure(full, repeats=40)
    )
    ctx.add_timing(
        "calendar sync: new bytes, the same busy times (not written again)",
        measure(same_busy_times, repeats=40),
    )
    ctx.add_timing("calendar sync: unchanged calendar (304)", measure(unchanged, repeats=200))
    row = rows.get()
    if row.last_error or row.busy_count == 0:
        raise AssertionError(f"the bench sync failed: {row.last_error!r}, {row.busy_count}")
    _clean()


def _slots_with_busy_times(ctx: Context) -> None:
    """Slots for 14 days of a specialist whose calendars brought 500 busy intervals."""
    from bookings import availability, busy
    from bookings.models import WeeklyHours
    from directory.models import Specialist, User

    owner = User.objects.create(email=f"slots@{DOMAIN}", role=User.Role.SPECIALIST)
    specialist = Specialist.objects.create(
        owner=owner,
        slug="bench-calendars-slots",
        name="Bench Calendars Slots",
        titles="Psychotherapist",
        status=Specialist.Status.PUBLISHED,
        time_zone="Europe/Berlin",
        meeting_link="https://meet.example/bench",
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=day, starts=day_time(8), ends=day_time(20))
        for day in range(7)
    )
    now = timezone.now()
    # 500 intervals of 20 minutes, 40 minutes apart: about 36 a day over 14 days.
    first = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    intervals = [
        (first + timedelta(minutes=40 * n), first + timedelta(minutes=40 * n + 20))
        for n in range(500)
    ]
    kept = busy.replace_busy_times(
        specialist=specialist, source="calendar:bench", intervals=intervals, now=now
    )
    specialist = Specialist.objects.get(pk=specialist.pk)

    def slots_14_days() -> None:
        moment = timezone.now()
        availability.slots_for(
            specialist=specialist, now=moment, starts=moment, ends=moment + timedelta(days=14)
        )

    ctx.add_timing(
        f"slots for 14 days with {kept} busy intervals from calendars (limit 3 ms)",
        measure(slots_14_days, repeats=300),
    )


def _redis():  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _start_workers(folder: Path, count: int = 2) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CALENDARS_ALLOWED_HOSTS": "127.0.0.1",
    }
    return [
        subprocess.Popen(  # noqa: S603 - our own worker command
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1",
                "-n", f"bench-calendars-{index}@%h", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(folder / f"worker{index}.log", "w"),
        )
        for index in range(count)
    ]  # fmt: skip


def _wait_ready(count: int, timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len([r for r in replies if any("bench-calendars" in k for k in r)]) >= count:
            return
    raise RuntimeError("the Celery workers did not start")


def _wait_drained(timeout: float = 1200) -> None:
    client = _redis()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.llen("celery") == 0 and client.hlen("unacked") == 0:
            return
        time.sleep(0.05)
    raise RuntimeError("the queue did not drain in time")


def _noop_rate(count: int = 2000) -> float:
    """Celery's own rate for a task that does nothing, on the same workers."""
    from config.celery import ping

    started = time.perf_counter()
    with ping.app.producer_or_acquire() as producer:
        for _ in range(count):
            ping.apply_async(producer=producer)
    _wait_drained()
    return count / (time.perf_counter() - started)


def _sweep_and_wait() -> tuple[float, int]:
    """Run the beat sweep once, as beat would, and wait for the workers; (seconds, batches)."""
    from calendars import sync
    from calendars.tasks import sync_batch

    started = time.perf_counter()
    batches = sync.due_batches(now=timezone.now())
    with sync_batch.app.producer_or_acquire() as producer:
        for batch in batches:
            sync_batch.apply_async((batch,), producer=producer)
    _wait_drained()
    return time.perf_counter() - started, len(batches)


def _many(ctx: Context, feeds: _Feeds) -> None:
    from calendars import sync
    from calendars.models import CalendarConnection

    print(f"   making {TOTAL} subscribed calendars...", flush=True)
    ids = _make_connections(feeds, TOTAL)
    mine = CalendarConnection.objects.filter(pk__in=ids)
    _redis().delete("celery", "unacked", "unacked_index")
    with tempfile.TemporaryDirectory() as folder:
        workers = _start_workers(Path(folder))
        try:
            _wait_ready(len(workers))
            noop = _noop_rate()
            # Every sweep hands out at most MAX_PER_SWEEP; beat runs it every 15 s.
            full_seconds, full_batches = 0.0, 0
            while mine.filter(last_success_at=None).exists():
                seconds, batches = _sweep_and_wait()
                full_seconds, full_batches = full_seconds + seconds, full_batches + batches
            served_full = feeds.full
            mine.update(next_sync_at=timezone.now())
            unchanged_seconds = 0.0
            while mine.filter(next_sync_at__lte=timezone.now()).exists():
                unchanged_seconds += _sweep_and_wait()[0]
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
    failed = mine.exclude(last_error="").count()
    ctx.add(
        Figure(
            name=f"calendar sync: {TOTAL} new calendars by 2 Celery workers",
            value=round(full_seconds, 2),
            unit="s",
            extra={
                "calendars per second": round(TOTAL / full_seconds),
                "Celery no-op tasks per second (same workers, same run)": round(noop),
                "ratio to Celery no-op rate": round(TOTAL / full_seconds / noop, 3),
                "batches": full_batches,
                "feeds served in full": served_full,
                "failed": failed,
                "limit (issue)": "300 s for 10,000",
            },
        )
    )
    ctx.add(
        Figure(
            name=f"calendar sync: {TOTAL} unchanged calendars (304) by 2 Celery workers",
            value=round(unchanged_seconds, 2),
            unit="s",
            extra={
                "calendars per second": round(TOTAL / unchanged_seconds),
                "ratio to Celery no-op rate": round(TOTAL / unchanged_seconds / noop, 3),
                "304 answers": feeds.not_modified,
                "ratio to the full sync": round(unchanged_seconds / full_seconds, 2),
            },
        )
    )
    if sync.MAX_PER_SWEEP < TOTAL:
        print(f"   ({sync.MAX_PER_SWEEP} per sweep: swept repeatedly back to back)", flush=True)


def run(ctx: Context) -> None:
    settings.CALENDARS_ALLOWED_HOSTS = ["127.0.0.1"]
    feeds = _Feeds()
    _clean()
    try:
        _one_sync(ctx, feeds)
        _slots_with_busy_times(ctx)
        _clean()
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            ctx.add(
                Figure(
                    name="calendar sync by Celery workers (needs PostgreSQL and Redis: not run)",
                    value=0,
                    unit="",
                    extra={"database": connection.vendor, "redis": bool(settings.REDIS_URL)},
                )
            )
            return
        _many(ctx, feeds)
    finally:
        _clean()
        feeds.stop()
