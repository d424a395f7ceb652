"""`make races`: every booking rule under simultaneous HTTP requests against gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firststep_races \\
    REDIS_URL=redis://127.0.0.1:6379/6 make races

gunicorn serves the site as in production (4 workers, DEBUG off) on a free local port. For
each rule, RACES_TRIALS (10) trials: fresh specialists and logged-in clients, then threads
released together by a barrier send their requests at the same moment. After each trial
the database is checked against the rule. Prints trials, violations and 5xx answers per
rule; exits 1 on any violation or 5xx (2 when DATABASE_URL or REDIS_URL is missing). Uses
a database of its own: its data (@races.example) is replaced on each run and removed after.
"""

import itertools
import os
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

from bench.load import Gunicorn

DOMAIN = "races.example"
CSRF = secrets.token_hex(16)  # a CSRF secret of Django's length, sent as cookie and field


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_OPENER = build_opener(_NoRedirect)


def request(url: str, *, session: str, data: dict[str, str] | None = None) -> tuple[int, str]:
    """One request as a logged-in person: the status and the body."""
    body = urlencode({**data, "csrfmiddlewaretoken": CSRF}).encode() if data is not None else None
    cookie = f"sessionid={session}; csrftoken={CSRF}"
    sent = Request(url, data=body, headers={"Cookie": cookie})  # noqa: S310 (our own server)
    try:
        with _OPENER.open(sent, timeout=60) as response:
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, error.read().decode()


def together(calls: list[Callable[[], int]]) -> list[int]:
    """Run the calls at the same moment (a barrier), each on its own thread: their statuses."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []

    def run(call: Callable[[], int]) -> None:
        barrier.wait()
        statuses.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@dataclass
class Tally:
    trials: int = 0
    violations: int = 0
    server_errors: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


class World:
    """Specialists and logged-in clients made for one trial, and the site's address."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.count = 0
        self.statuses: list[int] = []  # of the trial's requests, for the 5xx count

    def specialist(self, **rules: object):  # type: ignore[no-untyped-def]
        from datetime import time as clock

        from django.utils import timezone

        from bookings import next_free
        from bookings.models import BookingSettings, WeeklyHours
        from directory.models import Specialist, User

        self.count += 1
        owner = User.objects.create(
            email=f"specialist{self.count}@{DOMAIN}", role=User.Role.SPECIALIST
        )
        specialist = Specialist.objects.create(
            owner=owner,
            slug=f"races-{self.count}",
            name=f"Races Specialist {self.count}",
            titles="Registered Psychotherapist",
            status=Specialist.Status.PUBLISHED,
            published_at=timezone.now(),
            time_zone="Europe/Berlin",
            meeting_link="https://meet.example/races",
        )
        BookingSettings.objects.create(specialist=specialist, notice_hours=1, **rules)
        WeeklyHours.objects.bulk_create(
            WeeklyHours(specialist=specialist, weekday=day, starts=clock(9), ends=clock(17))
            for day in range(7)
        )
        next_free.refresh_next_free_slot(specialist=specialist, now=timezone.now())
        return specialist

    def client(self) -> tuple[object, str]:
        """A verified client and their session key."""
        from allauth.account.models import EmailAddress
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from directory.models import User

        self.count += 1
        user = User.objects.create(email=f"client{self.count}@{DOMAIN}")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return user, str(session.session_key)

    def slots(self, specialist, *, days: int = 2) -> list[datetime]:  # type: ignore[no-untyped-def]
        """Free slot starts of one local day, `days` from now."""
        from django.utils import timezone

        from bookings import availability

        now = timezone.now()
        found = availability.slots_for(
            specialist=specialist, now=now, starts=now, ends=now + timedelta(days=days + 7)
        )
        day = (now + timedelta(days=days)).date()
        return [s.starts_at for s in found if s.starts_at.date() >= day][:16]

    def book(self, specialist, session: str, starts_at: datetime) -> Callable[[], int]:  # type: ignore[no-untyped-def]
        from bookings.forms import slot_value

        url = f"{self.url}/specialists/{specialist.slug}/book/confirm/"
        data = {"slot": slot_value(starts_at), "mode": "video", "tz": "Europe/Berlin"}
        return lambda: request(url, session=session, data=data)[0]


def _active(**filters: object):  # type: ignore[no-untyped-def]
    from bookings.models import Consultation

    return Consultation.objects.active().filter(**filters).order_by("starts_at")


def same_slot(world: World) -> str | None:
    specialist = world.specialist()
    slot = world.slots(specialist)[0]
    calls = [world.book(specialist, world.client()[1], slot) for _ in range(30)]
    world.statuses = together(calls)
    booked = _active(specialist=specialist).count()
    return None if booked == 1 else f"{booked} consultations in one slot"


def daily_cap(world: World) -> str | None:
    specialist = world.specialist(daily_cap=2)
    slots = world.slots(specialist)[:6]
    world.statuses = together([world.book(specialist, world.client()[1], s) for s in slots])
    booked = _active(specialist=specialist).count()
    return None if booked <= 2 else f"{booked} consultations on a day capped at 2"


