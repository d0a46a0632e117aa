"""Throughput of the burden classifier against a bare Aho-Corasick floor.

Classifies at least 200,000 messages on one core (the dev corpus texts cycled, or the
classifier's own test cases when the corpus is absent) and prints messages per second. The
floor is a pyahocorasick scan of the same folded texts for every phrase of the lexicon, with no
other logic; the ratio classifier_time / floor_time says what the rules cost on top of it.

Run: ``python bench/classify.py [--messages N]``
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import ahocorasick

from bot.classifier import load_classifier

_ROOT = Path(__file__).resolve().parents[1]
_CORPUS = _ROOT.parent / "shared" / "corpus" / "dev.jsonl"
_OWN_CASES = _ROOT / "tests" / "bot" / "classifier_cases"


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


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    args = parser.parse_args()
    started = time.perf_counter()
    classifier = load_classifier()
    load_seconds = time.perf_counter() - started
    texts, source = _texts()
    batch = [texts[i % len(texts)] for i in range(args.messages)]

    automaton = ahocorasick.Automaton()
    for phrase in set(classifier.phrases()):
        automaton.add_word(phrase, len(phrase))
    automaton.make_automaton()

    # Warm both paths once so one-off costs do not count.
    for text in texts:
        classifier.classify(text)

    started = time.perf_counter()
    for text in batch:
        classifier.classify(text)
    classify_seconds = time.perf_counter() - started

    # The floor scans pre-folded texts: folding is not part of the floor, only the scan.
    folded = {text: classifier.normalise(text) for text in texts}
    folded_batch = [folded[text] for text in batch]
    started = time.perf_counter()
    found = 0
    for text in folded_batch:
        for _end, _length in automaton.iter(text):
            found += 1
    floor_seconds = time.perf_counter() - started

    count = len(batch)
    print(f"source: {source} ({len(texts)} distinct texts), {count} messages")
    print(f"rule load: {load_seconds:.2f} s")
    print(f"classifier: {count / classify_seconds:,.0f} msgs/s ({classify_seconds:.2f} s)")
    print(
        f"floor (Aho-Corasick scan of folded texts, {found:,} matches): "
        f"{count / floor_seconds:,.0f} msgs/s ({floor_seconds:.2f} s)"
    )
    print(f"ratio classifier_time / floor_time: {classify_seconds / floor_seconds:.2f}x")


if __name__ == "__main__":
    main()
