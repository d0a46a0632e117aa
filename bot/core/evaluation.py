"""Scores predicted burden labels against gold labels (pure; no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.labels import ALL_LABELS, Label


@dataclass(frozen=True, slots=True)
class LabelScore:
    """Precision, recall and F1 of one label, with its gold support."""

    label: Label
    precision: float
    recall: float
    f1: float
    support: int
    true_positives: int
    false_positives: int
    false_negatives: int


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Per-label scores, their macro F1, and how label-free messages fared."""

    scores: tuple[LabelScore, ...]
    macro_f1: float
    messages: int
    exact_matches: int
    label_free: int
    label_free_kept_clean: int

    @property
    def label_free_share(self) -> float:
        """Share of gold label-free messages that got no label (1.0 when there are none)."""
        return self.label_free_kept_clean / self.label_free if self.label_free else 1.0

    @property
    def exact_match_share(self) -> float:
        """Share of messages whose predicted label set equals the gold set."""
        return self.exact_matches / self.messages if self.messages else 1.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary of every figure in the report."""
        return {
            "messages": self.messages,
            "macro_f1": round(self.macro_f1, 4),
            "exact_match": round(self.exact_match_share, 4),
            "label_free": self.label_free,
            "label_free_no_label_share": round(self.label_free_share, 4),
            "labels": {
                score.label.value: {
                    "precision": round(score.precision, 4),
                    "recall": round(score.recall, 4),
                    "f1": round(score.f1, 4),
                    "support": score.support,
                    "tp": score.true_positives,
                    "fp": score.false_positives,
                    "fn": score.false_negatives,
                }
                for score in self.scores
            },
        }


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def evaluate(pairs: Iterable[tuple[frozenset[Label], frozenset[Label]]]) -> EvalReport:
    """Score ``(gold, predicted)`` label sets; every label of ALL_LABELS gets a score."""
    true_pos = dict.fromkeys(ALL_LABELS, 0)
    false_pos = dict.fromkeys(ALL_LABELS, 0)
    false_neg = dict.fromkeys(ALL_LABELS, 0)
    messages = exact = label_free = clean = 0
    for gold, predicted in pairs:
        messages += 1
        exact += gold == predicted
        if not gold:
            label_free += 1
            clean += not predicted
        for label in ALL_LABELS:
            if label in predicted:
                if label in gold:
                    true_pos[label] += 1
                else:
                    false_pos[label] += 1
            elif label in gold:
                false_neg[label] += 1
    scores = []
    for label in ALL_LABELS:
        tp, fp, fn = true_pos[label], false_pos[label], false_neg[label]
        precision = _ratio(tp, tp + fp)
        recall = _ratio(tp, tp + fn)
        f1 = _ratio(2 * tp, 2 * tp + fp + fn)
        scores.append(LabelScore(label, precision, recall, f1, tp + fn, tp, fp, fn))
    macro = sum(score.f1 for score in scores) / len(scores)
    return EvalReport(tuple(scores), macro, messages, exact, label_free, clean)


def format_report(report: EvalReport) -> str:
    """A fixed-width table of the report for people to read."""
    lines = [
        f"{'label':<17}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}",
        "-" * 56,
    ]
    for score in report.scores:
        lines.append(
            f"{score.label.value:<17}{score.precision:>10.3f}{score.recall:>10.3f}"
            f"{score.f1:>10.3f}{score.support:>9d}"
        )
    lines += [
        "-" * 56,
        f"{'macro F1':<17}{report.macro_f1:>30.3f}",
        f"messages: {report.messages}; exact label-set matches: {report.exact_match_share:.1%}",
        f"label-free messages given no label: {report.label_free_kept_clean}/{report.label_free}"
        f" ({report.label_free_share:.1%})",
    ]
    return "\n".join(lines)
