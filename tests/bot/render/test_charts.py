"""Charts: Chinese renders with a real CJK font (a missing glyph fails), thresholds and
working time are drawn, an empty app list draws nothing."""

from __future__ import annotations

import io
import warnings

import pytest
from matplotlib.image import imread

from bot.render.charts import (
    app_bars_png,
    chart_language,
    cjk_family,
    hour_heatmap_png,
    metric_trend_png,
)
from bot.render.charts import fonts as chart_fonts
from bot.render.charts.heatmap import REST_SHADE, WORK_SHADE
from bot.render.i18n import Translator
from bot.usecases.audit import AuditResult
from tests.support.audits import audit_example
from tests.support.builders import default_working_time

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def audit() -> AuditResult:
    return audit_example("zh")


def _charts(audit: AuditResult, _: Translator) -> list[bytes]:
    digest = audit.digests[-1]
    apps = app_bars_png([("平安云溪", 4), ("学习强国", 2)], _)
    assert apps is not None
    return [
        hour_heatmap_png(digest, audit.working_time, _),
        metric_trend_png(audit.digests, _),
        apps,
    ]


def test_a_cjk_font_is_installed() -> None:
    assert cjk_family() is not None, f"no CJK font: {chart_fonts.INSTALL_HINT}"


def test_chinese_charts_have_every_glyph(audit: AuditResult) -> None:
    # matplotlib warns "Glyph … missing from font(s) …" for each character it cannot draw.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pngs = _charts(audit, Translator("zh"))
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert all(png.startswith(PNG_MAGIC) for png in pngs)


def test_without_a_cjk_font_charts_fall_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chart_fonts, "cjk_family", lambda: None)
    assert chart_language("zh") == "en"
    assert chart_fonts.font_families("zh") == [chart_fonts.LATIN_FALLBACK]


def _colour_share(png: bytes, hex_colour: str) -> float:
    pixels = imread(io.BytesIO(png))[:, :, :3]
    target = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    close = (abs(pixels - target) < 0.02).all(axis=2)
    return float(close.mean())


def test_heatmap_shades_working_time_and_rest_days(audit: AuditResult) -> None:
    png = hour_heatmap_png(audit.digests[-1], audit.working_time, Translator("en"))
    # Five working days of nine hours and two rest days fill a visible part of the picture.
    assert _colour_share(png, WORK_SHADE) > 0.05
    assert _colour_share(png, REST_SHADE) > 0.02


def test_heatmap_of_a_week_without_rest_days_shades_none(audit: AuditResult) -> None:
    every_day = default_working_time(hours="mon-sun 09:00-18:00", calendar="none")
    png = hour_heatmap_png(audit.digests[-1], every_day, Translator("en"))
    # Only the legend's small swatch keeps the rest-day colour.
    assert _colour_share(png, REST_SHADE) < 0.005
    assert _colour_share(png, WORK_SHADE) > 0.05


def test_no_apps_no_chart() -> None:
    assert app_bars_png([], Translator("zh")) is None


def test_a_trend_needs_weeks() -> None:
    with pytest.raises(ValueError, match="at least one week"):
        metric_trend_png([], Translator("en"))
