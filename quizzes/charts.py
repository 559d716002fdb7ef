"""SVG chart geometry, pure: data in, rectangles, lines and tick positions out; the markup is in templates.

``templates/quizzes/includes/_bar_chart.html`` and ``_heatmap.html`` draw what these return, with
CSS classes for colours (the site's CSP allows no ``style`` attribute) and the SVG's own attributes
for positions. A chart's numbers are its table fallback's too: each bar keeps its label and value.

Everything is in the SVG's user units (``viewBox="0 0 width height"``): the SVG scales to its box.
"""

import datetime
import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 24, 34  # room for the y-axis numbers and the x-axis labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what the bar is ("3 Dec", "90-100%"), for its <title> and the table
    value: float
    css_class: str = "bar"
    text: str = ""  # the value as shown ("12", "91%")


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass
class BarChart:
    """Bars (one series, or several side by side per point), axis ticks, and optional horizontal guide lines."""

    bars: list
    x_ticks: list
    y_ticks: list
    width: int = WIDTH
    height: int = HEIGHT
    guides: list = field(default_factory=list)  # Ticks at y positions: a target line, with its text
    columns: list = field(default_factory=list)  # the table fallback's value columns (one per series)
    rows: list = field(default_factory=list)  # the table fallback: [(label, [value as text per series])]
    left: int = LEFT
    bottom_y: float = HEIGHT - BOTTOM
    right_x: float = WIDTH - RIGHT


def nice_maximum(value, steps=(1, 2, 2.5, 5, 10)):
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above ``value`` (1 for nothing)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in steps:
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def bar_chart(
    points,
    *,
    series=("bar",),
    columns=(),
    maximum=None,
    label_every=1,
    value_format=str,
    y_format=None,
    guides=(),
    whole=False,
):
    """A bar chart of ``points``: ``[(label, value)]``, or ``[(label, (value, value, ...))]`` for several series.

    ``series`` names each series' CSS class; ``maximum`` fixes the top of the y-axis (1 for shares),
    otherwise it is a round number above the largest value; every ``label_every``-th label is written
    under the axis; ``guides`` are ``(value, text)`` horizontal lines (the desired retention);
    ``columns`` name the series in the table fallback; ``whole``: counts, so the axis
    goes to 4 at least, and its quarter ticks are whole numbers.
    """
    y_format = y_format or value_format
    rows = [(label, values if isinstance(values, tuple | list) else (values,)) for label, values in points]
    highest = max((v or 0 for _, vs in rows for v in vs), default=0)
    if maximum is not None:
        top = maximum
    elif whole:  # four whole-number quarters: 3 -> 4, 13 -> 20, 37 -> 40
        top = 4 * nice_maximum(math.ceil(highest / 4), steps=(1, 2, 5, 10))
    else:
        top = nice_maximum(highest)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(rows))
    gap = slot * 0.15
    bar_width = (slot - 2 * gap) / len(series)

    def y_of(value):
        return TOP + plot_height * (1 - min(value, top) / top)

    bars, x_ticks = [], []
    for index, (label, values) in enumerate(rows):
        left = LEFT + index * slot + gap
        for number, (value, css_class) in enumerate(zip(values, series, strict=True)):
            if value is None:
                continue
            y = y_of(value)
            bars.append(
                Bar(
                    x=round(left + number * bar_width, 2),
                    y=round(y, 2),
                    width=round(bar_width, 2),
                    height=round(HEIGHT - BOTTOM - y, 2),
                    label=label,
                    value=value,
                    css_class=css_class,
                    text=value_format(value),
                )
            )
        if index % label_every == 0:
            x_ticks.append(Tick(round(LEFT + index * slot + slot / 2, 2), label))
    shares = (0, 0.25, 0.5, 0.75, 1)
    y_ticks = [
        Tick(round(y_of(top * share), 2), y_format(round(top * share) if whole else top * share)) for share in shares
    ]
    guide_lines = [Tick(round(y_of(value), 2), text) for value, text in guides]
    table = [(label, [value_format(v) if v is not None else "—" for v in values]) for label, values in rows]
    return BarChart(bars=bars, x_ticks=x_ticks, y_ticks=y_ticks, guides=guide_lines, columns=list(columns), rows=table)


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    day: datetime.date
    count: int
    level: int  # 0 (none) to 4 (the most), a CSS class heat-<level>
    title: str = ""  # "2 December 2026: 3 reviews"


@dataclass
class Heatmap:
    cells: list
    months: list  # Ticks: where each month's first week starts
    weekdays: list  # Ticks: the rows' names (Mon, Wed, Fri)
    width: int
    height: int
    size: int
    levels: tuple = (0, 1, 2, 3, 4)


HEAT_CELL, HEAT_GAP, HEAT_LEFT, HEAT_TOP = 11, 2, 30, 16


