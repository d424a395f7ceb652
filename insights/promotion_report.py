"""Whether a promotion does anything: each promotion's days next to the same number of days
just before it, for the same specialist, from the daily counts and the bookings.

A fixed number of queries for a page of promotions: the counts and bookings of all their
specialists over the whole span are read once and split by promotion here.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Sum

from bookings.models import Consultation
from directory.models import Promotion
from insights.models import DailyCount

FIGURES = ("impressions", "views", "bookings")


@dataclass(frozen=True)
class Row:
    promotion: Promotion
    days: int  # days of the promotion elapsed so far (0 when it has not started)
    during: dict[str, int]
    before: dict[str, int]


def _windows(promotion: Promotion, *, today: date) -> tuple[int, date, date]:
    """The days compared: the promotion's days up to today, and as many just before it."""
    last = min(promotion.ends_on, today)
    days = max((last - promotion.starts_on).days + 1, 0)
    return days, promotion.starts_on - timedelta(days=days), last


def report(*, promotions: list[Promotion], now: datetime) -> list[Row]:
    today = now.astimezone(UTC).date()
    if not promotions:
        return []
    spans = {p.pk: _windows(p, today=today) for p in promotions}
    first = min(span[1] for span in spans.values())
    last = max(span[2] for span in spans.values())
    specialist_ids = {p.specialist_id for p in promotions}

    per_day: Counter[tuple[int, date, str]] = Counter()
    metric_figure = {
        DailyCount.Metric.SEARCH_IMPRESSION: "impressions",
        DailyCount.Metric.PROFILE_VIEW: "views",
    }
    for specialist_id, day, metric, total in (
        DailyCount.objects.filter(
            specialist_id__in=specialist_ids,
            day__range=(first, last),
            metric__in=list(metric_figure),
        )
        .values_list("specialist_id", "day", "metric")
        .annotate(Sum("count"))
        .order_by()
    ):
        per_day[(specialist_id, day, metric_figure[DailyCount.Metric(metric)])] += total
    for specialist_id, created_at in Consultation.objects.filter(
        specialist_id__in=specialist_ids,
        created_at__gte=datetime.combine(first, time(), tzinfo=UTC),
        created_at__lt=datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC),
    ).values_list("specialist_id", "created_at"):
        per_day[(specialist_id, created_at.astimezone(UTC).date(), "bookings")] += 1

    def summed(specialist_id: int, start: date, days: int) -> dict[str, int]:
        dates = [start + timedelta(days=n) for n in range(days)]
        return {
            figure: sum(per_day[(specialist_id, day, figure)] for day in dates)
            for figure in FIGURES
        }

    rows = []
    for promotion in promotions:
        days, before_start, _last = spans[promotion.pk]
        rows.append(
            Row(
                promotion=promotion,
                days=days,
                during=summed(promotion.specialist_id, promotion.starts_on, days),
                before=summed(promotion.specialist_id, before_start, days),
            )
        )
    return rows


@dataclass(frozen=True)
class CalendarDay:
    day: date
    names: list[str]


def calendar(*, promotions: list[Promotion], first: date, weeks: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of who is promoted on each day, from `first`'s Monday (pure)."""
    monday = first - timedelta(days=first.weekday())
    grid = []
    for week in range(weeks):
        days = []
        for offset in range(7):
            day = monday + timedelta(days=7 * week + offset)
            names = sorted(p.specialist.name for p in promotions if p.starts_on <= day <= p.ends_on)
            days.append(CalendarDay(day=day, names=names))
        grid.append(days)
    return grid
