"""The pure scoring of predictions against gold labels."""

from __future__ import annotations

import pytest

from bot.core.evaluation import evaluate, format_report
from bot.core.labels import ALL_LABELS, Label

T, P, R = Label.TASK_PUSH, Label.PROOF_DEMAND, Label.REPORT_DEMAND


def test_counts_precision_recall_and_f1() -> None:
    pairs = [
        (frozenset({T, R}), frozenset({T, R})),  # both right
        (frozenset({T}), frozenset({T, P})),  # P false positive
        (frozenset({T, P}), frozenset({T})),  # P false negative
        (frozenset(), frozenset()),  # clean
        (frozenset(), frozenset({R})),  # R false positive on a label-free message
    ]
    report = evaluate(pairs)
    scores = {score.label: score for score in report.scores}
    assert scores[T].precision == 1.0
    assert scores[T].recall == 1.0
    assert scores[T].support == 3
    assert scores[P].true_positives == 0
    assert scores[P].f1 == 0.0
    assert scores[R].precision == pytest.approx(0.5)
    assert scores[R].recall == 1.0
    assert scores[R].f1 == pytest.approx(2 / 3)
    assert report.label_free == 2
    assert report.label_free_share == pytest.approx(0.5)
    assert report.exact_matches == 2
    assert report.macro_f1 == pytest.approx(sum(s.f1 for s in report.scores) / len(ALL_LABELS))


def test_to_dict_and_table_name_every_label() -> None:
    report = evaluate([(frozenset({T}), frozenset({T}))])
    data = report.to_dict()
    labels = data["labels"]
    assert isinstance(labels, dict)
    assert set(labels) == {label.value for label in ALL_LABELS}
    table = format_report(report)
    for label in ALL_LABELS:
        assert label.value in table
    assert "macro F1" in table


def test_empty_input_gives_zero_scores() -> None:
    report = evaluate([])
    assert report.messages == 0
    assert report.macro_f1 == 0.0
    assert report.label_free_share == 1.0
