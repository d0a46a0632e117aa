"""The quality bar on the shared development corpus (skipped when it is not beside the repo)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.classifier import classify
from bot.evaluation import evaluate, format_report
from bot.labels import Label

DEV = Path(__file__).parents[2].parent / "shared/corpus/dev.jsonl"

pytestmark = pytest.mark.skipif(
    not DEV.exists(),
    reason=f"dev corpus not found at {DEV} (it lives in ../shared beside the repo)",
)


def test_dev_corpus_meets_the_quality_bar() -> None:
    pairs = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            gold = frozenset(Label(name) for name in record["labels"])
            pairs.append((gold, classify(record["text"]).labels))
    report = evaluate(pairs)
    table = format_report(report)
    for score in report.scores:
        assert score.f1 >= 0.90, f"{score.label}: F1 {score.f1:.3f}\n{table}"
    assert report.macro_f1 >= 0.93, table
    assert report.label_free_share >= 0.95, table
