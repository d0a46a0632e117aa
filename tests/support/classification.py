"""Checks shared by the classifier tests: the invariants of every result, and set scoring."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.classifier import Classification, classify
from bot.core.evaluation import EvalReport, evaluate
from bot.core.labels import Label

DEMANDS_IMPLYING_TASK = frozenset({Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND})


def assert_invariants(text: str, result: Classification) -> None:
    """Assert what must hold for any text: exact evidence spans, consistent labels and flags."""
    for hit in result.hits:
        assert 0 <= hit.start <= hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.match
    assert {hit.label for hit in result.hits} == result.labels
    if result.acknowledgement:
        assert not result.labels
    if Label.REPORT_DEMAND not in result.labels:
        assert result.report_subject is None
    if result.labels & DEMANDS_IMPLYING_TASK:
        assert Label.TASK_PUSH in result.labels
    if not result.labels:
        assert result.hits == () and not result.exempt
    if result.exempt:
        assert result.labels and result.exempt_rule is not None
    else:
        assert result.exempt_rule is None


def score_file(path: Path) -> EvalReport:
    """Classify every message of a labelled JSON Lines file and score it against its labels."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            gold = frozenset(Label(name) for name in record["labels"])
            pairs.append((gold, classify(record["text"]).labels))
    return evaluate(pairs)
