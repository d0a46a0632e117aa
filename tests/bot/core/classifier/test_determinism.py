"""The classifier gives the same answer in every process, whatever the hash seed."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

from bot.core.classifier import SHIPPED_RULE_FILES
from bot.core.classifier.engine import Engine
from bot.core.classifier.learned import FORMAT_VERSION, model_from_dict, shipped_model
from bot.core.classifier.normalise import normalise, translation_table
from bot.core.classifier.rules import load_rule_files
from bot.core.classifier.training import known_rule_ids, rules_engine
from bot.core.labels import ALL_LABELS, Label
from tests.support.paths import REPO_ROOT, TRAIN_DATA

_NAMES = [label.value for label in ALL_LABELS]
_PREFIXES = ("@张三 ", "@Priya ", "各位：", "【通知】", "Hi all, ")
_SUFFIXES = (" 🙏", "！！", " thanks", "…", " 12")

# Classifies the JSON list of texts on stdin and prints every result, with the learned
# step's raw scores, as JSON: anything that depends on set order shows up in the output.
_WORKER = """
import json, sys
from bot.core.classifier import classify
from bot.core.classifier.learned import shipped_model
from bot.core.classifier.training import rules_engine

engine = rules_engine(None)
model = shipped_model()
out = []
for text in json.load(sys.stdin):
    result = classify(text)
    _rules, signals = engine.rule_signals(text)
    out.append({
        "labels": sorted(label.value for label in result.labels),
        "exempt": result.exempt_rule,
        "hits": [[h.label.value, h.rule, h.start, h.end] for h in result.hits],
        "ack": result.acknowledgement,
        "subject": result.report_subject,
        "truncated": result.truncated,
        "scores": model.fixed_scores(engine.normalise(text), signals),
    })
json.dump(out, sys.stdout)
"""


def _texts() -> list[str]:
    """Every training text, plus joined and decorated variations of them (fixed seed)."""
    base = [
        json.loads(line)["text"]
        for path in sorted(TRAIN_DATA.glob("*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(8)
    varied = [
        f"{rng.choice(_PREFIXES)}{rng.choice(base)}{rng.choice(_SUFFIXES)}" for _ in range(800)
    ]
    joined = [f"{rng.choice(base)}\n{rng.choice(base)}" for _ in range(800)]
    return base + varied + joined


def _run(texts: list[str], seed: str) -> list[object]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _WORKER],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=True,
        timeout=600,
    )
    results: list[object] = json.loads(done.stdout)
    return results


def test_results_do_not_depend_on_the_hash_seed() -> None:
    texts = _texts()
    assert len(texts) > 4000
    first = _run(texts, "1")
    second = _run(texts, "2024")
    assert len(first) == len(second) == len(texts)
    differing = [text for text, a, b in zip(texts, first, second, strict=True) if a != b]
    assert differing == []


def test_weights_that_sum_to_the_threshold_meet_it_in_any_order() -> None:
    # As floats, 0.1 + 0.2 + 0.7 is 1.0000000000000002 and 0.7 + 0.2 + 0.1 is
    # 0.9999999999999999: the order of the terms would decide a threshold of exactly 1.0.
    proof = _NAMES.index(Label.PROOF_DEMAND.value)
    model = model_from_dict(
        {
            "version": FORMAT_VERSION,
            "labels": _NAMES,
            "bias": [0.0] * len(_NAMES),
            "keep": [1.0] * len(_NAMES),
            "add": [1.0] * len(_NAMES),
            "quiet_messages": True,
            "known_rules": known_rule_ids(),
            "grams": {"甲": [proof, 0.1], "乙": [proof, 0.2], "丙": [proof, 0.7]},
            "words": {},
            "signals": {},
        }
    )
    engine = rules_engine(model)
    for text in ("甲乙丙", "丙乙甲", "乙丙甲"):
        assert Label.PROOF_DEMAND in engine.classify(text).labels
    assert Label.PROOF_DEMAND not in engine.classify("甲丙").labels


def test_fast_scores_equal_the_plain_sum() -> None:
    engine = rules_engine(None)
    model = shipped_model()
    texts = _texts()[::3]
    for text in texts:
        _result, signals = engine.rule_signals(text)
        norm = engine.normalise(text)
        assert model.fixed_scores(norm, signals) == model.reference_scores(norm, signals)


def test_fast_engine_equals_the_reference_engine() -> None:
    fast = rules_engine(shipped_model())
    table = translation_table()
    rules = load_rule_files(SHIPPED_RULE_FILES, lambda phrase: normalise(phrase, table))
    reference = Engine(rules, table, shipped_model(), reference=True)
    for text in _texts()[1::7]:
        assert fast.classify(text) == reference.classify(text)


def test_lone_surrogates_are_classified_like_any_other_unknown_character() -> None:
    # JSON may carry a lone surrogate ("\ud800" in a Bot API update); the n-gram pass of texts
    # long enough for numpy raised on it, one at a time and in batches
    fast = rules_engine(shipped_model())
    table = translation_table()
    rules = load_rule_files(SHIPPED_RULE_FILES, lambda phrase: normalise(phrase, table))
    reference = Engine(rules, table, shipped_model(), reference=True)
    base = "请各社区今天下午五点前把走访台账和照片发到群里"
    texts = [base[:cut] + "\ud800" + base[cut:] for cut in range(0, len(base), 5)]
    texts += ["\udfff" * 30, "短\ud83d"]
    expected = [reference.classify(text) for text in texts]
    assert [fast.classify(text) for text in texts] == expected
    assert [result for result, _folded in fast.classify_many(texts)] == expected
