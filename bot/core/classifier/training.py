"""Train the learned step of the burden classifier and report honest figures.

Run ``fingertip train`` (needs the ``train`` extra: scikit-learn, installed from
``requirements-train.lock`` for reproducible bytes). It reads every labelled set (the shared
corpus, ``dev.jsonl`` and ``threads.jsonl``, from ``--corpus`` or ``shared/corpus`` beside the
checkout; ``tests/data/train/messages/*.jsonl``, ``tests/data/train/cases/*.jsonl`` and the
own words of ``tests/data/train/threads_*.jsonl``). The model has two stages:

1. a text model: one L2 logistic regression per label over character n-grams, English words
   and the lexicon categories the rules saw (C chosen by 5-fold cross-validation), fitted on
   every set;
2. a blend: per label, a logistic regression over the six text scores and the six rule
   verdicts, fitted only on ``BLEND_SETS`` (written after the rules were last tuned, so only
   there do the rules err as they will on new messages), with text scores from a text model
   that never saw those messages. Its threshold is the lowest that keeps ``CLEAN_TARGET`` of
   label-free messages clean in cross-validation.

Before training on everything it prints honest figures: for each blend set, 5-fold figures in
which neither stage ever saw the scored fold, and whole-set-out figures (blend fitted on the
other blend set only); for the other independent sets, figures with that set left out of the
text model (the rules were tuned on those, so their figures flatter the rules).

Fitting is deterministic (fixed-seed folds, deterministic solvers) and the weights file is
written in a fixed order, so the same data and the same locked libraries give the same bytes.
A missing shared corpus stops training instead of silently training on less (a git worktree
outside the main checkout once shipped weights without it); the fingerprint printed first
names the exact data trained on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.classifier import SHIPPED_RULE_FILES
from bot.core.classifier.engine import Engine
from bot.core.classifier.learned import (
    FORMAT_VERSION,
    WEIGHTS_FILE,
    LearnedModel,
    feature_names,
    model_from_dict,
)
from bot.core.classifier.normalise import normalise, translation_table
from bot.core.classifier.rules import RuleSet, load_rule_files
from bot.core.evaluation import EvalReport, evaluate
from bot.core.labels import ALL_LABELS, Label

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "corpus"
"""The shared corpus (``dev.jsonl``, ``threads.jsonl``) beside the main checkout."""
TRAIN = ROOT / "tests" / "data" / "train"
DATA = TRAIN / "messages"
CASES = TRAIN / "cases"
TERSE_ASKER = 12
"""An asker's line shorter than this is a chase or a reply: context decides it, not its words."""
HELD_OUT = ("fresh", "extra_a", "extra_b", "extra_c", "extra_d", "extra_e", "extra_f")
"""Independently written sets reported leave-one-set-out (those present)."""
BLEND_SETS = ("extra_c", "extra_d", "extra_e", "extra_f")
"""Sets written after the rules were last tuned: only there do the rules err as on new text."""
NOT_TRAINED = ("threads_j", "threads_k", "threads_l", "threads_m", "threads_n")
"""Thread files the learned step is not trained on: context rules are written and screened on
``threads_j``-``threads_l``, but retraining with ``threads_j`` lowered the fresh ``threads_k`` (see
the training threads' README), so the weights stay those of the older files. ``threads_m`` and
``threads_n`` are fresh measures written after ``threads_l``: neither rules nor weights have seen
them."""

