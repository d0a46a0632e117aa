"""What a digest page costs to draw, against a floor: a bare matplotlib PNG of the same size.

Audits the sample export once, then times (best of N) the hour heat map, the weekly trend,
the whole page (both charts, the template and the data: URIs) and the CSV export, and prints
each with its ratio to the floor: an empty 8x3.8 inch Figure saved as PNG with no axes, no
text and no font lookups. The ratio says what our drawing adds on top of PNG encoding.

Run: ``python bench/pages.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import asyncio
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.figure import Figure

from bot.config.settings import Settings
from bot.core.classifier import load_classifier
from bot.render.charts import hour_heatmap_png, metric_trend_png
from bot.render.i18n import Translator
from bot.render.table_export import rows_csv, weekly_rows
from bot.render.web_page import DigestPage, digest_page_html
from bot.usecases.audit import run_audit

_EXPORT = Path(__file__).resolve().parents[1] / "examples" / "work-group" / "result.json"


def _floor() -> None:
    figure = Figure(figsize=(8, 3.8), dpi=110)
    figure.savefig(io.BytesIO(), format="png")


def _best(action: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print the timings and their ratios to the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    settings = Settings(language="zh")
    audit = asyncio.run(
        run_audit(
            _EXPORT,
            None,
            settings,
            load_classifier(()),
            settings.base_thresholds(),
            now=datetime.now(UTC),
        )
    )
    _ = Translator("zh")
    digest = audit.digests[-1]
    page = DigestPage(digest, audit.digests, audit.working_time, download_href="x.csv")
    floor = _best(_floor, repeat)
    print(f"weeks in the sample: {len(audit.digests)}; best of {repeat} runs")
    print(f"floor (empty PNG figure): {floor * 1000:8.1f} ms")
    for name, action in (
        ("hour heat map", lambda: hour_heatmap_png(digest, audit.working_time, _)),
        ("weekly trend", lambda: metric_trend_png(audit.digests, _)),
        ("whole page", lambda: digest_page_html(page, "zh")),
        ("CSV of all weeks", lambda: rows_csv(weekly_rows(audit.digests))),
    ):
        took = _best(action, repeat)
        print(f"{name:<26}{took * 1000:8.1f} ms   {took / floor:6.1f} x floor")


if __name__ == "__main__":
    main()
