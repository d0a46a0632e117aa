"""Compiled batch kernels (numba) for the classifier's per-character loops.

Each kernel takes a whole batch of texts as one array of code points with the offsets where each
text starts, so numba's per-call cost (unboxing the arrays) is paid once per batch, not once per
message. The kernels are compiled on first use and cached on disk (``cache=True``; numba's
cache directory follows ``NUMBA_CACHE_DIR`` when the package directory is not writable).
"""

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
    mask = len(slot_keys) - 1
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
                slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
                while True:
                    held = slot_keys[slot]
                    if held == key:
                        row = slot_rows[slot]
                        place = row & (size - 1)
                        while taken[place] != -1 and taken[place] != row:
                            place = (place + 1) & (size - 1)
                        if taken[place] == -1:  # a repeated n-gram counts once
                            taken[place] = row
                            used[count] = place
                            count += 1
                            for lane in range(lanes):
                                totals[text, lane] += weights[row, lane]
                        break
                    if held == -1:
                        break
                    slot = (slot + 1) & mask
        for index in range(count):
            taken[used[index]] = -1
    return totals


@njit(cache=True, nogil=True)
def _edge(table_keys: Any, table_next: Any, shift: Any, key: int) -> int:  # pragma: no cover
    """The state ``key`` (state * alphabet + character) leads to, or -1."""
    mask = len(table_keys) - 1
    slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
    while True:
        held = table_keys[slot]
        if held == key:
            return int(table_next[slot])
        if held == -1:
            return -1
        slot = (slot + 1) & mask


@njit(cache=True, nogil=True)
def scan_phrases(
    points: Any,
    starts: Any,
    char_ids: Any,
    alphabet: int,
    root_next: Any,
    table_keys: Any,
    table_next: Any,
    shift: Any,
    fail: Any,
    word_at: Any,
    word_link: Any,
    word_length: Any,
    word_left: Any,
    word_right: Any,
    word_categories: Any,
    word_guards: Any,
    chain: int,
) -> Any:  # pragma: no cover - compiled
    """Aho-Corasick over every text: the phrase spans that pass their word-boundary checks
    and, per text, the guard literals seen.

    Returns (span_owner, span_start, span_end, span_word, guards): one entry per span, in the
    order found, ``span_word`` the phrase's index (its categories are ``word_categories``).
    ``chain``: the most phrases that can end at one character (sizes the outputs).
    """
    texts = len(starts) - 1
    top = len(char_ids) - 1
    capacity = chain * len(points)
    owner = np.empty(capacity, dtype=np.int64)
    begin_at = np.empty(capacity, dtype=np.int64)
    end_at = np.empty(capacity, dtype=np.int64)
    word_of = np.empty(capacity, dtype=np.int64)
    guards = np.zeros((texts, word_guards.shape[1]), dtype=np.uint64)
    count = 0
    for text in range(texts):
        base, stop = starts[text], starts[text + 1]
        size = stop - base
        state = 0
        for index in range(size):
            point = points[base + index]
            char = char_ids[point] if point < top else 0
            if char == 0:
                state = 0
                continue
            while True:
                if state == 0:
                    state = root_next[char]
                    break
                following = _edge(table_keys, table_next, shift, state * alphabet + char)
                if following >= 0:
                    state = following
                    break
                state = fail[state]
            found = state if word_at[state] >= 0 else word_link[state]
            while found > 0:
                word = word_at[found]
                found = word_link[found]
                for part in range(word_guards.shape[1]):
                    guards[text, part] |= word_guards[word, part]
                if word_categories[word, 0] == 0 and _empty(word_categories, word):
                    continue
                start = index - word_length[word] + 1
                if word_left[word] and start > 0 and _ascii_word(points[base + start - 1]):
                    continue
                if word_right[word] and index + 1 < size and _ascii_word(points[base + index + 1]):
                    continue
                owner[count] = text
                begin_at[count] = start
                end_at[count] = index + 1
                word_of[count] = word
                count += 1
    return owner[:count], begin_at[:count], end_at[:count], word_of[:count], guards


@njit(cache=True, nogil=True)
def _empty(categories: Any, row: int) -> bool:  # pragma: no cover - compiled
    for part in range(categories.shape[1]):
        if categories[row, part]:
            return False
    return True


@njit(cache=True, nogil=True)
def _ascii_word(point: int) -> bool:  # pragma: no cover - compiled
    """Whether a code point is a lower-case ASCII letter or the digit 0 (what folding leaves)."""
    return 97 <= point <= 122 or point == 48


@njit(cache=True, nogil=True)
def longest_tokens(
    texts: int,
    owner: Any,
    begin_at: Any,
    end_at: Any,
    categories: Any,
    shadow: Any,
    shadowed_length: int,
) -> Any:  # pragma: no cover - compiled
    """Tokens from spans (grouped by text, any order within a text): longest match wins, a
    shadowing token hides short overlapping ones, the same span twice is one token.

    Returns (token_starts, token_begin, token_end, token_categories): the tokens of text ``i``
    are rows ``token_starts[i]:token_starts[i + 1]``.
    """
    spans = len(owner)
    parts = categories.shape[1]
    token_starts = np.zeros(texts + 1, dtype=np.int64)
    token_begin = np.empty(spans, dtype=np.int64)
    token_end = np.empty(spans, dtype=np.int64)
    token_categories = np.zeros((spans, parts), dtype=np.uint64)
    order = np.argsort(owner, kind="mergesort")
    count = 0
    first = 0
    for text in range(texts):
        last = first
        while last < spans and owner[order[last]] == text:
            last += 1
        members = order[first:last].copy()
        # sort the text's spans by (start, -end); insertion sort: a text has a few dozen
        for i in range(1, len(members)):
            held = members[i]
            j = i - 1
            while j >= 0 and (
                begin_at[members[j]] > begin_at[held]
                or (begin_at[members[j]] == begin_at[held] and end_at[members[j]] < end_at[held])
            ):
                members[j + 1] = members[j]
                j -= 1
            members[j + 1] = held
        cover = -1
        shadow_end = -1
        previous = -1
        for span in members:
            start, end = begin_at[span], end_at[span]
            if previous >= 0 and token_begin[previous] == start and token_end[previous] == end:
                for part in range(parts):
                    token_categories[previous, part] |= categories[span, part]
                if _within(token_categories[previous], shadow):
                    shadow_end = end
                continue
            if end <= cover or (start < shadow_end and end - start <= shadowed_length):
                continue
            cover = end
            token_begin[count] = start
            token_end[count] = end
            for part in range(parts):
                token_categories[count, part] = categories[span, part]
            if _within(token_categories[count], shadow):
                shadow_end = end
            previous = count
            count += 1
        token_starts[text + 1] = count
        first = last
    return token_starts, token_begin[:count], token_end[:count], token_categories[:count]


@njit(cache=True, nogil=True)
def _within(categories: Any, shadow: Any) -> bool:  # pragma: no cover - compiled
    for part in range(len(shadow)):
        if categories[part] & ~shadow[part]:
            return False
    return True