SEED = 20240611
FOLDS = 5
C_GRID = (1.0, 3.0, 10.0)
MIN_DOCS = 2
MIN_SOURCES = 1
"""Sets (writers) a feature must occur in, so that one writer's habits carry no label."""
PRUNE = 0.02
"""Weights smaller than this are dropped from the shipped file (they barely move a score)."""
DECIMALS = 3
UNSCORED_CATEGORIES = frozenset({"mention", "filler"})
BLEND_C = 1.0
"""Regularisation of the per-label blend of the rules' verdicts with the text scores."""
THRESHOLDS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
CLEAN_TARGET = 0.96
"""Cross-validated share of label-free messages that must stay clean on the blend sets."""
LABELS: tuple[Label, ...] = tuple(ALL_LABELS)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message with what the rules made of it."""

    text: str
    gold: frozenset[Label]
    rules: frozenset[Label]
    features: frozenset[str]
    source: str = ""
    """The set (writer) the message comes from."""


def own_words(thread: dict[str, Any]) -> list[tuple[str, frozenset[Label]]]:
    """The messages of one labelled thread whose labels their own words decide.

    A reply, a forwarded message and a terse line of an asker (under ``TERSE_ASKER``
    characters: "还差3组", "by 9 please") take their labels from the conversation, so teaching
    them to a model of single messages would teach it to guess. Members' messages stay: their
    own files, questions and 接龙 lines are what a demand must not be mistaken for.
    """
    found = []
    for message in thread["messages"]:
        if message.get("reply_to") is not None or message.get("forwarded"):
            continue
        text = message["text"]
        if message.get("role") == "asker" and len(text) < TERSE_ASKER:
            continue
        found.append((text, frozenset(Label(label) for label in message["labels"])))
    return found


def thread_files(corpus: Path = CORPUS) -> list[tuple[str, Path]]:
    """Every labelled thread file by set name: the shared ``threads``, then ``threads_a``…"""
    return [("threads", corpus / "threads.jsonl")] + [
        (path.stem, path) for path in sorted(TRAIN.glob("threads_*.jsonl"))
    ]


def read_thread_sets(corpus: Path = CORPUS) -> dict[str, list[tuple[str, frozenset[Label]]]]:
    """The own-words messages of every labelled thread file, by set name (``threads_a``…)."""
    paths = thread_files(corpus)
    sets: dict[str, list[tuple[str, frozenset[Label]]]] = {}
    for name, path in paths:
        if not path.exists() or name in NOT_TRAINED:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sets.setdefault(name, []).extend(own_words(json.loads(line)))
    return sets


def check_corpus(corpus: Path) -> None:
    """Stop with one line when the shared corpus is not at ``corpus``: training without it
    writes different weights, so it must never happen silently."""
    missing = [name for name in ("dev.jsonl", "threads.jsonl") if not (corpus / name).is_file()]
    if missing:
        raise SystemExit(
            f"The shared corpus is not complete at {corpus} (missing {', '.join(missing)}); "
            "pass --corpus DIR with the folder holding dev.jsonl and threads.jsonl."
        )


def read_sets(corpus: Path = CORPUS) -> dict[str, list[tuple[str, frozenset[Label]]]]:
    """Every labelled set present, by name (``dev``, ``fresh``, ``extra_a``…, ``cases``, and
    the own words of the labelled threads, ``threads``, ``threads_a``…)."""
    sets: dict[str, list[tuple[str, frozenset[Label]]]] = {}
    paths = [("dev", corpus / "dev.jsonl")]
    paths += [(path.stem, path) for path in sorted(DATA.glob("*.jsonl"))]
    paths += [("cases", path) for path in sorted(CASES.glob("*.jsonl"))]
    for name, path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                gold = frozenset(Label(label) for label in record["labels"])
                sets.setdefault(name, []).append((record["text"], gold))
    sets.update(read_thread_sets(corpus))
    return sets


def fingerprint(sets: dict[str, list[tuple[str, frozenset[Label]]]]) -> str:
    """A short hash of every text and label trained on (same data, same fingerprint)."""
    digest = hashlib.sha256()
    for name in sorted(sets):
        for text, gold in sets[name]:
            digest.update(json.dumps([name, text, sorted(gold)], ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def _shipped_rules() -> tuple[RuleSet, dict[int, str]]:
    table = translation_table()
    return load_rule_files(SHIPPED_RULE_FILES, lambda phrase: normalise(phrase, table)), table


def rules_engine(model: LearnedModel | None = None) -> Engine:
    """An engine with the shipped rules and ``model`` as its learned step (None: rules only)."""
    rules, table = _shipped_rules()
    return Engine(rules, table, model)


def known_rule_ids() -> list[str]:
    """The ids of the shipped rules and implications (the model may overrule only these)."""
    rules, _ = _shipped_rules()
    return sorted([rule.id for rule in rules.rules] + [imp.id for imp in rules.implications])


def examples(
    engine: Engine, messages: Sequence[tuple[str, frozenset[Label]]], source: str = ""
) -> list[Example]:
    """Run the rules over ``messages`` (of set ``source``) and collect the learned step's
    features."""
    found: list[Example] = []
    for text, gold in messages:
        result, signals = engine.rule_signals(text)
        families = feature_names(engine.normalise(text), signals)
        names = frozenset(
            f"{family[0]}\x00{name}" for family, members in families.items() for name in members
        )
        found.append(Example(text, gold, result.labels, names, source))
    return found


def _matrix(rows: Sequence[Example], vocabulary: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    indices: list[int] = []
    pointers = [0]
    for row in rows:
        indices.extend(sorted(vocabulary[name] for name in row.features if name in vocabulary))
        pointers.append(len(indices))
    data = [1.0] * len(indices)
    return csr_matrix((data, indices, pointers), shape=(len(rows), len(vocabulary)))


def _vocabulary(rows: Sequence[Example]) -> dict[str, int]:
    counts: dict[str, int] = {}
    sources: dict[str, set[str]] = {}
    for row in rows:
        for name in row.features:
            counts[name] = counts.get(name, 0) + 1
            sources.setdefault(name, set()).add(row.source)
    kept = sorted(
        name
        for name, count in counts.items()
        if count >= MIN_DOCS and len(sources[name]) >= MIN_SOURCES
    )
    return {name: index for index, name in enumerate(kept)}


def _targets(rows: Sequence[Example], label: Label) -> list[int]:
    return [int(label in row.gold) for row in rows]


def _fit(rows: Sequence[Example], c_value: float) -> tuple[dict[str, int], Any, list[float]]:
    """Fit one logistic regression per label; return vocabulary, weights and biases."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(rows)
    matrix = _matrix(rows, vocabulary)
    weights = np.zeros((len(LABELS), len(vocabulary)))
    biases: list[float] = []
    for index, label in enumerate(LABELS):
        target = _targets(rows, label)
        if len(set(target)) < 2:
            biases.append(-10.0 if not any(target) else 10.0)
            continue
        fit = LogisticRegression(C=c_value, solver="liblinear", max_iter=1000)
        fit.fit(matrix, target)
        weights[index] = fit.coef_[0]
        biases.append(float(fit.intercept_[0]))
    return vocabulary, weights, biases


