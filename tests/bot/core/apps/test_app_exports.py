"""Per-app weekly counts of our own test exports (zh and en), through the real audit.

The gold files were written with the exports (``tests/data/apps/make_exports.py``); the floors
are a little below what the audit reached when they were set, so a regression fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.support.app_counts import agreement, audit_cells, gold_cells
from tests.support.paths import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data" / "apps"


def audit_json(export: Path, zone: str, tmp_path: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        app,
        ["audit", str(export), "--format", "json", "--tz", zone, "--data-dir", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize(
    ("name", "zone", "precision_floor", "recall_floor"),
    [
        ("qinghe_apps", "Asia/Shanghai", 0.95, 0.9),
        ("clinic_apps", "Europe/London", 0.95, 0.8),
    ],
)
def test_per_app_weekly_counts_agree_with_the_gold(
    name: str, zone: str, precision_floor: float, recall_floor: float, tmp_path: Path
) -> None:
    export = DATA / f"{name}.json"
    document = audit_json(export, zone, tmp_path)
    predicted = audit_cells(document["weeks"])  # type: ignore[arg-type]
    gold = gold_cells(export, DATA / f"{name}.gold.jsonl", zone)
    precision, recall = agreement(predicted, gold)
    assert precision >= precision_floor, (predicted, gold)
    assert recall >= recall_floor, (predicted, gold)


def test_the_json_apps_have_the_documented_shape(tmp_path: Path) -> None:
    document = audit_json(DATA / "qinghe_apps.json", "Asia/Shanghai", tmp_path)
    first = document["weeks"][0]  # type: ignore[index]
    apps = {entry["app"]: entry for entry in first["apps"]}
    # 青禾网格通: the download demand at 09:40 and the reply-only chase at 17:45 (inside hours).
    assert apps["青禾网格通"]["demands"] == 2
    assert apps["青禾网格通"]["kinds"]["download"] == 2
    assert apps["青禾网格通"]["after_hours"] == 0
    # 学习强国 at 21:20 (after hours) and on Saturday.
    assert apps["学习强国"]["after_hours"] == 2
    assert first["platforms"] == {"问卷星": 1, "腾讯会议": 1}
