"""Label quality in context: chat exports scored against gold files, message by message.

Each export ``NAME.json`` (Telegram Desktop JSON, one chat) is read in file order and every
message is decided in conversation context, exactly as ``fingertip audit`` and the live bot do.
``NAME.gold.jsonl`` holds one line per message: ``{"id", "labels", "exempt", ...}``. Printed:
per-label precision, recall and F1, macro F1, the share of label-free messages kept clean, and
exempt precision and recall. Only aggregate figures are printed, never a message.

Run: ``python bench/quality.py DIR`` (every ``*.gold.jsonl`` with its ``.json``) or
``python bench/quality.py --export E --gold G [--export E2 --gold G2 ...]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.classifier import Classifier, default_classifier
from bot.core.evaluation import EvalReport, evaluate, format_report
from bot.core.labels import Label
from bot.usecases.classify_export import classify_export


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Label scores in context plus the exemption verdicts."""

    labels: EvalReport
    exempt_true_positives: int
    exempt_false_positives: int
    exempt_false_negatives: int

    @property
    def exempt_precision(self) -> float:
        """Share of messages called exempt that are exempt in the gold (1.0 when none called)."""
        called = self.exempt_true_positives + self.exempt_false_positives
        return self.exempt_true_positives / called if called else 1.0

    @property
    def exempt_recall(self) -> float:
        """Share of gold exempt messages called exempt (1.0 when the gold has none)."""
        gold = self.exempt_true_positives + self.exempt_false_negatives
        return self.exempt_true_positives / gold if gold else 1.0

    def to_dict(self) -> dict[str, object]:
        """Every figure, JSON-ready."""
        return {
            **self.labels.to_dict(),
            "exempt_precision": round(self.exempt_precision, 4),
            "exempt_recall": round(self.exempt_recall, 4),
            "exempt_support": self.exempt_true_positives + self.exempt_false_negatives,
        }


def read_gold(path: Path) -> dict[int, tuple[frozenset[Label], bool]]:
    """Gold labels and exemption by message id."""
    gold: dict[int, tuple[frozenset[Label], bool]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            labels = frozenset(Label(name) for name in record.get("labels", []))
            gold[int(record["id"])] = (labels, bool(record.get("exempt", False)))
    return gold


@dataclass(frozen=True, slots=True)
class Verdict:
    """One gold message: its gold labels and exemption, and what was decided in context."""

    gold: frozenset[Label]
    exempt: bool
    predicted: frozenset[Label]
    called_exempt: bool


def verdicts(pairs: Iterable[tuple[Path, Path]], classifier: Classifier) -> list[Verdict]:
    """Decide every export of ``pairs`` (export, gold) in context; one verdict per gold line."""
    found: list[Verdict] = []
    for export, gold_path in pairs:
        gold = read_gold(gold_path)
        decided = {
            item.message_id: item.decided for item in classify_export(export, None, classifier)
        }
        for message_id, (labels, exempt) in gold.items():
            made = decided.get(message_id)
            predicted = made.labels if made is not None else frozenset()
            found.append(Verdict(labels, exempt, predicted, made is not None and made.exempt))
    return found


def report(found: Iterable[Verdict]) -> QualityReport:
    """The figures of a run of verdicts (pooled over as many exports as they came from)."""
    found = list(found)
    tp = sum(v.called_exempt and v.exempt for v in found)
    fp = sum(v.called_exempt and not v.exempt for v in found)
    fn = sum(v.exempt and not v.called_exempt for v in found)
    return QualityReport(evaluate((v.gold, v.predicted) for v in found), tp, fp, fn)


def score(pairs: Iterable[tuple[Path, Path]], classifier: Classifier) -> QualityReport:
    """Decide every export of ``pairs`` (export, gold) in context and score it."""
    return report(verdicts(pairs, classifier))


def pairs_in(directory: Path) -> list[tuple[Path, Path]]:
    """Every ``NAME.json`` + ``NAME.gold.jsonl`` pair of ``directory``, by name."""
    found = []
    for gold in sorted(directory.glob("*.gold.jsonl")):
        export = gold.with_name(gold.name.removesuffix(".gold.jsonl") + ".json")
        if export.is_file():
            found.append((export, gold))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Print the quality figures; exit 2 with one line when the inputs cannot be read."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--export", action="append", type=Path, default=[])
    parser.add_argument("--gold", action="append", type=Path, default=[])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    pairs = list(zip(args.export, args.gold, strict=False))
    if args.directory is not None:
        pairs += pairs_in(args.directory)
    if not pairs or len(args.export) != len(args.gold):
        print("quality: give a directory of NAME.json + NAME.gold.jsonl, or --export/--gold pairs")
        return 2
    report = score(pairs, default_classifier())
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(format_report(report.labels))
        print(
            f"exempt precision {report.exempt_precision:.3f}, recall {report.exempt_recall:.3f}"
            f" (gold exempt: {report.exempt_true_positives + report.exempt_false_negatives})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