def buffer(world: World) -> str | None:
    specialist = world.specialist(buffer_minutes=30)
    slots = world.slots(specialist)[:6]
    world.statuses = together([world.book(specialist, world.client()[1], s) for s in slots])
    starts = [c.starts_at for c in _active(specialist=specialist)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    too_close = [gap for gap in gaps if gap < timedelta(minutes=60)]
    return f"{len(too_close)} consultations closer than the buffer" if too_close else None


def upcoming_limit(world: World) -> str | None:
    client, session = world.client()
    for _ in range(2):
        other = world.specialist()
        world.book(other, session, world.slots(other)[0])()
    specialists = [world.specialist() for _ in range(4)]
    world.statuses = together([world.book(s, session, world.slots(s)[0]) for s in specialists])
    upcoming = _active(client=client).count()
    return None if upcoming <= 3 else f"{upcoming} upcoming consultations for one client"


def pair_rule(world: World) -> str | None:
    specialist = world.specialist()
    _client, session = world.client()
    slots = world.slots(specialist)[:5]
    world.statuses = together([world.book(specialist, session, s) for s in slots])
    booked = _active(specialist=specialist).count()
    return None if booked <= 1 else f"{booked} free consultations for one pair"


def reschedule_vs_book(world: World) -> str | None:
    specialist = world.specialist()
    first, *_, target = world.slots(specialist)[:6]
    mover, mover_session = world.client()
    world.book(specialist, mover_session, first)()
    moving = _active(client=mover).get()
    url = f"{world.url}/consultations/{moving.pk}/reschedule/"
    from bookings.forms import slot_value

    move = {"slot": slot_value(target), "reason": ""}
    calls = [lambda: request(url, session=mover_session, data=move)[0]]
    calls += [world.book(specialist, world.client()[1], target) for _ in range(5)]
    world.statuses = together(calls)
    at_target = _active(specialist=specialist, starts_at=target).count()
    return None if at_target == 1 else f"{at_target} consultations at the contested time"


def hours_edited(world: World) -> str | None:
    from django.utils import timezone

    from bookings import weekly_hours

    specialist = world.specialist()
    slots = world.slots(specialist)[:4]
    picker = f"{world.url}/specialists/{specialist.slug}/book/"
    edited: list[datetime] = []

    def edit() -> int:
        from django.db import connection

        weekly_hours.set_weekly_hours(specialist=specialist, ranges=[], now=timezone.now())
        edited.append(timezone.now())
        connection.close()
        return 200

    sessions = [world.client()[1] for _ in slots]
    calls: list[Callable[[], int]] = [edit]
    calls += [
        world.book(specialist, session, s) for session, s in zip(sessions, slots, strict=True)
    ]
    calls += [lambda session=session: request(picker, session=session)[0] for session in sessions]
    world.statuses = together(calls)
    late = _active(specialist=specialist, created_at__gt=edited[0]).count()
    status, page = request(picker, session=sessions[0])
    offered = page.count("/book/confirm/?slot=")
    after = world.book(specialist, world.client()[1], slots[-1])()
    world.statuses += [status, after]
    problems = [
        f"{late} booked after the edit" if late else "",
        f"the picker still offers {offered} removed times" if offered else "",
        "a removed time was booked after the edit" if after == 302 else "",
        f"the picker answered {status}" if status >= 500 else "",
    ]
    return "; ".join(p for p in problems if p) or None


RULES: dict[str, Callable[[World], str | None]] = {
    "same slot, 30 ways": same_slot,
    "daily cap": daily_cap,
    "buffer": buffer,
    "at most three upcoming": upcoming_limit,
    "one per client and specialist": pair_rule,
    "reschedule vs book": reschedule_vs_book,
    "hours edited while read and booked": hours_edited,
}


def _clean() -> None:
    from django.contrib.sessions.models import Session

    from directory.models import Specialist, User

    Specialist.objects.filter(owner__email__endswith=f"@{DOMAIN}").delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    Session.objects.all().delete()


def _ensure_database(url: str) -> None:
    """Create the database named by DATABASE_URL when it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def main() -> int:
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith("postgres") or not redis:
        print(
            "make races needs DATABASE_URL (PostgreSQL, a database of its own) and REDIS_URL",
            file=sys.stderr,
        )
        return 2
    trials = int(os.environ.get("RACES_TRIALS", "10"))
    _ensure_database(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _clean()
    out_dir = Path(settings.VAR_DIR) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    web = Gunicorn(workers=4, log=out_dir / "races-gunicorn.log", settings_module="bench.settings")
    tallies = {name: Tally() for name in RULES}
    started = time.monotonic()
    try:
        web.wait_ready()
        world = World(web.url)
        for name, rule in RULES.items():
            tally = tallies[name]
            for _ in range(trials):
                world.statuses = []
                problem = rule(world)
                tally.trials += 1
                tally.server_errors += sum(status >= 500 for status in world.statuses)
                tally.answers.update(world.statuses)
                if problem:
                    tally.violations += 1
                    tally.notes.append(problem)
    finally:
        web.stop()
        _clean()
    print(f"\n{'rule':<36} {'trials':>6} {'violations':>10} {'5xx':>5}  answers")
    for name, tally in tallies.items():
        answers = ", ".join(f"{n} x {code}" for code, n in sorted(tally.answers.items()))
        print(
            f"{name:<36} {tally.trials:>6} {tally.violations:>10} {tally.server_errors:>5}  "
            f"{answers}"
        )
        for note in tally.notes[:3]:
            print(f"    {note}")
    print(f"\n{time.monotonic() - started:.0f} s, 4 gunicorn workers")
    failed = any(t.violations or t.server_errors for t in tallies.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
