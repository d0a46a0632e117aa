"""Demands per app: one bar per app the group was told to use."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.render.charts.png import render_png
from bot.render.i18n import Translator

AppCount = tuple[str, int]


def app_bars_png(counts: Sequence[AppCount], _: Translator) -> bytes | None:
    """Return a PNG bar chart of ``(app, demands)`` pairs, largest first; None when empty.

    The app audit that feeds it is not built yet, so today callers pass an empty list and the
    page shows no chart.
    """
    if not counts:
        return None
    ordered = sorted(counts, key=lambda pair: (-pair[1], pair[0]))

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        names = [name for name, _count in ordered]
        axes.barh(range(len(ordered)), [count for _name, count in ordered], color="#8e44ad")
        axes.set_yticks(range(len(ordered)), names)
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(_("Demands to use an app, per app"))

    return render_png(draw, _.language, (8, 0.5 * len(ordered) + 1.2))
