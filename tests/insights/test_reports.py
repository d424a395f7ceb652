import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from bookings.models import Consultation
from insights import charts, reports
from insights.models import DailyCount
from messaging import replies
from messaging.models import Message
from tests.factories import (
    ConsultationFactory,
    MessageFactory,
    SpecialistFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)  # a Wednesday
THIS_WEEK = date(2026, 11, 23)
LAST_WEEK = date(2026, 11, 16)


def consultation(specialist, *, created, starts, status="confirmed", cancelled=None, by=""):
    found = ConsultationFactory(
        specialist=specialist,
        starts_at=starts,
        status=status,
        cancelled_at=cancelled,
        cancelled_by=by,
    )
    Consultation.objects.filter(pk=found.pk).update(created_at=created)
    return found


@pytest.fixture
def specialist():
    """A specialist with known events in the last two weeks, and some too old to count."""
    found = SpecialistFactory()
    rows = [
        (THIS_WEEK, "view", "search", 5),
        (THIS_WEEK + timedelta(days=1), "view", "widget", 3),
        (LAST_WEEK, "view", "search", 2),
        (LAST_WEEK, "search", "search", 40),
        (THIS_WEEK, "book", "widget", 2),
        (THIS_WEEK - timedelta(weeks=12), "view", "search", 1000),
    ]
    DailyCount.objects.bulk_create(
        DailyCount(specialist=found, day=day, metric=metric, source=source, count=count)
        for day, metric, source, count in rows
    )
    monday = datetime(2026, 11, 23, 10, tzinfo=UTC)
    consultation(found, created=monday, starts=monday + timedelta(days=7))
    consultation(
        found,
        created=monday - timedelta(days=6),
        starts=monday - timedelta(days=1),
        status="completed",
    )
    consultation(
        found,
        created=monday - timedelta(days=6),
        starts=monday - timedelta(days=2),
        status="no_show",
    )
    consultation(
        found,
        created=monday - timedelta(days=20),
        starts=monday + timedelta(days=3),
        status="cancelled",
        cancelled=monday,
        by="client",
    )
    consultation(
        found,
        created=monday,
        starts=monday + timedelta(days=4),
        status="cancelled",
        cancelled=monday + timedelta(hours=1),
        by="specialist",
    )
    thread = ThreadFactory(specialist=found)
    for sender in (thread.client, thread.client, found.owner):
        MessageFactory(thread=thread, sender=sender)
    return found


def test_the_weekly_figures_match_the_known_events(specialist):
    report = reports.weekly(specialist=specialist, now=NOW)

    assert len(report.weeks) == reports.WEEKS
    assert report.weeks[0].starts == THIS_WEEK - timedelta(weeks=11)
    this, last = report.weeks[-1].figures, report.weeks[-2].figures
    assert this["views"] == 8 and this["book_clicks"] == 2 and this["search"] == 0
    assert last["views"] == 2 and last["search"] == 40
    assert this["booked"] == 2 and last["booked"] == 2
    assert last["held"] == 1 and last["no_shows"] == 1
    assert this["cancelled_by_client"] == 1 and this["cancelled_by_you"] == 1
    assert dict(report.sources)["Search"] == 7 and dict(report.sources)["Your widget"] == 3
    assert sum(week.figures["views"] for week in report.weeks) == 10  # the old 1,000 is out


def test_messages_received_count_only_the_other_sides(specialist):
    report = reports.weekly(specialist=specialist, now=datetime.now(UTC))

    assert report.weeks[-1].figures["messages"] == 2


def test_each_week_has_its_median_reply_time(specialist):
    thread = ThreadFactory(specialist=specialist)
    asked = datetime(2026, 11, 16, 9, tzinfo=UTC)
    for sender, at in ((thread.client, asked), (specialist.owner, asked + timedelta(hours=5))):
        message = MessageFactory(thread=thread, sender=sender)
        Message.objects.filter(pk=message.pk).update(created_at=at)

    report = reports.weekly(specialist=specialist, now=NOW)

    assert report.weeks[-2].reply == replies.Median(waits=1, delay=timedelta(hours=5))
    assert report.weeks[-3].reply is None
    assert charts.reply_hours(report.weeks[-2].reply) == 5


def test_bars_are_scaled_to_the_largest_value():
    found = charts.bars([0, 5, 10, None])

    assert [bar.length for bar in found] == [0, charts.CHART_HEIGHT // 2, charts.CHART_HEIGHT, 0]
    assert [bar.offset for bar in found] == [
        charts.CHART_HEIGHT,
        charts.CHART_HEIGHT // 2,
        0,
        charts.CHART_HEIGHT,
    ]
    assert charts.bars([0])[0].length == 0


def test_chart_texts_are_escaped():
    drawing = charts.rows(heading="Views", column="Source", values=[("<b>", 3)])

    assert "<b>" not in drawing and "&lt;b&gt;" in drawing


def test_the_specialist_sees_charts_with_tables_and_downloads_the_csv(client, specialist):
    client.force_login(specialist.owner)

    page = client.get(reverse("insights:insights"))
    assert page.status_code == 200
    html = page.content.decode()
    charts_shown = len(reports.FIGURES) + 2  # and the reply time, and the sources
    assert html.count("<svg") == charts_shown
    assert html.count('<table class="visually-hidden">') == charts_shown
    assert "Median reply time (hours)" in html

    response = client.get(reverse("insights:insights_csv"))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Week starting" and len(rows) == reports.WEEKS + 1
    assert rows[-1][rows[0].index("Messages received")] == "2"
    assert rows[0][-1] == "Median reply time (hours)"


def test_only_a_specialist_has_insights(client):
    client.force_login(UserFactory())

    assert client.get(reverse("insights:insights")).status_code == 404
    assert client.get(reverse("insights:insights_csv")).status_code == 404


def test_the_insights_page_reads_a_fixed_number_of_queries(
    client, specialist, django_assert_num_queries
):
    client.force_login(specialist.owner)
    # The user, the profile, the header's unread count; then the report's two.
    with django_assert_num_queries(5):
        client.get(reverse("insights:insights"))


def test_large_numbers_are_shortened_above_their_columns_only():
    assert [charts.short(n) for n in (950, 1000, 1234, 9949, 9950, 15680)] == [
        "950",
        "1k",
        "1.2k",
        "9.9k",
        "10k",
        "16k",
    ]
