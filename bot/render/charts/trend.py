"""Each metric week by week, with its warn and alert thresholds drawn."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.core.digest import MetricResult, WeekDigest
from bot.core.metrics import MetricId
from bot.render.charts.png import render_png
from bot.render.i18n import Translator
from bot.render.names import metric_name

COLUMNS = 2
WARN_COLOUR = "#d08a00"
ALERT_COLOUR = "#c0392b"


def metric_trend_png(weeks: Sequence[WeekDigest], _: Translator) -> bytes:
    """Return a PNG of every metric over ``weeks`` (oldest first), one small panel each.

    A week without messages is a gap marked "no data", never a zero; the warn and alert
    thresholds of the latest week are drawn as dashed lines.
    """
    if not weeks:
        raise ValueError("a trend needs at least one week")
    metrics = [result.id for result in weeks[-1].metrics]
    rows = math.ceil(len(metrics) / COLUMNS)

    def draw(figure: Figure) -> None:
        grid = figure.subplots(rows, COLUMNS, squeeze=False)
        for index, metric in enumerate(metrics):
            _panel(grid[index // COLUMNS][index % COLUMNS], weeks, metric, _)
        for index in range(len(metrics), rows * COLUMNS):
            grid[index // COLUMNS][index % COLUMNS].set_visible(False)
        figure.suptitle(_("Weekly trend per metric (dashed: warn and alert thresholds)"))
        height = 2.0 * rows + 0.6
        figure.subplots_adjust(
            left=0.06, right=0.98, bottom=0.35 / height, top=1 - 0.6 / height, hspace=0.55
        )

    return render_png(draw, _.language, (8, 2.0 * rows + 0.6), constrained=False)


def _panel(axes: Axes, weeks: Sequence[WeekDigest], metric: MetricId, _: Translator) -> None:
    labels = [week.week[-3:] for week in weeks]
    values = [week.metric(metric).value if week.messages else math.nan for week in weeks]
    axes.plot(range(len(weeks)), values, marker="o", color="#34495e")
    latest: MetricResult = weeks[-1].metric(metric)
    for threshold, colour in ((latest.warn, WARN_COLOUR), (latest.alert, ALERT_COLOUR)):
        if threshold is not None:
            axes.axhline(threshold, color=colour, linestyle="--", linewidth=1)
    for position, value in enumerate(values):
        if math.isnan(value):
            axes.annotate(
                _("no data"),
                (position, 0),
                ha="center",
                va="bottom",
                fontsize=7,
                color="grey",
                rotation=90,
            )
    axes.set_title(metric_name(_, metric), fontsize=9)
    axes.set_xticks(range(len(weeks)), labels, fontsize=7)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylim(bottom=0)
    if metric is MetricId.AFTER_HOURS_DEMAND_SHARE:
        axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
