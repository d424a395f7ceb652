"""Insights: the booking widget with its cache warm, the cost of counting a profile view, and
the insights page of a specialist with a year of data.

Runs on whatever database and cache bench.settings uses (DATABASE_URL, REDIS_URL); counting
goes to Redis when the cache is Redis, else straight to the daily rows. The data it makes is
its own (e-mail addresses @bench-insights.example) and is replaced each run.
"""

from datetime import time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.harness import Context, Figure, measure, measure_get
from bookings.models import Consultation, WeeklyHours
from directory.models import Specialist, User
from insights import counting
from insights.models import DailyCount
from messaging.models import Message, Thread

DOMAIN = "bench-insights.example"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1)"


def _specialist_with_a_year() -> Specialist:
    Specialist.objects.filter(owner__email__endswith=f"@{DOMAIN}").delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    owner = User.objects.create(email=f"owner@{DOMAIN}", role=User.Role.SPECIALIST)
    specialist = Specialist.objects.create(
        owner=owner,
        slug="bench-insights",
        name="Bench Insights",
        titles="Psychotherapist",
        status=Specialist.Status.PUBLISHED,
        time_zone="America/Toronto",
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(specialist=specialist, weekday=day, starts=time(9), ends=time(17))
        for day in range(7)
    )
    today = timezone.now().date()
    DailyCount.objects.bulk_create(
        DailyCount(
            specialist=specialist,
            day=today - timedelta(days=d),
            metric=metric,
            source=source,
            count=d % 17 + 1,
        )
        for d in range(365)
        for metric in DailyCount.Metric.values
        for source in (*counting.SOURCES, counting.OTHER)
    )
    clients = User.objects.bulk_create(User(email=f"c{i}@{DOMAIN}") for i in range(104))
    now = timezone.now()
    for i, client in enumerate(clients):
        starts = now - timedelta(days=3 * i + 1)
        Consultation.objects.create(
            specialist=specialist,
            client=client,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            status=(Consultation.Status.COMPLETED, Consultation.Status.NO_SHOW)[i % 2],
        )
        thread = Thread.objects.create(client=client, specialist=specialist)
        Message.objects.bulk_create(
            Message(thread=thread, sender=sender, body="bench")
            for sender in (client, owner, client)
        )
    return specialist


def run(ctx: Context) -> None:
    specialist = _specialist_with_a_year()
    cache.clear()
    backend = "Redis" if counting._redis() is not None else "database"

    widget = reverse("insights:widget", kwargs={"slug": specialist.slug}) + "?tz=Europe/Paris"
    ctx.add_timing("widget, cache warm", measure_get(Client(), widget, repeats=500))

    profile = specialist.get_absolute_url() + "?src=widget"
    counted = measure_get(Client(HTTP_USER_AGENT=BROWSER), profile, repeats=300)
    not_counted = measure_get(Client(HTTP_USER_AGENT=BOT), profile, repeats=300)
    ctx.add_timing("profile view, counted", counted)
    ctx.add_timing("profile view, bot (not counted)", not_counted)
    difference = counted.median_ms - not_counted.median_ms
    ctx.add(
        Figure(
            name=f"counting a profile view ({backend}), difference of medians",
            value=round(difference, 3),
            unit="ms",
            ratio_to_trivial_view=ctx.ratio(difference),
        )
    )
    event = [counting.Event(metric="view", specialist=specialist.slug, source="widget")]
    record = measure(lambda: counting.record(events=event, now=timezone.now()), repeats=1000)
    ctx.add_timing(f"counting.record of one view ({backend})", record)
    counting.flush()

    owner = Client()
    owner.force_login(specialist.owner)
    page = measure_get(owner, reverse("insights:insights"), repeats=100)
    ctx.add_timing("insights page, a year of data", page)
    ctx.add(
        Figure(
            name="insights: daily rows held for the specialist",
            value=DailyCount.objects.filter(specialist=specialist).count(),
            unit="rows",
            extra={"database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]},
        )
    )