def _scores(rows: Sequence[Example], fitted: tuple[dict[str, int], Any, list[float]]) -> Any:
    import numpy as np

    vocabulary, weights, biases = fitted
    return _matrix(rows, vocabulary) @ weights.T + np.asarray(biases)


def _out_of_fold(rows: Sequence[Example], c_value: float) -> Any:
    """Scores of every row from a model fitted without its fold (fixed-seed folds)."""
    import numpy as np
    from sklearn.model_selection import KFold

    scores = np.zeros((len(rows), len(LABELS)))
    folds = KFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(list(range(len(rows)))):
        fitted = _fit([rows[i] for i in train], c_value)
        scores[test] = _scores([rows[i] for i in test], fitted)
    return scores


def _f1(gold: Any, predicted: Any) -> float:
    true_pos = float((gold & predicted).sum())
    wrong = float((gold ^ predicted).sum())
    return 2 * true_pos / (2 * true_pos + wrong) if true_pos else 0.0


def base_features(name: str) -> bool:
    """Whether a feature feeds the text model: n-grams, words and lexicon categories.

    The rules' verdicts are left out on purpose: the rules were tuned on the training sets, so
    there they look far more reliable than on unseen messages. They enter in the blend instead,
    which is fitted on sets the rules were never tuned on.
    """
    family, _sep, feature = name.partition("\x00")
    if family in "gw":
        return True
    kind, _sep, category = feature.partition(":")
    # an @name says who is asked, not what: it must not move a label (noise invariance)
    return kind in {"cat", "negated", "blocked"} and category not in UNSCORED_CATEGORIES


def _only_base(rows: Sequence[Example]) -> list[Example]:
    return [
        Example(
            row.text,
            row.gold,
            row.rules,
            frozenset(filter(base_features, row.features)),
            row.source,
        )
        for row in rows
    ]


