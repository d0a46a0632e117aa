"""Leave-one-writer-out (LOWO): the learned step scored on conversations it never saw.

Every labelled thread file (the shared ``threads.jsonl`` and ``tests/data/train/threads_*.jsonl``)
was written by a different writer or session. For each file F the learned step is retrained
(``training.train``, C fixed, the blend on its usual loose-message sets) on every set except F's
own-words messages; then F's threads are decided in conversation context, exactly as
``fingertip classify --export`` and ``bench/quality.py`` decide them, and scored message by
message against F's gold labels. Printed: per file and pooled, per-label P/R/F1, macro F1, the
share of label-free messages kept clean and exempt precision/recall.

These are DEVELOPMENT figures, not quality: the rules, the lexicon and the context cues were
written seeing every one of these files, so LOWO still flatters the rules (least so on the
newest files, ``threads_f`` and ``threads_g``). Only the held-out set measures quality.

Run: ``python bench/lowo.py --corpus /work/shared/corpus`` (needs the ``train`` extra).
``--only threads_g`` scores one file; ``--c`` sets the text model's C (default: the shipped
training's usual choice, so one run takes minutes, not the hour a C search per file would).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench/ and tests/support are not installed packages

from bench.quality import QualityReport, Verdict, report, verdicts  # noqa: E402
from bot.core.classifier import SHIPPED_RULE_FILES, Classifier  # noqa: E402
from bot.core.classifier import training as t  # noqa: E402
from bot.core.classifier.learned import model_from_dict  # noqa: E402
from tests.support.threads import write_pair  # noqa: E402

DEFAULT_C = 10.0
"""The C the full training's cross-validation has chosen since threads_d (see the README)."""


def _model_key(fingerprint: str, c_value: float) -> str:
    """What a left-out model depends on: data, rule files, C and the feature floor (context
    cues do not enter training, so a context change can reuse the cached models)."""
    digest = hashlib.sha256(f"{fingerprint} {c_value} {t.MIN_SOURCES}".encode())
    for path in SHIPPED_RULE_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def left_out_weights(
    name: str, rows: dict[str, list[t.Example]], c_value: float, cache: Path | None, key: str
) -> dict[str, object]:
    """The learned step trained on every set but ``name`` (read from ``cache`` when there)."""
    cached = cache / f"{key}-{name}.json" if cache is not None else None
    if cached is not None and cached.is_file():
        weights: dict[str, object] = json.loads(cached.read_text(encoding="utf-8"))
        return weights
    text_rows = [row for other, found in rows.items() if other != name for row in found]
    blend_rows = [row for other in t.BLEND_SETS if other in rows for row in rows[other]]
    weights = t.train(text_rows, blend_rows, lambda _: None, c_value).weights
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(weights, ensure_ascii=False), encoding="utf-8")
    return weights


def line(name: str, found: QualityReport) -> str:
    """One line of figures: macro F1, clean share, exempt P/R and F1 per label."""
    labels = found.labels
    per_label = " ".join(f"{s.label.value.split('_')[0]}={s.f1:.3f}" for s in labels.scores)
    return (
        f"{name:10s} n={labels.messages:5d} macro {labels.macro_f1:.3f} "
        f"clean {labels.label_free_share:.3f} exempt P {found.exempt_precision:.3f} "
        f"R {found.exempt_recall:.3f}  {per_label}"
    )


def table(found: QualityReport) -> str:
    """Per-label precision, recall, F1 and support."""
    rows = [f"  {'label':<16}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}"]
    for s in found.labels.scores:
        rows.append(
            f"  {s.label.value:<16}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.support:>6d}"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Retrain without each thread file in turn, score it in context, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=t.CORPUS)
    parser.add_argument("--c", type=float, default=DEFAULT_C, help="text model C")
    parser.add_argument(
        "--min-sources", type=int, default=t.MIN_SOURCES, help="sets a feature must occur in"
    )
    parser.add_argument("--only", action="append", default=[], help="score only this file")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--cache", type=Path, help="keep the left-out models here for reuse")
    args = parser.parse_args(argv)
    t.check_corpus(args.corpus)
    t.MIN_SOURCES = args.min_sources
    start = time.process_time()
    sets = t.read_sets(args.corpus)
    engine = t.rules_engine()
    rows = {name: t.examples(engine, messages, name) for name, messages in sets.items()}
    fingerprint = t.fingerprint(sets)
    key = _model_key(fingerprint, args.c)
    print(f"data fingerprint {fingerprint}; C={args.c}; min sources {t.MIN_SOURCES}")
    print("development figures (rules saw every file; only the model is left out)")
    pooled: list[Verdict] = []
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, path in t.thread_files(args.corpus):
            if args.only and name not in args.only:
                continue
            weights = left_out_weights(name, rows, args.c, args.cache, key)
            classifier = Classifier(t.rules_engine(model_from_dict(weights)))
            threads = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
            pair = write_pair(Path(scratch), name, threads)
            found = verdicts([pair], classifier)
            pooled += found
            scored = report(found)
            figures[name] = scored.to_dict()
            print(line(name, scored), flush=True)
    total = report(pooled)
    figures["pooled"] = total.to_dict()
    print(line("pooled", total))
    print(table(total))
    print(f"cpu {time.process_time() - start:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
