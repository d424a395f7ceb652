"""A specialist's figures per week (Monday to Sunday, UTC) for the last twelve weeks.

Two queries whatever the history, each summing by week in the database and written out
(the ORM took longer to build them than the database to answer): every count in one union,
and the median reply times (messaging.replies).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils.translation import gettext_lazy as _

from bookings.models import Consultation
from directory import sql
from directory.models import Specialist
from insights.counting import OTHER, SOURCES
from insights.models import DailyCount
from messaging import replies
from messaging.models import Message, Thread

WEEKS = 12

# Each counted figure of the report: its key and its label, in the order pages and files
# show them. The median reply time follows them.
FIGURES = (
    ("search", _("Shown in search results")),
    ("views", _("Profile views")),
    ("book_clicks", _("Clicks on “book”")),
    ("booked", _("Free consultations booked")),
    ("held", _("Consultations held")),
    ("cancelled_by_client", _("Cancelled by the client")),
    ("cancelled_by_you", _("Cancelled by you")),
    ("no_shows", _("Clients who did not attend")),
    ("messages", _("Messages received")),
)
REPLY_LABEL = _("Median reply time (hours)")
SOURCE_LABELS = {
    "search": _("Search"),
    "article": _("Articles"),
    "promotion": _("Promotion"),
    "widget": _("Your widget"),
    "share": _("Shared links"),
    OTHER: _("Elsewhere or typed in"),
}
METRIC_FIGURE: dict[str, str] = {
    DailyCount.Metric.SEARCH_IMPRESSION.value: "search",
    DailyCount.Metric.PROFILE_VIEW.value: "views",
    DailyCount.Metric.BOOK_CLICK.value: "book_clicks",
}


@dataclass(frozen=True)
class Week:
    starts: date
    figures: dict[str, int]
    reply: replies.Median | None  # None: no client waited for a reply that week


@dataclass(frozen=True)
class Report:
    weeks: list[Week]
    sources: list[tuple[str, int]]  # (label, profile views) over the twelve weeks


def first_monday(*, now: datetime) -> date:
    today = now.astimezone(UTC).date()
    return today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))


# Every count of the report by week, in one round trip: the daily counts (profile views by
# source too), consultations booked, held, missed and cancelled (by whom), messages received.
_COUNTS = """
SELECT metric, CASE WHEN metric = %(view)s THEN source ELSE '' END, {day_week}, SUM(count)
FROM {daily} WHERE specialist_id = %(specialist)s AND day >= %(first)s GROUP BY 1, 2, 3
UNION ALL
SELECT 'booked', '', {created_week}, COUNT(*) FROM {consultation}
WHERE specialist_id = %(specialist)s AND created_at >= %(since)s GROUP BY 3
UNION ALL
SELECT 'held', '', {starts_week}, COUNT(*) FROM {consultation}
WHERE specialist_id = %(specialist)s AND status = %(completed)s AND starts_at >= %(since)s
GROUP BY 3
UNION ALL
SELECT 'no_shows', '', {starts_week}, COUNT(*) FROM {consultation}
WHERE specialist_id = %(specialist)s AND status = %(no_show)s AND starts_at >= %(since)s
GROUP BY 3
UNION ALL
SELECT CASE WHEN cancelled_by = %(client)s THEN 'cancelled_by_client' ELSE 'cancelled_by_you' END,
  '', {cancelled_week}, COUNT(*) FROM {consultation}
WHERE specialist_id = %(specialist)s AND status = %(cancelled)s AND cancelled_at >= %(since)s
GROUP BY 1, 3
UNION ALL
SELECT 'messages', '', {message_week}, COUNT(*)
FROM {message} m JOIN {thread} t ON t.id = m.thread_id
WHERE t.specialist_id = %(specialist)s AND m.status = %(sent)s AND m.sender_id <> %(owner)s
  AND m.created_at >= %(since)s
GROUP BY 3
"""


def _counts(*, specialist: Specialist, first: date) -> list[tuple[str, str, date | str, int]]:
    query = _COUNTS.format(
        daily=DailyCount._meta.db_table,
        consultation=Consultation._meta.db_table,
        message=Message._meta.db_table,
        thread=Thread._meta.db_table,
        day_week=sql.monday("day", moment=False),
        created_week=sql.monday("created_at"),
        starts_week=sql.monday("starts_at"),
        cancelled_week=sql.monday("cancelled_at"),
        message_week=sql.monday("m.created_at"),
    )
    status = Consultation.Status
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            {
                "specialist": specialist.pk,
                "owner": specialist.owner_id,
                "view": DailyCount.Metric.PROFILE_VIEW.value,
                "first": connection.ops.adapt_datefield_value(first),
                "since": connection.ops.adapt_datetimefield_value(
                    datetime.combine(first, time(), tzinfo=UTC)
                ),
                "completed": status.COMPLETED.value,
                "no_show": status.NO_SHOW.value,
                "cancelled": status.CANCELLED.value,
                "client": Consultation.Party.CLIENT.value,
                "sent": Message.Status.SENT.value,
            },
        )
        return cursor.fetchall()


def weekly(*, specialist: Specialist, now: datetime) -> Report:
    """The report; raises nothing (a new specialist gets twelve weeks of zeros)."""
    start = first_monday(now=now)
    counts: dict[date, Counter[str]] = {start + timedelta(weeks=n): Counter() for n in range(WEEKS)}
    sources: Counter[str] = Counter()

    for kind, source, week, total in _counts(specialist=specialist, first=start):
        found = counts.get(sql.as_date(week))
        if found is None:
            continue  # a moment after this week (a clock set ahead) counts nowhere
        found[METRIC_FIGURE.get(kind, kind)] += total  # a metric's figure, or the figure
        if kind == DailyCount.Metric.PROFILE_VIEW:
            sources[source if source in SOURCES else OTHER] += total

    medians = replies.weekly_medians(
        specialist=specialist, since=datetime.combine(start, time(), tzinfo=UTC)
    )
    return Report(
        weeks=[
            Week(
                starts=starts,
                figures={key: counts[starts][key] for key, _l in FIGURES},
                reply=medians.get(starts),
            )
            for starts in sorted(counts)
        ],
        sources=[(str(SOURCE_LABELS[source]), sources[source]) for source in (*SOURCES, OTHER)],
    )
