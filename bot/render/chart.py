"""A picture of when demands arrive: weekday by hour, with working time marked."""

from __future__ import annotations

import io
from datetime import date, datetime, time

# The object-oriented Figure renders with the Agg canvas: no display, no pyplot state.
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from bot.core.digest import WeekDigest
from bot.core.worktime import Band, WorkingTime
from bot.render.names import WEEKDAY_NAMES


def hour_heatmap_png(digest: WeekDigest, working_time: WorkingTime) -> bytes:
    """Return a PNG heat map of the week's demands by local weekday and hour.

    Cells inside working time are outlined, so pushes outside them stand out. Only ASCII text
    is drawn (week id, weekday and hour numbers), so no CJK font is needed.
    """
    figure = Figure(figsize=(8, 3.2), dpi=110)
    axes = figure.add_subplot()
    peak = max(1, *(max(row) for row in digest.hour_matrix))
    image = axes.imshow(digest.hour_matrix, cmap="Reds", aspect="auto", vmin=0, vmax=peak)
    for day in range(7):
        date = digest.start.toordinal() + day
        for hour in range(24):
            if _is_work(working_time, date, hour):
                axes.add_patch(
                    Rectangle((hour - 0.5, day - 0.5), 1, 1, fill=False, lw=0.4, ec="#4a7")
                )
    axes.set_yticks(range(7), WEEKDAY_NAMES)
    axes.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
    axes.set_title(f"{digest.week}: demands by local hour (green outline = working time)")
    bar = figure.colorbar(image, ax=axes, fraction=0.025, pad=0.02)
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _is_work(working_time: WorkingTime, ordinal: int, hour: int) -> bool:
    moment = datetime.combine(date.fromordinal(ordinal), time(hour, 30), working_time.timezone)
    return working_time.band(moment) is Band.WORK
