"""The numpy n-gram index sums exactly what a set of n-gram strings and a dict would."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.classifier.gram_index import GramIndex
from bot.core.classifier.lanes import pack, to_fixed, unpack
from bot.core.classifier.learned import gram_set

# Grams over a small alphabet, so that random texts hit them often; texts also draw on
# characters the model does not know (x, y, 字), which must never produce a false match.
_GRAMS = {
    "a": (0.5, -1.0),
    "ab": (0.25, 0.0),
    "ba": (-0.75, 2.0),
    "aba": (1.125, 0.5),
    "abab": (3.0, -0.001),
    "bb": (0.1, 0.2),
    "\x02a": (0.7, 0.7),
    "b\x03": (-0.3, 0.9),
}
_INDEX = GramIndex.build(_GRAMS, 2)


def _plain(framed: str) -> list[int]:
    totals = [0, 0]
    for gram in gram_set(framed):
        for index, weight in enumerate(_GRAMS.get(gram, (0.0, 0.0))):
            totals[index] += to_fixed(weight)
    return totals


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abxy字", max_size=40))
def test_index_totals_equal_the_plain_sum(text: str) -> None:
    assert _INDEX is not None
    framed = "\x02" + text + "\x03"
    assert _INDEX.totals(framed) == _plain(framed)


def test_a_repeated_gram_counts_once() -> None:
    assert _INDEX is not None
    assert _INDEX.totals("aaaa") == [to_fixed(0.5), to_fixed(-1.0)]


def test_unknown_characters_between_known_ones_match_nothing() -> None:
    assert _INDEX is not None
    # "axb" holds "a" and "b" apart: neither "ab" nor "ba" may be found
    assert _INDEX.totals("axbx") == [to_fixed(0.5), to_fixed(-1.0)]


@given(st.lists(st.lists(st.integers(-(10**12), 10**12), min_size=6, max_size=6), max_size=50))
def test_packed_rows_add_lane_by_lane(rows: list[list[int]]) -> None:
    total = sum(pack(row) for row in rows)
    assert unpack(total, 6) == [sum(row[lane] for row in rows) for lane in range(6)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab\x00x字", max_size=30), max_size=8))
def test_batch_totals_equal_one_text_at_a_time(texts: list[str]) -> None:
    assert _INDEX is not None
    framed = ["\x02" + text + "\x03" for text in texts]
    # texts side by side must not lend each other n-grams across their boundaries
    assert _INDEX.totals_many(framed) == [_plain(text) for text in framed]


# Mostly whole thousandths (the weights file's), which the index holds in 16 bits; a model with
# any finer or larger weight is held in full.
_WEIGHTS = st.one_of(
    st.floats(-10.0, 10.0, allow_nan=False).map(lambda value: round(value, 3)),
    st.floats(-100.0, 100.0, allow_nan=False).map(lambda value: round(value, 6)),
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="abc\x02\x03", min_size=1, max_size=4),
        st.tuples(_WEIGHTS, _WEIGHTS),
        min_size=1,
        max_size=120,
    ),
    st.lists(st.text(alphabet="abcx", max_size=30), max_size=6),
    st.sampled_from((1, 4)),
)
def test_any_model_sums_the_plain_way(
    grams: dict[str, tuple[float, float]], texts: list[str], slots_per_key: int
) -> None:
    # One slot per key crowds the hash table: keys are found along probe chains (wrapping at
    # the table's end), and absent keys stop only at the empty slots left.
    index = GramIndex.build(grams, 2, slots_per_key=slots_per_key)
    assert index is not None

    def plain(framed: str) -> list[int]:
        totals = [0, 0]
        for gram in gram_set(framed):
            for lane, weight in enumerate(grams.get(gram, (0.0, 0.0))):
                totals[lane] += to_fixed(weight)
        return totals

    framed = ["\x02" + text + "\x03" for text in texts]
    expected = [plain(text) for text in framed]
    assert index.totals_many(framed) == expected
    assert [index.totals(text) for text in framed] == expected


@given(st.lists(st.integers(-(2**95), 2**95 - 1), min_size=1, max_size=8))
def test_a_lane_reads_back_across_its_whole_range(row: list[int]) -> None:
    # the extremes of a lane, next to each other, must not borrow from or carry into the next
    assert unpack(pack(row), len(row)) == row


def test_weights_are_held_in_16_bits_only_when_that_is_exact() -> None:
    narrow = GramIndex.build({"ab": (0.125, -32.767)}, 2)
    finer = GramIndex.build({"ab": (0.0005, 1.0)}, 2)
    larger = GramIndex.build({"ab": (40.0, 1.0)}, 2)
    assert narrow is not None and finer is not None and larger is not None
    assert (narrow.scale, narrow.weights.dtype) == (1000, np.int16)
    assert finer.scale == larger.scale == 1
    assert narrow.totals("\x02ab\x03") == [125_000, -32_767_000]
    assert finer.totals_many(["\x02ab\x03", "ab"]) == [[500, 1_000_000]] * 2
    assert larger.totals("\x02ab\x03") == [40_000_000, 1_000_000]
