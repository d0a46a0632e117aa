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
