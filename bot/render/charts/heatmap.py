"""When demands arrive: weekday by hour, working time shaded, rest days marked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from bot.core.digest import WeekDigest
from bot.core.worktime import Band, WorkingTime
from bot.render.charts.png import render_png
from bot.render.i18n import Translator
from bot.render.names import WEEKDAY_NAMES

WORK_SHADE = "#dcefe0"
REST_SHADE = "#f3e3e3"
REST_COLOUR = "#b03030"


def hour_heatmap_png(digest: WeekDigest, working_time: WorkingTime, _: Translator) -> bytes:
    """Return a PNG heat map of the week's demands by local weekday (rows) and hour (columns).

    Working time is shaded green behind the counts, so demands outside it stand out; rest days
    (weekends, holidays) are shaded red and their weekday names marked.
    """
    days = [digest.start + timedelta(days=offset) for offset in range(7)]
    rest = [not working_time.day_kind(day).is_working for day in days]

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        background = np.array(
            [
                [_cell_shade(working_time, day, hour, rest[row]) for hour in range(24)]
                for row, day in enumerate(days)
            ]
        )
        axes.imshow(
            background,
            cmap=ListedColormap(["white", WORK_SHADE, REST_SHADE]),
            vmin=0,
            vmax=2,
            aspect="auto",
        )
        counts = np.ma.masked_equal(np.array(digest.hour_matrix, dtype=float), 0)
        peak = max(1, *(max(row) for row in digest.hour_matrix))
        image = axes.imshow(counts, cmap="Reds", aspect="auto", vmin=0, vmax=peak)
        names = [
            _(WEEKDAY_NAMES[row]) + (" " + _("(rest)") if rest[row] else "") for row in range(7)
        ]
        axes.set_yticks(range(7), names)
        for row, tick in enumerate(axes.get_yticklabels()):
            if rest[row]:
                tick.set_color(REST_COLOUR)
        axes.set_xticks(range(0, 24, 3), [f"{hour:02d}" for hour in range(0, 24, 3)])
        axes.set_xlabel(_("hour of day (local time)"))
        axes.set_title(_("{week}: demands by weekday and hour", week=digest.week))
        bar = figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02)
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        bar.set_label(_("demands"))
        axes.legend(
            handles=[
                Patch(color=WORK_SHADE, label=_("working time")),
                Patch(color=REST_SHADE, label=_("rest day")),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22),
            ncols=2,
            frameon=False,
        )

    return render_png(draw, _.language, (8, 3.8))


def _cell_shade(working_time: WorkingTime, day: date, hour: int, rest: bool) -> int:
    if rest:
        return 2
    moment = datetime.combine(day, time(hour, 30), working_time.timezone)
    return 1 if working_time.band(moment) is Band.WORK else 0
