"""Per-app weekly counts: from an audit's JSON weeks, from a gold file, and how far they agree."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

Cells = Counter[tuple[str, str]]
"""(ISO week, app name) -> demands."""


def audit_cells(weeks: Iterable[Mapping[str, object]]) -> Cells:
    """Per-app weekly demands from ``audit --format json`` weeks."""
    cells: Cells = Counter()
    for week in weeks:
        for app in week["apps"]:  # type: ignore[attr-defined]
            cells[str(week["week"]), app["app"]] += app["demands"]
    return cells


def gold_cells(export: Path, gold: Path, zone: str) -> Cells:
    """Per-app weekly demands of a gold file: every gold line's ``apps``, in its local week."""
    messages = json.loads(export.read_text(encoding="utf-8"))["messages"]
    sent = {
        m["id"]: datetime.fromtimestamp(int(m["date_unixtime"]), ZoneInfo(zone))
        for m in messages
        if m.get("type") == "message"
    }
    cells: Cells = Counter()
    for line in gold.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        year, week, _ = sent[record["id"]].isocalendar()
        for app in record.get("apps", []):
            cells[f"{year}-W{week:02d}", app] += 1
    return cells


def agreement(predicted: Cells, gold: Cells) -> tuple[float, float]:
    """(precision, recall) of per-app weekly counts: matched demands over predicted, over gold."""
    matched = sum(min(n, predicted[cell]) for cell, n in gold.items())
    precision = matched / sum(predicted.values()) if predicted else 0.0
    recall = matched / sum(gold.values()) if gold else 0.0
    return precision, recall