def choose_c(rows: Sequence[Example], log: Callable[[str], None] = print) -> float:
    """The text model's C with the best cross-validated mean label F1 (score >= 0 is yes)."""
    import numpy as np

    best = (-1.0, C_GRID[0])
    for c_value in C_GRID:
        scores = _out_of_fold(rows, c_value)
        mean_f1 = float(
            np.mean(
                [
                    _f1(np.array(_targets(rows, label), dtype=bool), scores[:, index] >= 0)
                    for index, label in enumerate(LABELS)
                ]
            )
        )
        log(f"  text model C={c_value:<4} cross-validated mean label F1 {mean_f1:.3f}")
        if mean_f1 > best[0] + 1e-9:
            best = (mean_f1, c_value)
    return best[1]


def _blend_inputs(rows: Sequence[Example], scores: Any) -> Any:
    import numpy as np

    ruled = np.array([[label in row.rules for label in LABELS] for row in rows], dtype=float)
    return np.column_stack([scores, ruled])


@dataclass(frozen=True, slots=True)
class Blend:
    """Per label: intercept, weights of the six text scores and of the six rule verdicts."""

    intercept: list[float]
    text: list[list[float]]
    rules: list[list[float]]

    def logits(self, inputs: Any) -> Any:
        """The blended score of every label for rows of :func:`_blend_inputs`."""
        import numpy as np

        weights = np.column_stack([np.asarray(self.text), np.asarray(self.rules)])
        return inputs @ weights.T + np.asarray(self.intercept)


def fit_blend(rows: Sequence[Example], scores: Any) -> Blend:
    """Fit one small logistic regression per label on the text scores and rule verdicts.

    ``rows`` must be messages the rules were not tuned on and ``scores`` must come from a
    text model that never saw them: only then do both inputs err as they will on new text.
    """
    from sklearn.linear_model import LogisticRegression

    inputs = _blend_inputs(rows, scores)
    intercept: list[float] = []
    text: list[list[float]] = []
    rules: list[list[float]] = []
    for label in LABELS:
        fit = LogisticRegression(C=BLEND_C, solver="lbfgs", max_iter=1000)
        fit.fit(inputs, _targets(rows, label))
        weights = [float(value) for value in fit.coef_[0]]
        intercept.append(float(fit.intercept_[0]))
        text.append(weights[: len(LABELS)])
        rules.append(weights[len(LABELS) :])
    return Blend(intercept, text, rules)


def _decide(rows: Sequence[Example], logits: Any, threshold: float) -> Any:
    """Label decisions as the engine makes them: implication, no labels on acknowledgements."""
    decided = logits >= threshold
    task = LABELS.index(Label.TASK_PUSH)
    for label in (Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND):
        decided[:, task] |= decided[:, LABELS.index(label)]
    for position, row in enumerate(rows):
        if "s\x00acknowledgement" in row.features:
            decided[position] = False
    return decided


def choose_threshold(
    rows: Sequence[Example], scores: Any, log: Callable[[str], None] = print
) -> float:
    """The lowest threshold keeping CLEAN_TARGET of label-free rows clean (out of fold).

    Label-free messages kept clean matter more to the product than a point of F1, so the
    threshold rises until the cross-validated share of clean label-free rows reaches the target.
    """
    import numpy as np
    from sklearn.model_selection import KFold

    inputs = _blend_inputs(rows, scores)
    logits = np.zeros((len(rows), len(LABELS)))
    folds = KFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train_index, test_index in folds.split(inputs):
        blend = fit_blend([rows[i] for i in train_index], scores[train_index])
        logits[test_index] = blend.logits(inputs[test_index])
    gold = np.array([[label in row.gold for label in LABELS] for row in rows], dtype=bool)
    free = ~gold.any(axis=1)
    chosen = THRESHOLDS[-1]
    for threshold in THRESHOLDS:
        decided = _decide(rows, logits, threshold)
        clean = 1 - float(decided[free].any(axis=1).sum()) / max(1, int(free.sum()))
        macro = float(np.mean([_f1(gold[:, i], decided[:, i]) for i in range(len(LABELS))]))
        log(f"  blend threshold {threshold:+.2f}: macro F1 {macro:.3f}, clean {clean:.3f}")
        if clean >= CLEAN_TARGET:
            chosen = threshold
            break
    return chosen


