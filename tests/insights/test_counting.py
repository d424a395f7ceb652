import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from insights import counting
from insights.models import DailyCount
from tests.bookings.conftest import REDIS_SERVER, open_hours, private_redis  # noqa: F401
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}


def counted(specialist, metric=DailyCount.Metric.PROFILE_VIEW, **filters) -> int:
    """The daily rows' total, after a flush (with Redis, counts wait there until one)."""
    counting.flush()
    rows = DailyCount.objects.filter(specialist=specialist, metric=metric, **filters)
    return rows.aggregate(total=Sum("count"))["total"] or 0


@pytest.fixture
def specialist():
    found = SpecialistFactory(name="Mira Okafor")
    open_hours(found, starts=time(9), ends=time(17))
    return found


def test_a_profile_view_counts_once_under_the_source_of_our_own_link(client, specialist):
    url = specialist.get_absolute_url()

    client.get(url + "?src=widget", **BROWSER)
    client.get(url + "?src=widget", **BROWSER)
    client.get(url + "?src=somewhere-else", **BROWSER)
    client.get(url, **BROWSER)

    assert counted(specialist, source="widget") == 2
    assert counted(specialist, source=counting.OTHER) == 2
    assert DailyCount.objects.filter(day=timezone.now().date()).count() == 2


def test_bots_and_requests_without_a_browser_are_not_counted(client, specialist):
    url = specialist.get_absolute_url()

    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    client.get(url, HTTP_USER_AGENT="python-requests/2.32")
    client.get(url)

    assert counted(specialist) == 0


def test_the_specialists_own_visits_are_not_counted_but_a_colleagues_are(client, specialist):
    client.force_login(specialist.owner)
    client.get(specialist.get_absolute_url(), **BROWSER)
    assert counted(specialist) == 0

    client.force_login(SpecialistFactory().owner)
    client.get(specialist.get_absolute_url(), **BROWSER)
    assert counted(specialist) == 1


def test_a_click_on_book_counts_with_its_source(client, specialist):
    client.get(
        reverse("bookings:pick", kwargs={"slug": specialist.slug}) + "?src=search", **BROWSER
    )

    assert counted(specialist, DailyCount.Metric.BOOK_CLICK, source="search") == 1


def test_each_card_on_a_results_page_is_one_appearance_in_search(client, specialist):
    other = SpecialistFactory()

    client.get(reverse("directory:search"), **BROWSER)
    client.get(reverse("directory:search"), HTTP_USER_AGENT="bingbot")

    assert counted(specialist, DailyCount.Metric.SEARCH_IMPRESSION, source="search") == 1
    assert counted(other, DailyCount.Metric.SEARCH_IMPRESSION, source="search") == 1


def test_nothing_about_the_visitor_is_stored(client, specialist):
    client.get(specialist.get_absolute_url() + "?src=share", **BROWSER)
    counting.flush()

    row = DailyCount.objects.get()
    fields = {field.name for field in DailyCount._meta.get_fields()}
    assert fields == {"id", "specialist", "day", "metric", "source", "count"}
    assert (row.source, row.count) == ("share", 1)


@pytest.fixture
def redis_cache(private_redis, settings):  # noqa: F811
    settings.CACHES = {
        **settings.CACHES,  # the pages' fragments stay in memory
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "counting-test",
        },
    }
    return private_redis


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_counts_and_flushes_neither_lose_nor_double_a_count(redis_cache, specialist):
    threads, each = 8, 200
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    start = threading.Barrier(threads + 1)
    halfway = threading.Barrier(threads + 1)
    event = [counting.Event(metric="view", specialist=specialist.slug, source="search")]

    def visitor() -> None:
        start.wait()
        for visit in range(each):
            if visit == each // 2:
                halfway.wait()
            counting.record(events=event, now=now)

    workers = [threading.Thread(target=visitor) for _n in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    counting.flush()  # while the first halves count
    halfway.wait()
    while any(worker.is_alive() for worker in workers):
        counting.flush()  # while the second halves count
    for worker in workers:
        worker.join()

    assert counted(specialist, source="search") == threads * each
    assert counting.flush() == 0  # nothing left: a further flush adds nothing
    assert counted(specialist, source="search") == threads * each


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server")
def test_with_redis_a_view_waits_in_redis_until_the_flush(redis_cache, client, specialist):
    client.get(specialist.get_absolute_url() + "?src=article", **BROWSER)
    assert not DailyCount.objects.exists()

    assert counting.flush() == 1
    assert counted(specialist, source="article") == 1


def test_counts_for_an_unknown_slug_are_dropped_at_the_flush():
    counting.record(
        events=[counting.Event(metric="view", specialist="nobody", source="search")],
        now=timezone.now() - timedelta(days=1),
    )

    assert DailyCount.objects.count() == 0
