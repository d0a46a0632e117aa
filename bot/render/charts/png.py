"""Figures to PNG bytes, drawn with the fonts the chart's language needs."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import matplotlib as mpl

# The object-oriented Figure renders with the Agg canvas: no display, no pyplot state.
from matplotlib.figure import Figure

from bot.render.charts.fonts import font_families

Draw = Callable[[Figure], None]
# rc_context changes matplotlib's global settings: one drawing at a time, whichever thread.
_DRAWING = threading.Lock()


def render_png(
    draw: Draw,
    language: str,
    size: tuple[float, float],
    dpi: int = 110,
    *,
    constrained: bool = True,
) -> bytes:
    """Create a figure of ``size`` inches, let ``draw`` fill it, and return it as PNG bytes.

    ``constrained`` lays the figure out automatically; a drawing that sets its own margins
    passes False (automatic layout measures every text twice, half the time of a grid).
    """
    with (
        _DRAWING,
        mpl.rc_context({"font.family": font_families(language), "axes.unicode_minus": False}),
    ):
        figure = Figure(figsize=size, dpi=dpi, layout="constrained" if constrained else None)
        draw(figure)
        buffer = io.BytesIO()
        # No timestamp or version in the file: the same digest gives the same bytes.
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