@dataclass(frozen=True, slots=True)
class Trained:
    """A fitted model ready to ship, with the choices that made it."""

    weights: dict[str, Any]
    c_value: float
    threshold: float


def train(
    text_rows: Sequence[Example],
    blend_rows: Sequence[Example],
    log: Callable[[str], None] = print,
    c_value: float | None = None,
) -> Trained:
    """Fit the text model on ``text_rows`` (C by cross-validation unless given) and the blend
    on ``blend_rows``, scored by a text model fitted without them."""
    base = _only_base(text_rows)
    if c_value is None:
        c_value = choose_c(base, log)
    blend_ids = {id(row) for row in blend_rows}
    without_blend = [
        row for row, full in zip(base, text_rows, strict=True) if id(full) not in blend_ids
    ]
    blend_scores = _scores(_only_base(blend_rows), _fit(without_blend, c_value))
    threshold = choose_threshold(blend_rows, blend_scores, log)
    blend = fit_blend(blend_rows, blend_scores)
    vocabulary, weights, biases = _fit(base, c_value)
    return Trained(_export(vocabulary, weights, biases, blend, threshold), c_value, threshold)


def _export(
    vocabulary: dict[str, int],
    weights: Any,
    biases: list[float],
    blend: Blend,
    threshold: float,
) -> dict[str, Any]:
    """Fold the blend into one linear model: text weights mixed, rule verdicts as signals."""
    import numpy as np

    mixing = np.asarray(blend.text)
    combined = mixing @ weights
    families: dict[str, dict[str, list[float]]] = {"grams": {}, "words": {}, "signals": {}}
    prefix = {"g": "grams", "w": "words", "s": "signals"}
    for name, column in sorted(vocabulary.items()):
        pairs: list[float] = []
        for index in range(len(LABELS)):
            weight = round(float(combined[index, column]), DECIMALS)
            if abs(weight) >= PRUNE:
                pairs += [index, weight]
        if pairs:
            family, feature = name.split("\x00", 1)
            families[prefix[family]][feature] = pairs
    for verdict, label in enumerate(LABELS):
        pairs = []
        for index in range(len(LABELS)):
            weight = round(blend.rules[index][verdict], DECIMALS)
            if weight:
                pairs += [index, weight]
        families["signals"].setdefault(f"label:{label.value}", []).extend(pairs)
    bias = mixing @ np.asarray(biases) + np.asarray(blend.intercept)
    return {
        "version": FORMAT_VERSION,
        "labels": [label.value for label in LABELS],
        "bias": [round(float(value), DECIMALS) for value in bias],
        "keep": [threshold] * len(LABELS),
        "add": [threshold] * len(LABELS),
        "quiet_messages": True,
        "known_rules": known_rule_ids(),
        **families,
    }


def predictions(model: LearnedModel | None, texts: Sequence[str]) -> list[frozenset[Label]]:
    """The whole classifier's labels (rules plus ``model``) for ``texts``, through the engine."""
    engine = rules_engine(model)
    return [engine.classify(text).labels for text in texts]


def _report(rows: Sequence[Example], predicted: Sequence[frozenset[Label]]) -> EvalReport:
    return evaluate((row.gold, labels) for row, labels in zip(rows, predicted, strict=True))


def _silent(message: str) -> None:
    del message


def cross_validated(
    rows: dict[str, list[Example]], held: str, blend_sets: Sequence[str]
) -> list[frozenset[Label]]:
    """Predictions for every row of ``held``, each from a model that never saw its fold."""
    from sklearn.model_selection import KFold

    target = rows[held]
    predicted: list[frozenset[Label]] = [frozenset()] * len(target)
    folds = KFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train_index, test_index in folds.split(list(range(len(target)))):
        kept = {id(target[i]) for i in train_index}
        text_rows = [
            row for name, found in rows.items() for row in found if name != held or id(row) in kept
        ]
        blend_rows = [
            row for name in blend_sets for row in rows[name] if name != held or id(row) in kept
        ]
        model = model_from_dict(train(text_rows, blend_rows, _silent).weights)
        labels = predictions(model, [target[i].text for i in test_index])
        for position, index in enumerate(test_index):
            predicted[index] = labels[position]
    return predicted


