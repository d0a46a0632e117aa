"""The learned step's character n-gram weights as integer keys in a hash table: one compiled pass.

Building a set of n-gram strings and probing a dict with each costs a few hundred nanoseconds per
n-gram in Python. Here every character the model knows gets a small id (1 upwards; 0 for any other
character) and an n-gram becomes the integer of its ids, ``ID_BITS`` bits each, first character
highest. :func:`~bot.core.classifier.kernels.grams.gram_totals` walks the 1- to 4-grams of every
text of a batch, looks each key up in an open-addressing table of the model's keys (Fibonacci
hashing, linear probing) and sums the rows found, each distinct row once, exactly in int64 fixed
point. An n-gram with a character the model does not know matches no model n-gram (every
character of a model n-gram has an id of at least 1), so the walk stops there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.core.classifier.kernels.grams import gram_totals
from bot.core.classifier.lanes import to_fixed

ID_BITS = 15
"""Bits per character id: four of them fit an int64 key, for up to 32,767 distinct characters."""
MAX_GRAM = 4
_Ints = npt.NDArray[np.int64]
_Rows = npt.NDArray[np.int32]
# Fibonacci hashing: the top bits of key * 2**64 / golden ratio (wrapping uint64 product).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = -1
"""An empty slot of the table (every n-gram key is at least 1)."""


@dataclass(frozen=True, slots=True)
class GramIndex:
    """The model's n-gram keys in a hash table, with their per-label weights in fixed point."""

    ids: _Ints
    """Character id by code point (index clipped to the last entry, which is 0; NUL is 0)."""
    slot_keys: _Ints
    """The open-addressing table: the key in each slot, ``_EMPTY`` where there is none."""
    slot_rows: _Rows
    """The row of :attr:`weights` of the key in each slot."""
    shift: np.uint64
    """64 less the table's bits: a key's home slot is the top bits of its hash."""
    weights: _Ints
    """One row of per-label fixed-point weights per key."""

    @classmethod
    def build(
        cls, grams: Mapping[str, Sequence[float]], labels: int, *, slots_per_key: int = 2
    ) -> GramIndex | None:
        """The index of ``grams``; None when the model's alphabet is too large for int64 keys.

        The table has more than ``slots_per_key`` slots per key (so always an empty one, which
        ends every probe chain); fewer slots mean longer chains, not other results.
        """
        alphabet = sorted({char for gram in grams for char in gram})
        if len(alphabet) >= 1 << ID_BITS or any(len(gram) > MAX_GRAM for gram in grams):
            return None
        char_id = {char: index for index, char in enumerate(alphabet, 1)}
        top = max((ord(char) for char in alphabet), default=0)
        if "\0" in char_id:  # NUL pads the texts, so it must stay unknown
            return None
        ids = np.zeros(top + 2, dtype=np.int64)
        for char, index in char_id.items():
            ids[ord(char)] = index
        names = list(grams)
        unsorted = np.array([_key(name, char_id) for name in names], dtype=np.int64)
        order = np.argsort(unsorted, kind="stable")
        keys = unsorted[order]
        # row i of the weights belongs to keys[i], in the table as in the sorted keys
        weights = np.array(
            [[to_fixed(weight) for weight in grams[names[i]]] for i in order], dtype=np.int64
        ).reshape(len(names), labels)
        # under half the slots filled by default: probe chains stay short (the longest is 6
        # slots for the shipped model), and the table small enough to stay mostly in cache
        bits = (slots_per_key * len(names)).bit_length()
        shift = np.uint64(64 - bits)
        table = [_EMPTY] * (1 << bits)
        table_rows = [0] * (1 << bits)
        mask = (1 << bits) - 1
        for row, (key, home) in enumerate(
            zip(keys.tolist(), _home(keys, shift).tolist(), strict=True)
        ):
            slot = home
            while table[slot] != _EMPTY:
                slot = (slot + 1) & mask
            table[slot] = key
            table_rows[slot] = row
        return cls(
            ids,
            np.array(table, dtype=np.int64),
            np.array(table_rows, dtype=np.int32),
            shift,
            weights,
        )

    def totals(self, framed: str) -> list[int]:
        """The per-label sum of the weights of the distinct n-grams of ``framed``."""
        return self.totals_many([framed])[0]

    def totals_many(self, framed: Sequence[str]) -> list[list[int]]:
        """:meth:`totals` of every text of ``framed`` (same results), in one compiled pass
        (:func:`~bot.core.classifier.kernels.grams.gram_totals`)."""
        if not framed:
            return []
        points = np.frombuffer(
            "".join(framed).encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        )
        starts = np.zeros(len(framed) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, framed), dtype=np.int64, count=len(framed)), out=starts[1:])
        totals = gram_totals(
            points,
            starts,
            self.ids,
            self.slot_keys,
            self.slot_rows,
            self.shift,
            self.weights,
            ID_BITS,
            MAX_GRAM,
        )
        result: list[list[int]] = totals.tolist()
        return result


def _home(keys: _Ints, shift: np.uint64) -> _Ints:
    """The home slot of every key: the top bits of its Fibonacci hash."""
    return (keys.view(np.uint64) * _GOLDEN >> shift).view(np.int64)


def _key(gram: str, char_id: Mapping[str, int]) -> int:
    key = 0
    for char in gram:
        key = (key << ID_BITS) | char_id[char]
    return key