def heatmap(counts, *, first, last, month_name, weekday_name, describe=None):
    """A calendar heatmap from ``first`` to ``last``: a column per week (Monday first), a row per weekday.

    ``counts`` is ``{date: reviews}``; the four levels split the busiest day's count in quarters.
    ``month_name(date)`` and ``weekday_name(date)`` write the labels (translated by the caller),
    ``describe(date, count)`` each cell's title (written here once, not 365 times in the template).
    """
    busiest = max(counts.values(), default=0)
    start = first - datetime.timedelta(days=first.weekday())
    step = HEAT_CELL + HEAT_GAP
    cells, months = [], []
    day = first
    while day <= last:
        week = (day - start).days // 7
        count = counts.get(day, 0)
        level = 0 if not count else min(4, 1 + (4 * (count - 1)) // max(1, busiest))
        title = describe(day, count) if describe else ""
        cells.append(Cell(HEAT_LEFT + week * step, HEAT_TOP + day.weekday() * step, day, count, level, title))
        if (day.day == 1 or day == first) and (last - day).days > 14:  # room for the name before the end
            months.append(Tick(HEAT_LEFT + week * step, month_name(day)))
        day += datetime.timedelta(days=1)
    weeks = (last - start).days // 7 + 1
    monday = start
    weekdays = [
        Tick(HEAT_TOP + row * step + HEAT_CELL - 2, weekday_name(monday + datetime.timedelta(days=row)))
        for row in (0, 2, 4)
    ]
    if len(months) > 1 and months[1].position - months[0].position < 3 * step:
        months.pop(0)  # a partial first month's label would run into the next one's
    return Heatmap(
        cells=cells,
        months=months,
        weekdays=weekdays,
        width=HEAT_LEFT + weeks * step,
        height=HEAT_TOP + 7 * step,
        size=HEAT_CELL,
    )


def study_charts(stats):
    """The stats page's charts, from a ``quizzes.stats.StudyStats``: labels written and translated here."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    def count(value):
        return str(round(value))

    def percent(value):
        return f"{value * 100:.0f}%"

    def short(day):
        return date_format(day, "j M")

    def knowledge(value):
        return f"{value:.1f}"

    desired = [(stats.desired_retention, _("desired %(rate)s") % {"rate": percent(stats.desired_retention)})]
    retention_columns = [_("Young cards"), _("Mature cards")]

    def retention(rows, label, label_every):
        return bar_chart(
            [(label(row.start), (row.young.rate, row.mature.rate)) for row in rows],
            series=("bar-young", "bar-mature"),
            columns=retention_columns,
            maximum=1,
            label_every=label_every,
            value_format=percent,
            guides=desired,
        )

    return {
        "retention_legend": [(_("Young cards"), "bar-young"), (_("Mature cards"), "bar-mature")],
        "forecast": bar_chart(
            [(short(day), due) for day, due in stats.forecast],
            columns=[_("Cards due")],
            label_every=5,
            value_format=count,
            whole=True,
        ),
        "heatmap": heatmap(
            stats.reviews_per_day,
            first=stats.heatmap_first,
            last=stats.today,
            month_name=lambda day: date_format(day, "M"),
            weekday_name=lambda day: date_format(day, "D"),
            describe=lambda day, reviews: (
                ngettext("%(day)s: %(reviews)d review", "%(day)s: %(reviews)d reviews", reviews)
                % {"day": date_format(day), "reviews": reviews}
            ),
        ),
        "retention_by_day": retention(stats.retention_by_day, short, 5),
        "retention_by_week": retention(stats.retention_by_week, short, 2),
        "retention_by_month": retention(stats.retention_by_month, lambda day: date_format(day, "M Y"), 2),
        "knowledge_trend": bar_chart(
            [(short(moment), value) for moment, value in stats.knowledge_trend],
            columns=[_("Cards you would recall")],
            label_every=2,
            value_format=knowledge,
        ),
        "retrievability": bar_chart(
            stats.retrievability_histogram, columns=[_("Cards")], label_every=2, value_format=count, whole=True
        ),
        "stability": bar_chart(
            stats.stability_histogram, columns=[_("Cards")], label_every=2, value_format=count, whole=True
        ),
        "difficulty": bar_chart(
            stats.difficulty_histogram, columns=[_("Cards")], label_every=2, value_format=count, whole=True
        ),
    }


def forecast_charts(forecast):
    """The class forecast's charts (``quizzes.forecast.ClassForecast``): recall per section and per topic, the two
    assumptions side by side; sections labelled by number under the axis, by name in the table."""
    from django.utils.text import Truncator
    from django.utils.translation import gettext as _

    def percent(value):
        return f"{value * 100:.0f}%"

    def chart(groups, label):
        made = bar_chart(
            [(label(group), (group.recall_if_stopped, group.recall_if_kept_up)) for group in groups],
            series=("bar-stop", "bar-keep"),
            columns=[_("No more study"), _("Due reviews kept up")],
            maximum=1,
            value_format=percent,
        )
        made.rows = [(group.name, values) for group, (_label, values) in zip(groups, made.rows, strict=True)]
        return made

    return {
        "legend": [(_("No more study"), "bar-stop"), (_("Due reviews kept up"), "bar-keep")],
        "sections": chart(forecast.sections, lambda group: group.name.split(".", 1)[0]),
        "topics": chart(forecast.topics, lambda group: Truncator(group.name).chars(11)),
    }


def activity_chart(activity):
    """A student's reviews per study day, ``[(day, reviews)]``, as bars."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    return bar_chart(
        [(date_format(day, "j M"), count) for day, count in activity],
        columns=[_("Reviews")],
        label_every=5,
        value_format=lambda value: str(round(value)),
        whole=True,
    )
