"""The paired mode's arithmetic: blocks, turns, medians and the two ratios it prints."""

from __future__ import annotations

import pytest

from bench.webhook import Block, _ratios, blocks_of, median, turn_order


def test_blocks_keep_every_update_once_in_order() -> None:
    bodies = [str(n).encode() for n in range(7)]
    blocks = blocks_of(bodies, 3)
    assert [len(b) for b in blocks] == [3, 3, 1]
    assert [body for block in blocks for body in block] == bodies


def test_turns_alternate_who_goes_first() -> None:
    names = ["floor", "ours"]
    assert [turn_order(names, n)[0] for n in range(4)] == ["floor", "ours", "floor", "ours"]


def test_median_of_odd_and_even_counts() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    with pytest.raises(ValueError, match="nothing"):
        median([])


def test_the_ratios_are_the_median_of_pairs_and_the_ratio_of_totals() -> None:
    ours = [Block(100, 1.0, 0.2, 0.0), Block(100, 1.0, 0.2, 0.0), Block(100, 1.0, 0.9, 0.0)]
    floor = [Block(100, 0.5, 0.1, 0.0), Block(100, 0.5, 0.1, 0.0), Block(100, 0.5, 0.1, 0.0)]
    # one block ran into a full collection: the median leaves it out, the totals count it
    assert _ratios(ours, floor) == ("2.00x CPU, 2.00x wall (medians of 3 pairs), 4.33x CPU in all")
