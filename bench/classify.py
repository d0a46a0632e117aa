"""Throughput of the burden classifier against a bare Aho-Corasick floor.

Classifies 200,000 messages (by default) on one core and prints messages per second of CPU
time (``time.process_time``, so other work on a shared machine does not distort the figures). Every
message is distinct, so the classifier's cache of very short texts cannot inflate the figure:
the texts are the dev corpus (or the classifier's own test cases when the corpus is absent)
varied the way real group traffic varies - an @name in front, a number or an emoji at the end,
two messages run together. The floor is a pyahocorasick scan of the same folded texts for every
phrase of the lexicon, iterating all matches, with no other logic; the ratio
classifier_time / floor_time says what everything beyond that scan costs. The rules alone
(without the learned step) are timed as well, to show what the learned step costs.

Identity: the same texts are classified again by the reference engine (``Engine(...,
reference=True)``: the plain, slow implementations the fast paths replace) and the bench states
whether every result is identical (labels, hits with their offsets, exemption, subject).

Run: ``python bench/classify.py [--messages N] [--seed S] [--check N]``
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import ahocorasick

from bot.core.classifier import SHIPPED_RULE_FILES, load_classifier
from bot.core.classifier.engine import Engine
from bot.core.classifier.learned import LearnedModel, shipped_model
from bot.core.classifier.normalise import normalise, translation_table
from bot.core.classifier.rules import load_rule_files

# CPU time of this (single-threaded) process: other jobs on a shared machine take turns on the
# cores but do not count, so the figures are one core's work and the ratio stays comparable.
_clock = time.process_time
_ROOT = Path(__file__).resolve().parents[1]
_CORPUS = _ROOT.parent / "shared" / "corpus" / "dev.jsonl"
_OWN_CASES = _ROOT / "tests" / "data" / "train" / "cases"
_NAMES = ("张三", "李梅", "王建国", "小刘", "陈主任", "Tom", "Priya", "Dan", "Ms Chen", "村委小周")
_TAILS = ("🙏", "👍", "😂", "!", "～", " thanks", " 谢谢", "…", "😊", "✅")


def _engine(learned: LearnedModel | None, *, reference: bool = False) -> Engine:
    table = translation_table()
    rules = load_rule_files(SHIPPED_RULE_FILES, lambda phrase: normalise(phrase, table))
    return Engine(rules, table, learned, reference=reference)


def _texts() -> tuple[list[str], str]:
    if _CORPUS.exists():
        files = [_CORPUS]
        source = str(_CORPUS)
    else:
        files = sorted(_OWN_CASES.glob("*.jsonl"))
        source = f"{_OWN_CASES} (corpus not found)"
    texts = [
        json.loads(line)["text"]
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if not texts:
        raise SystemExit("No messages to benchmark: neither the corpus nor the test cases exist.")
    return texts, source


def _variant(rng: random.Random, texts: list[str]) -> str:
    base = rng.choice(texts)
    kind = rng.randrange(5)
    if kind == 0:
        return f"@{rng.choice(_NAMES)}{rng.randrange(100)} {base}"
    if kind == 1:
        return f"{base} {rng.randrange(1, 100_000)}"
    if kind == 2:
        return f"{base}{rng.choice(_TAILS)}{rng.randrange(1000)}"
    if kind == 3:
        return f"{base}\n{rng.choice(texts)}"
    return f"{rng.randrange(1, 32)}号 {base}"


def distinct_batch(texts: list[str], count: int, seed: int) -> list[str]:
    """Return ``count`` distinct realistic variations of ``texts``."""
    rng = random.Random(seed)
    seen: set[str] = set()
    batch: list[str] = []
    while len(batch) < count:
        text = _variant(rng, texts)
        if text not in seen:
            seen.add(text)
            batch.append(text)
    return batch


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--check",
        type=int,
        default=None,
        help="compare only the first N texts with the reference engine (default: all)",
    )
    args = parser.parse_args()
    started = _clock()
    classifier = load_classifier()
    load_seconds = _clock() - started
    texts, source = _texts()
    batch = distinct_batch(texts, args.messages, args.seed)
    # Warm up on a different set of variations so no benchmarked text is already cached.
    for text in distinct_batch(texts, 2_000, args.seed + 1):
        classifier.classify(text)

    automaton = ahocorasick.Automaton()
    for phrase in set(classifier.phrases()):
        automaton.add_word(phrase, len(phrase))
    automaton.make_automaton()

    started = _clock()
    for text in batch:
        classifier.classify(text)
    classify_seconds = _clock() - started

    rules_only = _engine(None)
    for text in distinct_batch(texts, 2_000, args.seed + 1):
        rules_only.classify(text)
    started = _clock()
    for text in batch:
        rules_only.classify(text)
    rules_seconds = _clock() - started

    # The floor scans pre-folded texts: folding is not part of the floor, only the scan.
    folded_batch = [classifier.normalise(text) for text in batch]
    started = _clock()
    found = 0
    for text in folded_batch:
        for _end, _length in automaton.iter(text):
            found += 1
    floor_seconds = _clock() - started

    fast_results = [classifier.classify(text) for text in batch[: args.check]]
    reference = _engine(shipped_model(), reference=True)
    started = _clock()
    reference_results = [reference.classify(text) for text in batch[: args.check]]
    reference_seconds = _clock() - started
    differing = sum(
        fast != slow for fast, slow in zip(fast_results, reference_results, strict=True)
    )

    count = len(batch)
    print(
        f"source: {source} ({len(texts)} base texts), {count} messages, all distinct "
        "(@names, numbers, emoji and joined messages vary the base texts)"
    )
    print(f"rule load: {load_seconds:.2f} s")
    print(f"classifier: {count / classify_seconds:,.0f} msgs/s ({classify_seconds:.2f} s)")
    print(
        f"rules only (no learned step): {count / rules_seconds:,.0f} msgs/s "
        f"({rules_seconds:.2f} s)"
    )
    print(
        f"floor (Aho-Corasick scan of folded texts, {found:,} matches): "
        f"{count / floor_seconds:,.0f} msgs/s ({floor_seconds:.2f} s)"
    )
    print(f"ratio classifier_time / floor_time: {classify_seconds / floor_seconds:.2f}x")
    checked = len(reference_results)
    print(
        f"reference engine (plain paths): {checked / reference_seconds:,.0f} msgs/s; "
        + (
            f"outputs identical on all {checked:,} texts checked"
            if not differing
            else f"OUTPUTS DIFFER on {differing:,} of {checked:,} texts checked"
        )
    )


if __name__ == "__main__":
    main()
