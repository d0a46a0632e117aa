"""The phrase scan and tokens (see :mod:`bot.core.classifier.scanner`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


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

    Returns (spans, guards): one row per span, in the order found, of (text, start, end,
    phrase index; its categories are ``word_categories``), and one guard bit row per text.
    (Few returned arrays: boxing each one costs numba an unpickling.)
    ``chain``: the most phrases that can end at one character (sizes the outputs).
    """
    texts = len(starts) - 1
    top = len(char_ids) - 1
    capacity = chain * len(points)
    spans = np.empty((capacity, 4), dtype=np.int64)
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
                spans[count, 0] = text
                spans[count, 1] = start
                spans[count, 2] = index + 1
                spans[count, 3] = word
                count += 1
    return spans[:count], guards


@njit(cache=True, nogil=True)
def _empty(categories: Any, row: int) -> bool:  # pragma: no cover - compiled
    """Whether row ``row`` has no category (a guard literal's)."""
    found = 0
    for part in range(categories.shape[1]):
        found |= categories[row, part]
    return found == 0


@njit(cache=True, nogil=True)
def _ascii_word(point: int) -> bool:  # pragma: no cover - compiled
    """Whether a code point is a lower-case ASCII letter or the digit 0 (what folding leaves)."""
    return 97 <= point <= 122 or point == 48


@njit(cache=True, nogil=True)
def longest_tokens(
    texts: int,
    spans: Any,
    word_categories: Any,
    extra: Any,
    extra_categories: Any,
    shadow: Any,
    shadowed_length: int,
) -> Any:  # pragma: no cover - compiled
    """Tokens from the phrase spans (:func:`scan_phrases`) and the ``extra`` (pattern) spans,
    rows of (text, start, end): longest match wins, a shadowing token hides short overlapping
    ones, the same span twice is one token with the categories of both.

    Returns (token_starts, token_begin, token_end, token_categories): the tokens of text ``i``
    are rows ``token_starts[i]:token_starts[i + 1]``.
    """
    phrases = spans.shape[0]
    total = phrases + extra.shape[0]
    parts = word_categories.shape[1]
    owner = np.concatenate((spans[:, 0], extra[:, 0]))
    begin_at = np.concatenate((spans[:, 1], extra[:, 1]))
    end_at = np.concatenate((spans[:, 2], extra[:, 2]))
    token_starts = np.zeros(texts + 1, dtype=np.int64)
    token_begin = np.empty(total, dtype=np.int64)
    token_end = np.empty(total, dtype=np.int64)
    token_categories = np.zeros((total, parts), dtype=np.uint64)
    order = np.argsort(owner, kind="mergesort")
    count = 0
    first = 0
    for text in range(texts):
        last = first
        while last < total and owner[order[last]] == text:
            last += 1
        members = _by_start(order[first:last].copy(), begin_at, end_at)
        cover = -1
        shadow_end = -1
        previous = -1
        for span in members:
            start, end = begin_at[span], end_at[span]
            merged = (
                previous >= 0 and token_begin[previous] == start and token_end[previous] == end
            )
            if not merged and (
                end <= cover or (start < shadow_end and end - start <= shadowed_length)
            ):
                continue
            if not merged:
                cover = end
                token_begin[count] = start
                token_end[count] = end
                previous = count
                count += 1
            for part in range(parts):
                if span < phrases:
                    token_categories[previous, part] |= word_categories[spans[span, 3], part]
                else:
                    token_categories[previous, part] |= extra_categories[span - phrases, part]
            if _within(token_categories, previous, shadow):
                shadow_end = end
        token_starts[text + 1] = count
        first = last
    return token_starts, token_begin[:count], token_end[:count], token_categories[:count]


@njit(cache=True, nogil=True)
def _by_start(members: Any, begin_at: Any, end_at: Any) -> Any:  # pragma: no cover - compiled
    """``members`` sorted by (start, -end) in place (insertion sort: a text has a few dozen)."""
    for index in range(1, len(members)):
        held = members[index]
        place = index - 1
        while place >= 0 and (
            begin_at[members[place]] > begin_at[held]
            or (
                begin_at[members[place]] == begin_at[held]
                and end_at[members[place]] < end_at[held]
            )
        ):
            members[place + 1] = members[place]
            place -= 1
        members[place + 1] = held
    return members


@njit(cache=True, nogil=True)
def _within(categories: Any, row: int, shadow: Any) -> bool:  # pragma: no cover - compiled
    """Whether every category of row ``row`` is a shadowing one."""
    outside = 0
    for part in range(len(shadow)):
        outside |= categories[row, part] & ~shadow[part]
    return outside == 0
