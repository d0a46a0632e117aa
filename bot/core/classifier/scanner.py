"""The fast engine's phrase scan: every phrase and pattern match of a batch of texts.

The reference engine iterates pyahocorasick's matches in Python and picks tokens span by span
(``Engine._spans``, ``Engine._tokens``). Here the same Aho-Corasick automaton is held as flat
arrays (a state's edges in one hash table keyed by state and character id, failure links, and
for each state the phrase it ends and the next shorter phrase that ends there), so that
:func:`~bot.core.classifier.kernels.phrases.scan_phrases` finds every phrase of every text of
a batch in one call. The regex patterns then run in Python (only those whose guard literals the
scan saw), and :func:`~bot.core.classifier.kernels.rules.analyse` turns all spans into tokens.
Categories travel as bit rows (one bit per category, 64 to a word).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.core.classifier.kernels.phrases import scan_phrases

_Ints = npt.NDArray[np.int64]
_Bits = npt.NDArray[np.uint64]
_GOLDEN = 0x9E3779B97F4A7C15
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_ASCII_WORD = _LETTERS | {"0"}
_PATTERN_RUNS_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Spans:
    """Every phrase and pattern match of a batch of texts, before tokens are picked."""

    points: npt.NDArray[np.uint32]
    """The texts' code points, one after the other."""
    starts: _Ints
    """Where each text starts in :attr:`points`, and where the last one ends."""
    phrases: _Ints
    """Rows of (text, start, end, phrase index) (see :attr:`Scanner.word_categories`)."""
    patterns: _Ints
    """Rows of (text, start, end) of the pattern matches, in rule-file order per text."""
    pattern_categories: _Bits
    """The category bit row of each pattern match."""


def _trie(
    words: Sequence[str], char_id: Mapping[str, int]
) -> tuple[list[dict[int, int]], list[int]]:
    """The trie of ``words``: each state's children by character id, and the word each state
    ends (-1: none)."""
    children: list[dict[int, int]] = [{}]
    word_at = [-1]
    for number, word in enumerate(words):
        state = 0
        for char in word:
            following = children[state].get(char_id[char])
            if following is None:
                following = len(children)
                children[state][char_id[char]] = following
                children.append({})
                word_at.append(-1)
            state = following
        word_at[state] = number
    return children, word_at


def _links(children: list[dict[int, int]], word_at: list[int]) -> tuple[list[int], list[int]]:
    """Each state's failure link (the longest proper suffix that is a state) and output link
    (the longest proper suffix that ends a word; -1: none)."""
    fail = [0] * len(children)
    word_link = [-1] * len(children)
    queue = list(children[0].values())
    for state in queue:  # breadth first: a state's failure is settled before its children
        for char, child in children[state].items():
            back = fail[state]
            while back and char not in children[back]:
                back = fail[back]
            target = children[back].get(char, 0)
            fail[child] = target
            word_link[child] = target if word_at[target] >= 0 else word_link[target]
            queue.append(child)
    return fail, word_link


def _chain(state: int, word_at: list[int], word_link: list[int]) -> int:
    """How many phrases end where the scan reaches ``state``."""
    count = 1 if word_at[state] >= 0 else 0
    found = word_link[state]
    while found > 0:
        count += 1
        found = word_link[found]
    return count


