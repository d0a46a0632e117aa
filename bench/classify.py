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

Context included: the same texts are then arranged as one group's conversation (senders, replies,
attachments, forwards, a few minutes apart; see :func:`conversation`) and decided the way
``fingertip audit`` and ``fingertip classify --export`` decide them: ``Conversation`` (the
classifier, then ``bot.core.context``'s decision, then the state moves on), one message at a
time (``decide``, the live bot's path) and read ahead in batches (``decide_many``, the audit's).
The batch entry point of the classifier alone (``classify_many``) is timed too.

Identity: the same texts are classified again by the reference engine (``Engine(...,
reference=True)``: the plain, slow implementations the fast paths replace) and the bench states
whether every result is identical (labels, hits with their offsets, exemption, subject), and
the conversation is decided again with the reference engine and compared decision by decision.

Paired (``--against CHECKOUT``): on a shared machine the spread between runs is larger than
most changes, so the other checkout's classifier (its ``bot`` package imported apart in this
process) and this one are timed in turns, 500 messages each, the order swapping every turn, and
the bench prints both times per message and their ratio: both meet the same load.

Run: ``python bench/classify.py [--messages N] [--seed S] [--check N] [--corpus FILE]
[--against CHECKOUT]``
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import ahocorasick

from bot.core.classifier import SHIPPED_RULE_FILES, Classification, Classifier, load_classifier
from bot.core.classifier.engine import Engine
from bot.core.classifier.learned import LearnedModel, shipped_model
from bot.core.classifier.normalise import normalise, translation_table
from bot.core.classifier.rules import load_rule_files
from bot.core.context import Attachment, ContextMessage, Conversation, InContext

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


def _texts(corpus: Path) -> tuple[list[str], str]:
    if corpus.exists():
        files = [corpus]
        source = str(corpus)
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


def conversation(texts: list[str], seed: int) -> list[ContextMessage]:
    """``texts`` as one group's messages: a few frequent askers among many members, a reply to
    a recent message now and then, photos and files, forwards, a few minutes apart."""
    rng = random.Random(seed)
    senders = [f"sender-{index}" for index in range(40)]
    weights = [12 if index < 4 else 1 for index in range(40)]
    attachments = list(Attachment)
    sent_at = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    messages: list[ContextMessage] = []
    for message_id, text in enumerate(texts, 1):
        sent_at += timedelta(seconds=rng.randrange(5, 900))
        replied = message_id > 1 and rng.random() < 0.3
        messages.append(
            ContextMessage(
                message_id=message_id,
                text=text,
                sent_at=sent_at,
                sender_key=rng.choices(senders, weights)[0] if rng.random() < 0.97 else None,
                reply_to=rng.randrange(max(1, message_id - 30), message_id) if replied else None,
                attachment=rng.choice(attachments) if rng.random() < 0.12 else None,
                forwarded=rng.random() < 0.03,
            )
        )
    return messages


def _decided_one_by_one(classifier: Classifier, messages: list[ContextMessage]) -> list[InContext]:
    reader = Conversation(classifier)
    return [reader.decide(message) for message in messages]


def _decided_read_ahead(classifier: Classifier, messages: list[ContextMessage]) -> list[InContext]:
    return list(Conversation(classifier).decide_many(messages))


def _timed(run: Callable[[], object]) -> tuple[object, float]:
    started = _clock()
    result = run()
    return result, _clock() - started


def _load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _compare(
    classifier: Classifier,
    reference: Engine,
    batch: list[str],
    many_results: list[tuple[Classification, str]],
    one_by_one: list[InContext],
    read_ahead: list[InContext],
    messages: list[ContextMessage],
) -> tuple[int, int, float, int]:
    """Differences from the reference engine: texts, decisions, its time, texts checked."""
    fast_results = [classifier.classify(text) for text in batch]
    started = _clock()
    reference_results = [reference.classify(text) for text in batch]
    reference_seconds = _clock() - started
    differing = sum(
        fast != slow or many != fast
        for fast, slow, (many, _folded) in zip(
            fast_results, reference_results, many_results, strict=False
        )
    )
    reference_context = _decided_one_by_one(Classifier(reference), messages)
    context_differing = sum(
        slow != fast or fast != ahead
        for slow, fast, ahead in zip(reference_context, one_by_one, read_ahead, strict=False)
    )
    return differing, context_differing, reference_seconds, len(batch)


_SLICE = 500


def _other_checkout(root: Path) -> tuple[ModuleType, ModuleType]:
    """The classifier and context packages of the checkout at ``root``, imported apart (the
    ``bot`` modules already loaded stay in use through the objects made from them)."""
    ours = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "bot"}
    for name in ours:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        classifier = importlib.import_module("bot.core.classifier")
        context = importlib.import_module("bot.core.context")
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == "bot"]:
            del sys.modules[name]
        sys.modules.update(ours)
    return classifier, context


