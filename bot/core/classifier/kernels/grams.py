"""The learned step's n-gram sums (see :mod:`bot.core.classifier.gram_index`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, nogil=True)
def gram_totals(
    points: Any,
    starts: Any,
    ids: Any,
    slot_keys: Any,
    slot_rows: Any,
    shift: Any,
    weights: Any,
    id_bits: int,
    max_gram: int,
) -> Any:  # pragma: no cover - compiled
    """Per text, the per-label sum of the weights of its distinct model n-grams."""
    texts = len(starts) - 1
    lanes = weights.shape[1]
    totals = np.zeros((texts, lanes), dtype=np.int64)
    longest = 1
    for text in range(texts):
        longest = max(longest, starts[text + 1] - starts[text])
    # the distinct rows one text hits, as a small open-addressing set (emptied after each text)
    size = 1
    while size < 2 * longest * max_gram:
        size *= 2
    taken = np.full(size, -1, dtype=np.int64)
    used = np.empty(longest * max_gram, dtype=np.int64)
    top = len(ids) - 1
    for text in range(texts):
        begin, end = starts[text], starts[text + 1]
        count = 0
        for first in range(begin, end):
            key = 0
            for position in range(first, min(first + max_gram, end)):
                point = points[position]
                char = ids[point] if point < top else 0
                if char == 0:  # no model n-gram holds an unknown character
                    break
                key = (key << id_bits) | char
                row = _row_of(key, slot_keys, slot_rows, shift)
                place = -1 if row < 0 else _first_time(row, taken)
                if place >= 0:  # a repeated n-gram counts once
                    used[count] = place
                    count += 1
                    for lane in range(lanes):
                        totals[text, lane] += weights[row, lane]
        for index in range(count):
            taken[used[index]] = -1
    return totals


@njit(cache=True, nogil=True)
def _row_of(key: int, slot_keys: Any, slot_rows: Any, shift: Any) -> int:  # pragma: no cover
    """The weight row of n-gram ``key`` (-1: not in the model): its hash chain's slot."""
    mask = len(slot_keys) - 1
    slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
    while True:
        held = slot_keys[slot]
        if held == key:
            return int(slot_rows[slot])
        if held == -1:
            return -1
        slot = (slot + 1) & mask


@njit(cache=True, nogil=True)
def _first_time(row: int, taken: Any) -> int:  # pragma: no cover - compiled
    """The slot ``row`` now takes in the set ``taken``, or -1 if it was there already."""
    mask = len(taken) - 1
    place = row & mask
    while taken[place] != -1 and taken[place] != row:
        place = (place + 1) & mask
    if taken[place] == row:
        return -1
    taken[place] = row
    return place
