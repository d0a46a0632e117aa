"""Quality bars on independently written labelled sets (each skipped when absent).

All five sets are now training data of the learned step (``bot/classifier/training.py``), and
the rules were tuned on ``fresh``, ``extra_a`` and ``extra_b``, so the figures measured here are
regression guards, not estimates of accuracy on new messages; each bar sits below the figure
measured at the end with a margin. The honest figures are the cross-validated ones printed by
``python -m bot.classifier.training``; at the time of writing, on ``extra_c`` (same kind of
messages as the corpus, never used to tune the rules), each fold scored by a model that never
saw it: macro F1 0.951 and 99.0% of label-free messages kept clean (rules alone: 0.925 and
92.8%); on ``extra_d`` (hard cases): 0.886 and 94.7% (rules alone: 0.853 and 91.8%).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.classifier import classify
from bot.evaluation import evaluate, format_report
from bot.labels import Label

DATA = Path(__file__).parent / "data"

BARS = {
    "fresh.jsonl": (0.97, 0.97),
    "extra_a.jsonl": (0.97, 0.97),
    "extra_b.jsonl": (0.97, 0.97),
    "extra_c.jsonl": (0.97, 0.97),
    "extra_d.jsonl": (0.95, 0.95),
}


@pytest.mark.parametrize(("name", "macro_bar", "clean_bar"), [(n, *b) for n, b in BARS.items()])
def test_independent_set_meets_its_bar(name: str, macro_bar: float, clean_bar: float) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            gold = frozenset(Label(label) for label in record["labels"])
            pairs.append((gold, classify(record["text"]).labels))
    report = evaluate(pairs)
    table = format_report(report)
    assert report.messages >= 100, table
    assert report.macro_f1 >= macro_bar, table
    assert report.label_free_share >= clean_bar, table
