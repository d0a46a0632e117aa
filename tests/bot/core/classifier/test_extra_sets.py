"""Quality bars on independently written labelled sets (each skipped when absent).

All seven sets are now training data of the learned step (``bot/core/classifier/training.py``), and
the rules were tuned on ``fresh``, ``extra_a`` and ``extra_b``, so the figures measured here are
regression guards, not estimates of accuracy on new messages; each bar sits below the figure
measured at the end with a margin. The honest figures are the cross-validated ones printed by
``python -m bot.core.classifier.training``: on the four sets the rules were never tuned on, each
fold scored by a model that never saw it, macro F1 / label-free kept clean were extra_c 0.963 /
99.0%, extra_d (hard cases) 0.887 / 94.7%, extra_e 0.961 / 100%, extra_f (member-heavy
threads) 0.952 / 95.0%. Measured with the previous weights before they were trained on, extra_e
and extra_f scored 0.945 / 97.7% and 0.933 / 93.9%.
"""

from __future__ import annotations

import pytest

from bot.core.evaluation import format_report
from tests.support.classification import score_file
from tests.support.paths import TRAIN_DATA

DATA = TRAIN_DATA / "messages"

BARS = {
    "fresh.jsonl": (0.97, 0.97),
    "extra_a.jsonl": (0.97, 0.97),
    "extra_b.jsonl": (0.97, 0.97),
    "extra_c.jsonl": (0.97, 0.97),
    "extra_d.jsonl": (0.95, 0.95),
    "extra_e.jsonl": (0.97, 0.97),
    "extra_f.jsonl": (0.97, 0.97),
}


@pytest.mark.parametrize(("name", "macro_bar", "clean_bar"), [(n, *b) for n, b in BARS.items()])
def test_independent_set_meets_its_bar(name: str, macro_bar: float, clean_bar: float) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    report = score_file(path)
    table = format_report(report)
    assert report.messages >= 100, table
    assert report.macro_f1 >= macro_bar, table
    assert report.label_free_share >= clean_bar, table