class Scanner:
    """Phrases, guard literals and patterns of a rule set, scanned a batch at a time."""

    def __init__(
        self,
        phrases: Mapping[str, Iterable[str]],
        patterns: Sequence[tuple[str, re.Pattern[str], int, int]],
        guard_bits: Mapping[str, int],
        shadow: frozenset[str],
        shadowed_length: int,
    ) -> None:
        """``patterns``: (category, regex, guard mask, needed-literal mask) in rule-file
        order; a mask of 0 sets no condition. ``guard_bits`` numbers the guard literals."""
        names = sorted(set(phrases) | {category for category, _p, _g, _n in patterns})
        self._names = names
        self._bit = {name: index for index, name in enumerate(names)}
        self._parts = max(1, -(-len(names) // 64))
        self._guard_parts = max(1, -(-len(guard_bits) // 64))
        self._shadowed_length = shadowed_length
        self._shadow = self.row(shadow)
        self._patterns = tuple(
            (pattern, self.row({category}), guard, need)
            for category, pattern, guard, need in patterns
        )
        self._pattern_runs: dict[int, tuple[tuple[re.Pattern[str], _Bits], ...]] = {}
        self._sets: dict[bytes, frozenset[str]] = {}
        self._no_patterns = np.zeros((0, 3), dtype=np.int64)
        self._no_categories = np.zeros((0, self._parts), dtype=np.uint64)
        self._build(phrases, guard_bits)

    def row(self, categories: Iterable[str]) -> _Bits:
        """The bit row of ``categories`` (names no phrase or pattern has add nothing)."""
        row = np.zeros(self._parts, dtype=np.uint64)
        for name in categories:
            index = self._bit.get(name)
            if index is not None:
                row[index >> 6] |= np.uint64(1 << (index & 63))
        return row

    def _build(self, phrases: Mapping[str, Iterable[str]], guard_bits: Mapping[str, int]) -> None:
        by_phrase: dict[str, set[str]] = {}
        for category, members in phrases.items():
            for phrase in members:
                by_phrase.setdefault(phrase, set()).add(category)
        words = sorted(by_phrase.keys() | guard_bits.keys())
        alphabet_chars = sorted({char for word in words for char in word})
        char_id = {char: index for index, char in enumerate(alphabet_chars, 1)}
        alphabet = len(alphabet_chars) + 1
        top = max((ord(char) for char in alphabet_chars), default=0)
        char_ids = np.zeros(top + 2, dtype=np.int64)  # the last entry: every other character
        for char, index in char_id.items():
            char_ids[ord(char)] = index
        children, word_at = _trie(words, char_id)
        fail, word_link = _links(children, word_at)
        root_next = np.zeros(alphabet + 1, dtype=np.int64)
        for first_id, child in children[0].items():
            root_next[first_id] = child
        edges = [
            (state * alphabet + char, child)
            for state in range(1, len(children))
            for char, child in children[state].items()
        ]
        bits = max(1, (2 * len(edges)).bit_length())
        shift = np.uint64(64 - bits)
        table_keys = np.full(1 << bits, -1, dtype=np.int64)
        table_next = np.zeros(1 << bits, dtype=np.int64)
        mask = (1 << bits) - 1
        for key, child in edges:
            slot = ((key * _GOLDEN) & 0xFFFFFFFFFFFFFFFF) >> int(shift)
            while table_keys[slot] != -1:
                slot = (slot + 1) & mask
            table_keys[slot] = key
            table_next[slot] = child
        categories = np.zeros((len(words), self._parts), dtype=np.uint64)
        guards = np.zeros((len(words), self._guard_parts), dtype=np.uint64)
        for number, word in enumerate(words):
            categories[number] = self.row(by_phrase.get(word, set()))
            guard = guard_bits.get(word, 0)
            for part in range(self._guard_parts):
                guards[number, part] = (guard >> (64 * part)) & 0xFFFFFFFFFFFFFFFF
        self._automaton = (
            char_ids,
            alphabet,
            root_next,
            table_keys,
            table_next,
            shift,
            np.array(fail, dtype=np.int64),
            np.array(word_at, dtype=np.int64),
            np.array(word_link, dtype=np.int64),
            np.array([len(word) for word in words], dtype=np.int64),
            np.array([word[0] in _ASCII_WORD for word in words], dtype=np.bool_),
            np.array([word[-1] in _LETTERS for word in words], dtype=np.bool_),
            categories,
            guards,
            max(_chain(state, word_at, word_link) for state in range(len(children))),
        )
        self._word_categories = categories

    @property
    def word_categories(self) -> _Bits:
        """The category bit row of every phrase (and guard literal, whose row is empty)."""
        return self._word_categories

    @property
    def shadow(self) -> _Bits:
        """The bit row of the shadowing categories."""
        return self._shadow

    def scan(self, norms: Sequence[str]) -> Spans:
        """The phrase matches (as ``Engine._spans`` keeps them) and pattern matches of every
        text of ``norms`` (folded texts)."""
        # surrogatepass: a lone surrogate (from hostile JSON) is a code point like any other
        points = np.frombuffer(
            "".join(norms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        )
        starts = np.zeros(len(norms) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, norms), dtype=np.int64, count=len(norms)), out=starts[1:])
        phrases, guards = scan_phrases(points, starts, *self._automaton)
        found: list[tuple[int, int, int]] = []
        rows: list[_Bits] = []
        for text, parts in enumerate(guards.tolist()):
            seen = 0
            for shift, part in enumerate(parts):
                seen |= part << (64 * shift)
            runs = self._pattern_runs.get(seen)
            if runs is None:
                runs = self._runs_for(seen)
            for pattern, row in runs:
                for match in pattern.finditer(norms[text]):
                    first, last = match.span()
                    if first != last:
                        found.append((text, first, last))
                        rows.append(row)
        if not found:
            return Spans(points, starts, phrases, self._no_patterns, self._no_categories)
        return Spans(
            points,
            starts,
            phrases,
            np.array(found, dtype=np.int64),
            np.array(rows, dtype=np.uint64),
        )

    def categories(self, key: bytes) -> frozenset[str]:
        """The category names of a bit row given as bytes."""
        found = self._sets.get(key)
        if found is None:
            bits = int.from_bytes(key, "little")
            found = frozenset(name for index, name in enumerate(self._names) if bits >> index & 1)
            self._sets[key] = found
        return found

    def _runs_for(self, seen: int) -> tuple[tuple[re.Pattern[str], _Bits], ...]:
        """The patterns (in rule-file order) whose guards and needed literals ``seen`` holds;
        remembered, since few distinct sets of guards occur."""
        runs = tuple(
            (pattern, row)
            for pattern, row, mask, need in self._patterns
            if not ((mask and not mask & seen) or (need and not need & seen))
        )
        if len(self._pattern_runs) >= _PATTERN_RUNS_SIZE:
            self._pattern_runs.clear()
        self._pattern_runs[seen] = runs
        return runs
