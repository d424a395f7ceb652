"""The directory at scale: 50,000 published profiles on the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firststep_bench_dir python -m bench directory

Times the unfiltered directory, a filtered search (text + specialty + language + free
consultation), every filter at once (a lay phrase, language, format, free consultation,
availability, budget, payer, age group, gender, community, accepting, days and times), the
column filters alone (no words or lists to narrow by index), a lay phrase, a typo answered
with "did you mean", a page far past the end, distance searches (within N km, nearest first),
licensed where the client lives (only, and first), a profile page, the home page and the Help me
choose matches,
through Django's full request handling, and reports the process's peak memory.
"""

import random
import resource
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection
from django.test import Client

from bench.harness import Context, Figure, measure_get
from directory import demo
from directory.models import Specialist

PROFILES = 50_000
PAGES = {
    "directory: unfiltered page": "/specialists/",
    "directory: filtered search": (
        "/specialists/?q=anxiety&specialty=anxiety&language=french&free_consultation=1"
    ),
    "directory: every filter at once": (
        "/specialists/?q=panic+attacks&language=english&format=online&free_consultation=1"
        "&available_within=14&max_fee=150&currency=CAD&payer=sun-life&age_group=adults"
        "&gender=woman&community=lgbtq-plus&accepting=1&days=mon,tue,wed,thu,fri&times=evening"
    ),
    "directory: every filter, licensed where the client lives": (
        "/specialists/?q=panic+attacks&language=english&format=online&free_consultation=1"
        "&available_within=14&max_fee=150&currency=CAD&payer=sun-life&age_group=adults"
        "&gender=woman&community=lgbtq-plus&accepting=1&days=mon,tue,wed,thu,fri&times=evening"
        "&lives_in=CA-ON&licensed_only=1"
    ),
    "directory: licensed in Ontario only": "/specialists/?lives_in=CA-ON&licensed_only=1",
    "directory: licensed in Ontario first": "/specialists/?lives_in=CA-ON&format=online",
    "directory: within 25 km of Toronto, nearest first": (
        "/specialists/?near=Toronto&within=25&sort=distance"
    ),
    "directory: within 100 km of a ZIP code, with filters": (
        "/specialists/?near=10001&within=100&language=english&accepting=1&max_fee=150"
        "&currency=USD&sort=distance"
    ),
    "directory: budget, days and times only": (
        "/specialists/?max_fee=120&currency=CAD&days=sat,sun&times=morning&accepting=1"
    ),
    "directory: lay phrase": "/specialists/?q=i+can%27t+sleep+since+my+breakup",
    "directory: typo, did you mean": "/specialists/?q=anxeity",
    "directory: soonest availability": "/specialists/?sort=soonest&format=online",
    "directory: page 99999": "/specialists/?page=99999",
    "directory: profile page": "/specialists/leanne-sawchuk/",
    "directory: home page": "/",
}
MATCHING_ANSWERS = {
    "about": "I can't sleep since my breakup and I worry all the time",
    "format": "online",
    "language": "english",
    "max_fee": "150",
    "currency": "CAD",
    "payer": "sun-life",
    "times": ["evening"],
    "tz": "America/Toronto",
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ensure_profiles() -> None:
    """Top the bench database up to 50,000 published profiles with seed_demo.

    It runs in a child process so that this process's peak memory is the web requests'
    and not the bulk insert's.
    """
    if Specialist.objects.listed().count() >= PROFILES:
        # A database seeded before licensed areas existed gets them (once: only unlicensed).
        demo.license_demo_profiles(rng=random.Random(PROFILES))
        _analyze()
        return
    started = time.perf_counter()
    connection.close()
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "seed_demo",
            f"--specialists={PROFILES}",
            f"--settings={settings.SETTINGS_MODULE}",
        ],
        cwd=settings.BASE_DIR,
        check=True,
    )
    print(f"   seeded {PROFILES} profiles in {time.perf_counter() - started:.0f} s", flush=True)
    _analyze()


def _analyze() -> None:
    """The state autovacuum leaves a table in after a bulk load: planner statistics, old row
    versions gone, and the GIN index's pending list merged (otherwise every search scans it).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE directory_specialist")
            cursor.execute("ANALYZE")


def run(ctx: Context) -> None:
    _ensure_profiles()
    client = Client()
    for name, url in PAGES.items():
        ctx.add_timing(name, measure_get(client, url, repeats=200))
    # Help me choose: answers in the session, then the ranked matches page.
    client.post("/help-me-choose/", MATCHING_ANSWERS)
    ctx.add_timing("matching: ranked matches", measure_get(client, "/help-me-choose/matches/"))
    ctx.add(
        Figure(
            name="directory: peak RSS of the process",
            value=round(_peak_rss_mb(), 1),
            unit="MB",
            extra={"profiles": Specialist.objects.listed().count()},
        )
    )