def _paired(root: Path, classifier: Classifier, batch: list[str], seed: int) -> None:
    """Time this checkout and the one at ``root`` in turns; print both and the ratio."""
    other_classifier, other_context = _other_checkout(root)
    theirs = other_classifier.load_classifier()
    messages = conversation(batch, seed)
    other_messages = [
        other_context.ContextMessage(
            **{
                field.name: getattr(message, field.name)
                for field in dataclasses.fields(message)
                if field.name != "attachment"
            },
            attachment=None
            if message.attachment is None
            else other_context.Attachment(message.attachment.value),
        )
        for message in messages
    ]
    sides = (
        ("this checkout", classifier, Conversation, messages),
        (str(root), theirs, other_context.Conversation, other_messages),
    )
    warm = distinct_batch(batch, 500, seed + 2)
    readers = []
    for _name, each, reader, _messages in sides:
        each.classify_many(warm)
        readers.append(reader(each))
    paths = ("classify", "classify_many", "Conversation.decide_many")
    seconds = {(side, path): 0.0 for side in range(2) for path in paths}
    for turn, first in enumerate(range(0, len(batch), _SLICE)):
        texts = batch[first : first + _SLICE]
        for side in (0, 1) if turn % 2 == 0 else (1, 0):
            _name, each, _reader, side_messages = sides[side]
            runs: tuple[Callable[[], object], ...] = (
                lambda each=each, texts=texts: [each.classify(text) for text in texts],
                lambda each=each, texts=texts: each.classify_many(texts),
                lambda side=side, side_messages=side_messages, first=first: list(
                    readers[side].decide_many(side_messages[first : first + _SLICE])
                ),
            )
            for path, run in zip(paths, runs, strict=True):
                seconds[side, path] += _timed(run)[1]
    count = len(batch)
    print(f"paired, in turns of {_SLICE} messages: this checkout against {root}")
    for path in paths:
        ours, other = seconds[0, path], seconds[1, path]
        print(
            f"  {path}: {ours / count * 1e6:,.1f} µs a message against "
            f"{other / count * 1e6:,.1f} µs ({count / ours:,.0f} against {count / other:,.0f} "
            f"msgs/s), time ratio {ours / other:.3f}"
        )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=_CORPUS,
        help="JSON lines with a 'text' field (default: the shared dev corpus next to the "
        "checkout; the classifier's own test cases when it is absent)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="another checkout (e.g. a git archive of an older commit) to time in turns with "
        "this one",
    )
    parser.add_argument(
        "--check",
        type=int,
        default=None,
        help="compare only the first N texts with the reference engine (default: all)",
    )
    return parser.parse_args()


def main() -> None:
    """Run the benchmark and print the figures."""
    args = _arguments()
    load_before = _load()
    started = _clock()
    classifier = load_classifier()
    load_seconds = _clock() - started
    texts, source = _texts(args.corpus)
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

    many_results, many_seconds = _timed(lambda: classifier.classify_many(batch))
    messages = conversation(batch, args.seed)
    _decided_read_ahead(classifier, conversation(distinct_batch(texts, 2_000, args.seed + 1), 1))
    one_by_one, context_seconds = _timed(lambda: _decided_one_by_one(classifier, messages))
    read_ahead, ahead_seconds = _timed(lambda: _decided_read_ahead(classifier, messages))

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

    reference = _engine(shipped_model(), reference=True)
    assert isinstance(many_results, list)
    assert isinstance(one_by_one, list) and isinstance(read_ahead, list)
    differing, context_differing, reference_seconds, checked = _compare(
        classifier,
        reference,
        batch[: args.check],
        many_results,
        one_by_one,
        read_ahead,
        messages[: args.check],
    )
    count = len(batch)
    print(
        f"source: {source} ({len(texts)} base texts), {count} messages, all distinct "
        "(@names, numbers, emoji and joined messages vary the base texts)"
    )
    print(f"rule load: {load_seconds:.2f} s; {load_before} (before the runs)")
    rows = (
        ("classifier, one at a time (classify)", classify_seconds),
        ("classifier, batches (classify_many)", many_seconds),
        ("in context, one at a time (Conversation.decide)", context_seconds),
        ("in context, read ahead (Conversation.decide_many)", ahead_seconds),
        ("rules only, one at a time (no learned step)", rules_seconds),
    )
    for name, seconds in rows:
        print(
            f"{name}: {count / seconds:,.0f} msgs/s ({seconds:.2f} s), "
            f"{seconds / floor_seconds:.2f}x the floor"
        )
    print(
        f"floor (Aho-Corasick scan of folded texts, {found:,} matches): "
        f"{count / floor_seconds:,.0f} msgs/s ({floor_seconds:.2f} s)"
    )
    print(
        f"reference engine (plain paths): {checked / reference_seconds:,.0f} msgs/s; "
        + (
            f"outputs identical on all {checked:,} texts checked (one at a time and batches)"
            if not differing
            else f"OUTPUTS DIFFER on {differing:,} of {checked:,} texts checked"
        )
    )
    print(
        "in context with the reference engine: "
        + (
            f"decisions identical on all {checked:,} messages checked "
            "(one at a time and read ahead)"
            if not context_differing
            else f"DECISIONS DIFFER on {context_differing:,} of {checked:,}"
        )
    )
    if args.against is not None:
        _paired(args.against, classifier, batch, args.seed)
    print(_load() + " (after the runs)")


if __name__ == "__main__":
    main()
