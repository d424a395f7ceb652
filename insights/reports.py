"""A specialist's figures per week (Monday to Sunday, UTC) for the last twelve weeks.

A fixed number of queries whatever the history: the daily rows summed by day in the
database, and the consultations and messages of the period.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from bookings.models import Consultation
from directory.models import Specialist
from insights.counting import OTHER, SOURCES
from insights.models import DailyCount
from messaging.models import Message

WEEKS = 12

# Each figure of the report: its key and its label, in the order pages and files show them.
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
SOURCE_LABELS = {
    "search": _("Search"),
    "article": _("Articles"),
    "promotion": _("Promotion"),
    "widget": _("Your widget"),
    "share": _("Shared links"),
    OTHER: _("Elsewhere or typed in"),
}
METRIC_FIGURE = {
    DailyCount.Metric.SEARCH_IMPRESSION: "search",
    DailyCount.Metric.PROFILE_VIEW: "views",
    DailyCount.Metric.BOOK_CLICK: "book_clicks",
}


@dataclass(frozen=True)
class Week:
    starts: date
    figures: dict[str, int]


@dataclass(frozen=True)
class Report:
    weeks: list[Week]
    sources: list[tuple[str, int]]  # (label, profile views) over the twelve weeks


def first_monday(*, now: datetime) -> date:
    today = now.astimezone(UTC).date()
    return today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))


def weekly(*, specialist: Specialist, now: datetime) -> Report:
    """The report; raises nothing (a new specialist gets twelve weeks of zeros)."""
    start = first_monday(now=now)
    since = datetime.combine(start, time(), tzinfo=UTC)
    counts: dict[date, Counter[str]] = {start + timedelta(weeks=n): Counter() for n in range(WEEKS)}

    def add(day: date, key: str, amount: int = 1) -> None:
        week = counts.get(day - timedelta(days=day.weekday()))
        if week is not None:  # a moment outside the twelve weeks counts nowhere
            week[key] += amount

    # Summed in the database: a few dozen rows whatever the traffic.
    counted = DailyCount.objects.filter(specialist=specialist, day__gte=start).order_by()
    for week, metric, total in (
        counted.annotate(week=TruncWeek("day")).values_list("week", "metric").annotate(Sum("count"))
    ):
        add(week, METRIC_FIGURE[DailyCount.Metric(metric)], total)
    sources: Counter[str] = Counter(
        dict(
            counted.filter(metric=DailyCount.Metric.PROFILE_VIEW)
            .values_list("source")
            .annotate(Sum("count"))
        )
    )

    consultations = Consultation.objects.filter(specialist=specialist).filter(
        created_at__gte=since
    ) | Consultation.objects.filter(specialist=specialist, starts_at__gte=since)
    for status, by, created_at, starts_at, cancelled_at in consultations.values_list(
        "status", "cancelled_by", "created_at", "starts_at", "cancelled_at"
    ).order_by():
        if created_at >= since:
            add(created_at.astimezone(UTC).date(), "booked")
        if status == Consultation.Status.COMPLETED:
            add(starts_at.astimezone(UTC).date(), "held")
        elif status == Consultation.Status.NO_SHOW:
            add(starts_at.astimezone(UTC).date(), "no_shows")
        elif status == Consultation.Status.CANCELLED and cancelled_at is not None:
            key = "cancelled_by_client" if by == Consultation.Party.CLIENT else "cancelled_by_you"
            add(cancelled_at.astimezone(UTC).date(), key)

    received = (
        Message.objects.filter(thread__specialist=specialist, created_at__gte=since)
        .exclude(sender_id=specialist.owner_id)
        .values_list("created_at", flat=True)
        .order_by()
    )
    for created_at in received:
        add(created_at.astimezone(UTC).date(), "messages")

    return Report(
        weeks=[
            Week(starts=starts, figures={key: counts[starts][key] for key, _l in FIGURES})
            for starts in sorted(counts)
        ],
        sources=[(str(SOURCE_LABELS[source]), sources[source]) for source in (*SOURCES, OTHER)],
    )


@dataclass(frozen=True)
class Bar:
    x: int  # left edge
    center: int
    y: int
    height: int
    value: int
    label: str


CHART_HEIGHT = 120
BAR_STEP = 40
BAR_WIDTH = 28
SOURCE_STEP = 100  # wide enough for a source's name under its bar


def bars(values: list[tuple[str, int]], *, step: int = BAR_STEP) -> list[Bar]:
    """Bars of an SVG chart (pure): heights relative to the largest value."""
    top = max((value for _label, value in values), default=0) or 1
    found = []
    for index, (label, value) in enumerate(values):
        height = round(CHART_HEIGHT * value / top)
        found.append(
            Bar(
                x=index * step + (step - BAR_WIDTH) // 2,
                center=index * step + step // 2,
                y=CHART_HEIGHT - height,
                height=height,
                value=value,
                label=label,
            )
        )
    return found


def svg(found: list[Bar], *, width: int) -> SafeString:
    """The chart's SVG (drawn here rather than in a template: ten charts of twelve bars are
    thousands of template lookups). Hidden from screen readers, which read the table."""
    shapes = format_html_join(
        "",
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"/>'
        '<text class="chart-value" x="{}" y="{}">{}</text>'
        '<text class="chart-label" x="{}" y="{}">{}</text>',
        (
            (
                *(bar.x, bar.y, BAR_WIDTH, bar.height),
                *(bar.center, bar.y - 3, bar.value),
                *(bar.center, CHART_HEIGHT + 12, bar.label),
            )
            for bar in found
        ),
    )
    return format_html(
        '<svg viewBox="0 -14 {} {}" width="100%" aria-hidden="true" focusable="false"'
        ' preserveAspectRatio="xMinYMin meet">'
        '<line class="chart-axis" x1="0" y1="{}" x2="{}" y2="{}"/>{}</svg>',
        width,
        CHART_HEIGHT + 30,
        CHART_HEIGHT,
        width,
        CHART_HEIGHT,
        shapes,
    )
