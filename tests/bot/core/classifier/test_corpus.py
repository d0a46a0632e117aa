"""The quality bar on the shared development corpus (skipped when it is not beside the repo)."""

from __future__ import annotations

import pytest

from bot.core.evaluation import format_report
from tests.support.classification import score_file
from tests.support.paths import SHARED_CORPUS

DEV = SHARED_CORPUS / "dev.jsonl"

pytestmark = pytest.mark.skipif(
    not DEV.exists(),
    reason=f"dev corpus not found at {DEV} (it lives in ../shared beside the repo)",
)


def test_dev_corpus_meets_the_quality_bar() -> None:
    report = score_file(DEV)
    table = format_report(report)
    for score in report.scores:
        assert score.f1 >= 0.90, f"{score.label}: F1 {score.f1:.3f}\n{table}"
    assert report.macro_f1 >= 0.93, table
    assert report.label_free_share >= 0.95, table
