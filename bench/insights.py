"""Insights: the booking widget with its cache warm, the cost of counting a profile view, and
the insights page of a specialist with a year of data.

Runs on whatever database and cache bench.settings uses (DATABASE_URL, REDIS_URL); counting
goes to Redis when the cache is Redis, else straight to the daily rows. The data it makes is
its own (e-mail addresses @bench-insights.example) and is replaced each run.
"""

from collections.abc import Callable
from datetime import time, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from bench.harness import Context, Figure, measure, measure_get
from bookings.models import Consultation, WeeklyHours
from directory.models import Specialist, User
from insights import counting
from insights.middleware import CountingMiddleware
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
    weights = {"search": 5, "article": 2, "promotion": 1, "widget": 3, "share": 1, "other": 2}
    scale = {"search": 40, "view": 6, "book": 1}
    DailyCount.objects.bulk_create(
        DailyCount(
            specialist=specialist,
            day=today - timedelta(days=d),
            metric=metric,
            source=source,
            count=scale[metric] * weights[source] * (d % 7 + 1) * (d // 7 % 4 + 1),
        )
        for d in range(365)
        for metric in DailyCount.Metric.values
        for source in (*counting.SOURCES, counting.OTHER)
    )
    # Two consultations and two conversations a week for a year: held, missed, cancelled by
    # either side; each client writes twice and gets a reply within 1 to 30 hours.
    clients = User.objects.bulk_create(User(email=f"c{i}@{DOMAIN}") for i in range(104))
    now = timezone.now()
    statuses = [
        (Consultation.Status.COMPLETED, ""),
        (Consultation.Status.NO_SHOW, ""),
        (Consultation.Status.CANCELLED, Consultation.Party.CLIENT),
        (Consultation.Status.CANCELLED, Consultation.Party.SPECIALIST),
        (Consultation.Status.COMPLETED, ""),
    ]
    consultations = []
    messages = []
    for i, client in enumerate(clients):
        starts = now - timedelta(days=3.5 * i + 1)
        status, by = statuses[i % len(statuses)]
        consultations.append(
            Consultation(
                specialist=specialist,
                client=client,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                status=status,
                cancelled_by=by,
                cancelled_at=starts - timedelta(days=1) if by else None,
            )
        )
        thread = Thread.objects.create(client=client, specialist=specialist)
        asked = starts - timedelta(days=4)
        delay = timedelta(hours=i % 30 + 1)
        for sender, at in (
            (client, asked),
            (owner, asked + delay),
            (client, asked + delay + timedelta(hours=2)),
            (owner, asked + 2 * delay + timedelta(hours=2)),
        ):
            messages.append((Message(thread=thread, sender=sender, body="bench"), at))
    # Both tables set created_at on insert; the year's moments are written after.
    made = Consultation.objects.bulk_create(consultations)
    for consultation in made:
        consultation.created_at = consultation.starts_at - timedelta(days=5)
    Consultation.objects.bulk_update(made, ["created_at"])
    Message.objects.bulk_create(message for message, _at in messages)
    for message, at in messages:
        message.created_at = at
    Message.objects.bulk_update([message for message, _at in messages], ["created_at"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after a year of writes
            cursor.execute("ANALYZE")
    return specialist


def _counting_middleware(path: str, *, agent: str) -> Callable[[], object]:
    """One pass through the counting middleware for a GET of `path` by an anonymous visitor,
    around a view that has already answered."""
    factory = RequestFactory(HTTP_USER_AGENT=agent)
    match = resolve(path.split("?")[0])
    answered = HttpResponse("ok")

    def view(request: HttpRequest) -> HttpResponse:
        request.resolver_match = match
        return answered

    middleware = CountingMiddleware(view)

    def once() -> object:
        request = factory.get(path)
        request.user = AnonymousUser()
        return middleware(request)

    return once


def run(ctx: Context) -> None:
    specialist = _specialist_with_a_year()
    cache.clear()
    backend = "Redis" if counting._redis() is not None else "database"

    widget = reverse("insights:widget", kwargs={"slug": specialist.slug}) + "?tz=Europe/Paris"
    ctx.add_timing("widget, cache warm", measure_get(Client(), widget, repeats=500))

    # What counting adds to a profile view: the counting middleware around a view that
    # answers at once, for a person (counted) and for a bot (looked at, not counted). The
    # whole page's time is far larger and noisier than the difference.
    profile = specialist.get_absolute_url() + "?src=widget"
    counted = measure(_counting_middleware(profile, agent=BROWSER), repeats=2000)
    not_counted = measure(_counting_middleware(profile, agent=BOT), repeats=2000)
    ctx.add_timing(f"counting middleware, a person's profile view ({backend})", counted)
    ctx.add_timing("counting middleware, a bot's profile view (not counted)", not_counted)
    difference = counted.median_ms - not_counted.median_ms
    ctx.add(
        Figure(
            name=f"counting a profile view adds ({backend}), difference of medians",
            value=round(difference, 3),
            unit="ms",
            ratio_to_trivial_view=ctx.ratio(difference),
        )
    )
    ctx.add_timing(
        "profile view, counted (whole page)",
        measure_get(Client(HTTP_USER_AGENT=BROWSER), profile, repeats=100),
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
