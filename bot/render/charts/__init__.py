"""Charts of a digest as PNG images (matplotlib), labelled in the reader's language."""

from bot.render.charts.apps import AppCount, app_bars_png
from bot.render.charts.fonts import chart_language, cjk_family
from bot.render.charts.heatmap import hour_heatmap_png
from bot.render.charts.trend import metric_trend_png

__all__ = [
    "AppCount",
    "app_bars_png",
    "chart_language",
    "cjk_family",
    "hour_heatmap_png",
    "metric_trend_png",
]
