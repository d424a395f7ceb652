"""The insights page's bar charts, drawn on the server as SVG, each followed by its numbers
as a table for screen readers (the SVG is hidden from them).

Written as strings here rather than in a template: ten charts of twelve bars with their
tables were hundreds of template lookups, most of the page's time. Every text is escaped
once, and the week labels are formatted once for all the charts.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape  # the standard library's: Django's lazy-aware one was most of the time

from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insights import reports
from messaging import replies

CHART_HEIGHT = 120
BAR_STEP = 32
BAR_WIDTH = 22
ROW_STEP = 26  # a row of a horizontal chart
ROW_LABEL_WIDTH = 150  # wide enough for a source's name beside its bar
ROW_BAR_WIDTH = 180
NO_VALUE = "\N{EN DASH}"


@dataclass(frozen=True)
class Bar:
    offset: int  # from the top (columns) or the left (rows) of the bar's space
    length: int
    value: int | None


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    drawing: SafeString


def bars(values: Sequence[int | None], *, longest: int = CHART_HEIGHT) -> list[Bar]:
    """Bars scaled to the largest value (pure); None draws no bar."""
    top = max((value for value in values if value), default=0) or 1
    found = []
    for value in values:
        length = round(longest * (value or 0) / top)
        found.append(Bar(offset=longest - length, length=length, value=value))
    return found


def _table(*, column: str, heading: str, rows: Sequence[tuple[str, str]]) -> str:
    """The numbers for screen readers; every text already escaped."""
    body = "".join(f'<tr><th scope="row">{label}</th><td>{text}</td></tr>' for label, text in rows)
    return (
        '<table class="visually-hidden"><thead><tr>'
        f'<th scope="col">{column}</th><th scope="col">{heading}</th>'
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


@dataclass(frozen=True)
class Weeks:
    """What every column chart of the page shares, formatted and escaped once."""

    column: str  # the table's first heading
    labels: list[str]  # each week in full, for the table
    ticks: list[tuple[str, str]]  # the two lines under each column


def columns(
    weeks: Weeks,
    *,
    heading: str,
    values: Sequence[int | None],
    shown: Sequence[str],
    told: Sequence[str],
) -> SafeString:
    """A column chart of weeks: `shown` is the text above each column and `told` the
    table's text for each (escaped here, like `heading`)."""
    width = len(values) * BAR_STEP
    shapes = []
    for index, (bar, (day, month), text) in enumerate(
        zip(bars(values), weeks.ticks, shown, strict=True)
    ):
        center = index * BAR_STEP + BAR_STEP // 2
        if bar.length:
            shapes.append(
                f'<rect class="chart-bar" x="{center - BAR_WIDTH // 2}" y="{bar.offset}"'
                f' width="{BAR_WIDTH}" height="{bar.length}"/>'
            )
        shapes.append(
            f'<text class="chart-value" x="{center}" y="{bar.offset - 4}">{escape(text)}</text>'
            f'<text class="chart-label" x="{center}" y="{CHART_HEIGHT + 15}">{day}</text>'
            f'<text class="chart-label" x="{center}" y="{CHART_HEIGHT + 30}">{month}</text>'
        )
    svg = (
        f'<svg viewBox="0 -18 {width} {CHART_HEIGHT + 52}" width="100%" aria-hidden="true"'
        ' focusable="false" preserveAspectRatio="xMinYMin meet">'
        f'<line class="chart-axis" x1="0" y1="{CHART_HEIGHT}" x2="{width}" y2="{CHART_HEIGHT}"/>'
        f"{''.join(shapes)}</svg>"
    )
    rows = [(label, escape(text)) for label, text in zip(weeks.labels, told, strict=True)]
    table = _table(column=weeks.column, heading=escape(heading), rows=rows)
    return mark_safe(f'<figure class="chart">{svg}{table}</figure>')  # noqa: S308 (escaped above)


