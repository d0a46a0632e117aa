"""A cue searched one alternative at a time finds exactly what the joined regex finds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.context import cues as cue_module
from bot.core.context.cues import Alternatives, shipped_cues

_DATA = tomllib.loads(
    (Path(cue_module.__file__).parent / "data" / "cues.toml").read_text(encoding="utf-8")
)
_SPLIT = {
    name: search
    for name in _DATA["cue"]
    if isinstance(search := getattr(shipped_cues(), name), Alternatives)
}
_JOINED = {name: cue_module._join(_DATA["cue"][name]) for name in _SPLIT}
# Texts made of the cues' own characters meet their alternatives (and near misses) often.
_ALPHABET = sorted(
    {char for patterns in _DATA["cue"].values() for p in patterns for char in p if char.isalpha()}
    | set(" \n,.?0:，。？")
)


def _span(found: re.Match[str] | None) -> tuple[int, int, str] | None:
    return None if found is None else (found.start(), found.end(), found.group(0))


def test_the_long_cues_are_searched_apart() -> None:
    assert "chase" in _SPLIT


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_alternatives_find_the_joined_match(text: str) -> None:
    for name, search in _SPLIT.items():
        assert _span(search.search(text)) == _span(_JOINED[name].search(text)), name


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(_DATA["cue"]["chase"] + _DATA["cue"]["danger"])), max_size=3),
    st.text(alphabet=_ALPHABET, max_size=12),
)
def test_alternatives_agree_on_texts_built_from_the_cues(pieces: list[str], glue: str) -> None:
    # the alternatives' own source, as text: literal ones match, the others nearly do
    text = glue.join(piece.replace("\\s", " ").replace("?", "") for piece in pieces)
    for name, search in _SPLIT.items():
        assert _span(search.search(text)) == _span(_JOINED[name].search(text)), name


def test_the_leftmost_match_wins_and_the_first_alternative_on_ties() -> None:
    alternatives = Alternatives((re.compile("bc"), re.compile("b"), re.compile("ab")))
    joined = re.compile("(?:bc)|(?:b)|(?:ab)")
    for text in ("abc", "xbc", "xb", "bbc", "zz"):
        assert _span(alternatives.search(text)) == _span(joined.search(text))
    assert _span(alternatives.search("abc")) == (0, 2, "ab")


# Figures, separators, unit words and the characters between them, in any order.
_RANKING_ALPHABET = "0123456789 \n,，、;；:：.%/人户份个次条笔分东片ab"


def test_every_guard_stands_before_a_shipped_alternative() -> None:
    # a guard whose alternative was edited away would quietly stop guarding anything
    shipped = {p for patterns in _DATA["cue"].values() for p in patterns}
    assert set(cue_module._GUARDS) <= shipped


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_RANKING_ALPHABET, max_size=50))
def test_a_guard_passes_every_text_its_alternative_matches(text: str) -> None:
    for source in cue_module._GUARDS:
        guarded = cue_module._alternative(source)
        plain = re.compile(source, re.IGNORECASE | re.MULTILINE)
        assert _span(guarded.search(text)) == _span(plain.search(text)), text


_RANKING_ENTRY = st.tuples(
    st.text(alphabet="东片ab :：\n", min_size=1, max_size=4),
    st.text(alphabet="0123456789.", min_size=1, max_size=3),
    st.sampled_from(["", "%", "/5", "人", " 户", "x"]),
    st.sampled_from([",", "，", "、", ";", " ", ""]),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_RANKING_ENTRY, max_size=5), st.text(alphabet=_RANKING_ALPHABET, max_size=4))
def test_a_guard_passes_the_rankings_and_near_misses(
    entries: list[tuple[str, str, str, str]], tail: str
) -> None:
    text = "".join("".join(entry) for entry in entries) + tail
    for source in cue_module._GUARDS:
        guarded = cue_module._alternative(source)
        plain = re.compile(source, re.IGNORECASE | re.MULTILINE)
        assert _span(guarded.search(text)) == _span(plain.search(text)), text


def test_a_guard_turns_away_texts_without_its_steps() -> None:
    guarded = cue_module._alternative(cue_module._RANKING)
    assert isinstance(guarded, cue_module.Guarded)
    # a ranking is searched and found
    assert guarded.search("东片96%，南片91%，西片88%") is not None
    # commas but no figures before them: the ranking is not even searched
    assert guarded.search("东片，南片，西片 3") is None
    assert guarded.steps[0].search("东片，南片，西片 3") is None
