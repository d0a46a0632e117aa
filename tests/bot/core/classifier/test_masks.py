"""The fast engine's rules on category bit masks decide exactly as the reference engine's sets."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.classifier import SHIPPED_RULE_FILES
from bot.core.classifier.engine import Engine
from bot.core.classifier.masks import CategoryBits, present
from bot.core.classifier.normalise import normalise, translation_table
from bot.core.classifier.rules import load_rule_files

_CORPUS = Path(__file__).resolve().parents[4].parent / "shared" / "corpus" / "dev.jsonl"


@lru_cache(maxsize=1)
def _engines() -> tuple[Engine, Engine]:
    table = translation_table()
    rules = load_rule_files(SHIPPED_RULE_FILES, lambda phrase: normalise(phrase, table))
    return Engine(rules, table), Engine(rules, table, reference=True)


@lru_cache(maxsize=1)
def _phrases() -> list[str]:
    return sorted(_engines()[0].phrases())[::7]


def _assert_same(text: str) -> None:
    fast, reference = _engines()
    # the rules' own result and every signal the learned step would read
    assert fast.rule_signals(text) == reference.rule_signals(text), text


_GLUE = st.sampled_from(["", " ", "，", "。", "\n", "不用", "我", "已", "?", "、", ":", '"', "请"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), _GLUE), max_size=10))
def test_texts_of_lexicon_phrases_decide_alike(pieces: list[tuple[int, str]]) -> None:
    phrases = _phrases()
    _assert_same("".join(phrases[index % len(phrases)] + glue for index, glue in pieces))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_decides_alike(text: str) -> None:
    _assert_same(text)


@pytest.mark.skipif(not _CORPUS.exists(), reason="shared corpus not available")
def test_the_corpus_decides_alike() -> None:
    lines = _CORPUS.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    assert texts
    for text in texts:
        _assert_same(text)


def test_conditions_as_masks() -> None:
    bits = CategoryBits(["a", "b", "c"])
    single, conjunctions = bits.conditions(
        ((frozenset({"a"}),), (frozenset({"b"}), frozenset({"c"})))
    )
    assert present(single, conjunctions, bits.of(["a"]))
    assert present(single, conjunctions, bits.of(["b", "c"]))
    assert not present(single, conjunctions, bits.of(["b"]))
    assert not present(single, conjunctions, 0)