def describe(name: str, report: EvalReport) -> str:
    """One line of figures for a report."""
    per_label = " ".join(f"{s.label.value.split('_')[0]}={s.f1:.2f}" for s in report.scores)
    return (
        f"{name:10s} n={report.messages:4d} macro F1 {report.macro_f1:.3f} "
        f"label-free clean {report.label_free_share:.3f} exact {report.exact_match_share:.3f}  "
        f"{per_label}"
    )


def write_weights(weights: dict[str, Any], path: Path = WEIGHTS_FILE) -> int:
    """Write the weights as JSON, one feature a line in sorted order (reproducible bytes)."""
    parts: list[str] = []
    for key in sorted(weights):
        value = weights[key]
        if isinstance(value, dict):
            rows = ",\n".join(f"{_json(name)}:{_json(row)}" for name, row in sorted(value.items()))
            parts.append(f"{_json(key)}:{{\n{rows}\n}}")
        else:
            parts.append(f"{_json(key)}:{_json(value)}")
    data = ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def main(argv: Sequence[str] | None = None) -> None:
    """Print honest figures, then train on everything and write the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="report only; keep the weights")
    parser.add_argument("--skip-figures", action="store_true", help="train and write only")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="folder of the shared dev/threads corpus"
    )
    args = parser.parse_args(argv)
    check_corpus(args.corpus)
    sets = read_sets(args.corpus)
    print(f"data fingerprint {fingerprint(sets)}")
    engine = rules_engine()
    rows = {name: examples(engine, messages, name) for name, messages in sets.items()}
    print("sets:", ", ".join(f"{name} ({len(found)})" for name, found in rows.items()))
    blend_sets = [name for name in BLEND_SETS if name in rows]
    if not blend_sets:
        raise SystemExit(
            f"No set the rules were not tuned on is present ({', '.join(BLEND_SETS)} under "
            f"{DATA}); the blend of rules and text model needs one."
        )
    if not args.skip_figures:
        _print_figures(rows, blend_sets)
    print("all sets:")
    trained = train(
        [row for found in rows.values() for row in found],
        [row for name in blend_sets for row in rows[name]],
    )
    print(f"  chosen C={trained.c_value}")
    if not args.no_write:
        size = write_weights(trained.weights)
        print(f"wrote {WEIGHTS_FILE} ({size:,} bytes)")


def _print_figures(rows: dict[str, list[Example]], blend_sets: Sequence[str]) -> None:
    for held in blend_sets:
        target = rows[held]
        print(f"{held}: {FOLDS}-fold (text model and blend never see the scored fold)")
        print("  " + describe("rules", _report(target, [row.rules for row in target])))
        folded = cross_validated(rows, held, blend_sets)
        print("  " + describe("rules+model", _report(target, folded)))
        others = [name for name in blend_sets if name != held]
        if others:
            text_rows = [row for name, found in rows.items() if name != held for row in found]
            blend_rows = [row for name in others for row in rows[name]]
            model = model_from_dict(train(text_rows, blend_rows, _silent).weights)
            whole = predictions(model, [row.text for row in target])
            print(
                "  "
                + describe(f"whole set out (blend on {'+'.join(others)})", _report(target, whole))
            )
    for held in (name for name in HELD_OUT if name in rows and name not in blend_sets):
        print(f"{held}: left out (the rules were tuned on it, so the rules' figure is optimistic)")
        target = rows[held]
        text_rows = [row for name, found in rows.items() if name != held for row in found]
        blend_rows = [row for name in blend_sets for row in rows[name]]
        model = model_from_dict(train(text_rows, blend_rows, _silent).weights)
        print("  " + describe("rules", _report(target, [row.rules for row in target])))
        whole = predictions(model, [row.text for row in target])
        print("  " + describe("rules+model", _report(target, whole)))


if __name__ == "__main__":
    main()