def rows(*, heading: str, column: str, values: Sequence[tuple[str, int]]) -> SafeString:
    """A horizontal bar chart with each name beside its bar (readable on a phone too)."""
    height = len(values) * ROW_STEP
    shapes = []
    for index, (bar, (name, value)) in enumerate(
        zip(bars([value for _name, value in values], longest=ROW_BAR_WIDTH), values, strict=True)
    ):
        middle = index * ROW_STEP + ROW_STEP // 2
        shapes.append(
            f'<text class="chart-label chart-name" x="0" y="{middle + 5}">{escape(name)}</text>'
            f'<rect class="chart-bar" x="{ROW_LABEL_WIDTH}" y="{middle - 9}"'
            f' width="{bar.length}" height="18"/>'
            f'<text class="chart-value chart-name" x="{ROW_LABEL_WIDTH + bar.length + 6}"'
            f' y="{middle + 5}">{value}</text>'
        )
    width = ROW_LABEL_WIDTH + ROW_BAR_WIDTH + 50
    svg = (
        f'<svg viewBox="0 0 {width} {height}" width="100%" aria-hidden="true" focusable="false"'
        f' preserveAspectRatio="xMinYMin meet">{"".join(shapes)}</svg>'
    )
    table = _table(
        column=escape(column),
        heading=escape(heading),
        rows=[(escape(name), str(value)) for name, value in values],
    )
    return mark_safe(f'<figure class="chart chart-rows">{svg}{table}</figure>')  # noqa: S308


def short(value: int) -> str:
    """A number that fits above a column: 950, 1.2k, 16k. Pure."""
    if value < 1000:
        return str(value)
    if value < 9950:
        return f"{value / 1000:.1f}".removesuffix(".0") + "k"
    return f"{round(value / 1000)}k"


def weeks_of(days: Sequence[date]) -> Weeks:
    """Under each week: the day of the month, and the month's name where it changes."""
    ticks = []
    month = ""
    for day in days:
        name = escape(date_format(day, "M"))
        ticks.append((str(day.day), name if name != month else ""))
        month = name
    return Weeks(
        column=escape(_("Week starting")),
        labels=[escape(date_format(day, "j M")) for day in days],
        ticks=ticks,
    )


def reply_hours(reply: replies.Median | None) -> int | None:
    """A week's median reply time in whole hours; None without one."""
    return None if reply is None or reply.delay is None else replies.whole_hours(reply.delay)


def _reply_texts(reply: replies.Median | None) -> tuple[int | None, str, str]:
    """A week's median reply time: hours for the bar, the text above it, the table's text."""
    hours = reply_hours(reply)
    if reply is None:
        return None, NO_VALUE, _("No messages")
    if hours is None:
        return None, "…", _("Most still wait for your reply")
    told = ngettext("Within %(hours)s hour", "Within %(hours)s hours", hours) % {"hours": hours}
    return hours, str(hours), told


def page(report: reports.Report) -> list[Chart]:
    """Every chart of the page: one per counted figure, then the median reply time."""
    weeks = weeks_of([week.starts for week in report.weeks])
    found = []
    for key, label in reports.FIGURES:
        title = str(label)
        values = [week.figures[key] for week in report.weeks]
        total = sum(values)
        found.append(
            Chart(
                key=key,
                title=title,
                summary=ngettext("%(total)s in twelve weeks", "%(total)s in twelve weeks", total)
                % {"total": number_format(total, force_grouping=True)},
                drawing=columns(
                    weeks,
                    heading=title,
                    values=values,
                    shown=[short(value) for value in values],
                    told=[str(value) for value in values],
                ),
            )
        )
    hours, shown, told = zip(*(_reply_texts(week.reply) for week in report.weeks), strict=True)
    title = str(reports.REPLY_LABEL)
    found.append(
        Chart(
            key="reply",
            title=title,
            summary=_(
                "From a client's message to your first reply, by the week they wrote. A message"
                " without a reply counts as the slowest; “…”: most still wait for your reply."
            ),
            drawing=columns(weeks, heading=title, values=hours, shown=shown, told=told),
        )
    )
    return found


def sources(report: reports.Report) -> SafeString:
    return rows(heading=_("Profile views"), column=_("Source"), values=report.sources)
