"""The cue prefilter: a cue read through ``CueText`` finds exactly what its joined regex finds."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.classifier.literals import case_classes, required_literals
from bot.core.context import cues as cue_module
from bot.core.context.cues import CueText, cues_from, shipped_cues
from bot.core.labels import Label

_DATA = tomllib.loads(
    (Path(cue_module.__file__).parent / "data" / "cues.toml").read_text(encoding="utf-8")
)
_FLAGS = re.IGNORECASE | re.MULTILINE
_JOINED = {name: cue_module._join(patterns) for name, patterns in _DATA["cue"].items()}
_KIND_JOINED = {
    (key, label): cue_module._join(_DATA["kind"][label.value][key])
    for key in ("nouns", "verbs")
    for label in (Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND, Label.ACK_DEMAND)
}
_ALL_PATTERNS = sorted(
    {p for patterns in _DATA["cue"].values() for p in patterns}
    | {p for kind in _DATA["kind"].values() for ps in kind.values() for p in ps}
)
# The cues' own characters (with their other cases) meet the alternatives and near misses often.
_ALPHABET = sorted(
    {char for p in _ALL_PATTERNS for char in p if char.isalpha()}
    | {char.upper() for p in _ALL_PATTERNS for char in p if char.isascii() and char.isalpha()}
    | set(" \n,.?0:，。？%@'+＋、)👍✅Kſı")
)
_CORPUS = Path(__file__).resolve().parents[4].parent / "shared" / "corpus" / "dev.jsonl"


def _span(found: re.Match[str] | None) -> tuple[int, int, str] | None:
    return None if found is None else (found.start(), found.end(), found.group(0))


def _assert_same(text: str) -> None:
    reading = shipped_cues().read(text)
    for name, joined in _JOINED.items():
        assert _span(reading.search(name)) == _span(joined.search(text)), (name, text)  # type: ignore[arg-type]
    for key in ("nouns", "verbs"):
        expected = frozenset(
            label
            for (which, label), joined in _KIND_JOINED.items()
            if which == key and joined.search(text)
        )
        found = reading.named_nouns() if key == "nouns" else reading.named_verbs()
        assert found == expected, (key, text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_every_cue_finds_the_joined_match(text: str) -> None:
    _assert_same(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_ALL_PATTERNS), max_size=4), st.text(alphabet=_ALPHABET, max_size=8)
)
def test_every_cue_agrees_on_texts_built_from_the_cues(pieces: list[str], glue: str) -> None:
    # the alternatives' own source as text: literal ones match, the others nearly do
    text = glue.join(
        piece.replace("\\s", " ").replace("\\d", "7").replace("?", "") for piece in pieces
    )
    _assert_same(text)
    _assert_same(text.upper())


@pytest.mark.skipif(not _CORPUS.exists(), reason="shared corpus not available")
def test_every_cue_agrees_on_the_corpus() -> None:
    texts = [
        json.loads(line)["text"]
        for line in _CORPUS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert texts
    for text in texts:
        _assert_same(text.strip())
        _assert_same(text.lower().strip())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_ALL_PATTERNS), st.text(alphabet=_ALPHABET, max_size=40))
def test_a_match_contains_one_of_the_required_literals(pattern: str, text: str) -> None:
    literals = required_literals(pattern, _FLAGS)
    found = re.search(pattern, text, _FLAGS)
    if literals is None or found is None:
        return
    table = case_classes(frozenset("".join(literals)))
    matched = found.group(0).translate(table)
    assert any(literal.translate(table) in matched for literal in literals), (pattern, text)


def test_literals_are_derived_from_the_regex() -> None:
    assert required_literals("(还|仲)有.{0,20}(没|未)", _FLAGS) == {"有"}
    assert required_literals("^(what|how)\\b", _FLAGS) == {"what", "how"}
    assert required_literals("[表照图]呢", _FLAGS) == {"呢"}
    assert required_literals("\\d+(%)?", _FLAGS) is None
    assert required_literals("(a|\\d)b?", _FLAGS) is None


def test_case_insensitive_literals_are_found_in_any_case() -> None:
    table = case_classes(frozenset("ks"))
    # the Kelvin sign and the long s match k and s case-insensitively, so they fold alike
    assert "\u212a".translate(table) == "K".translate(table) == "k".translate(table)
    assert "\u017f".translate(table) == "s".translate(table)
    cues = cues_from({**_DATA, "cue": {**_DATA["cue"], "cancel": ["kiosk"]}})
    assert cues.read("the \u212aIOS\u212a").search("cancel") is not None
    assert cues.read("the kios").search("cancel") is None


def test_a_cue_text_searches_once() -> None:
    reading: CueText = shipped_cues().read("还差3个村的照片没交")
    first = reading.search("chase")
    assert first is not None
    assert reading.search("chase") is first
    assert reading.named_kinds() == {Label.PROOF_DEMAND}


def test_a_full_memo_of_chosen_alternatives_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    # the memo of alternatives per literal set is bounded: past the bound it is cleared, and
    # every search still finds the joined match
    monkeypatch.setattr(cue_module, "_MAX_CHOSEN", 1)
    cues = cues_from(_DATA)
    texts = ["还差3个村的照片没交", "今天下班前补齐", "明天之前交表格", "still missing 3 photos"]
    for text in texts * 2:
        reading = cues.read(text)
        for name, joined in _JOINED.items():
            assert _span(reading.search(name)) == _span(joined.search(text)), (name, text)  # type: ignore[arg-type]
    assert all(len(filtered.chosen) <= 1 for filtered in cues._filtered.values())
