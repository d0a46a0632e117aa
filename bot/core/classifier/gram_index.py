"""The learned step's character n-gram weights as integer keys in a hash table: one numpy pass.

Building a set of n-gram strings and probing a dict with each costs a few hundred nanoseconds per
n-gram in Python. Here every character the model knows gets a small id (1 upwards; 0 for any other
character) and an n-gram becomes the integer of its ids, ``ID_BITS`` bits each, first character
highest. The keys of all 1- to 4-grams of a message come out of a few array shifts and are looked
up in an open-addressing table of the model's keys (linear probing, every probe round one
vectorised step over the keys still unresolved), and the distinct rows found are summed exactly in
int64 fixed point. A hash table needs no sorted needles: sorting them for a binary search was
most of the time of a pass.

Why unknown characters need no masking: a key whose top slots are 0 equals the key of the same
n-gram without those leading characters, which is a shorter n-gram ending at the same place, so it
is in the message anyway (and duplicates count once); a key with a 0 in any other slot matches no
model n-gram, since every character of a model n-gram has an id of at least 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.core.classifier.lanes import to_fixed

ID_BITS = 15
"""Bits per character id: four of them fit an int64 key, for up to 32,767 distinct characters."""
MAX_GRAM = 4
MAX_BATCH_CHARS = 1 << 22
"""The most characters :meth:`GramIndex.totals_many` sums in one pass: the running int64 sum
of a pass then stays below 2**22 * 4 n-grams * 10**10 (the largest weight) < 2**63."""

_Ints = npt.NDArray[np.int64]
_Small = npt.NDArray[np.integer[Any]]
"""Ids, rows and weights in the narrowest type that holds them: less memory to read at random."""
_ADD = np.add.reduce
# Fibonacci hashing: the top bits of key * 2**64 / golden ratio (wrapping uint64 product).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = -1
"""An empty slot of the table (every n-gram key is at least 1)."""


@dataclass(frozen=True, slots=True)
class GramIndex:
    """The model's n-gram keys in a hash table, with their per-label weights in fixed point."""

    ids: _Small
    """Character id by code point (index clipped to the last entry, which is 0; NUL is 0)."""
    keys: _Ints
    """The model's n-gram keys, ascending, with a sentinel -1 at the end (one text's lookup)."""
    slot_keys: _Ints
    """The open-addressing table: the key in each slot, ``_EMPTY`` where there is none."""
    slot_rows: _Small
    """The row of :attr:`weights` of the key in each slot."""
    shift: np.uint64
    """64 less the table's bits: a key's home slot is the top bits of its hash."""
    weights: _Small
    """One row of per-label fixed-point weights per key, divided by :attr:`scale`."""
    scale: int
    """What :attr:`weights` are multiplied by to give the fixed-point weights: 1000 when every
    weight is a whole number of thousandths (the weights file keeps three decimals) that fits
    16 bits, so the table is a quarter of its int64 size; else 1."""

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
        ids = np.zeros(top + 2, dtype=np.int16)  # ids are below 2**ID_BITS
        for char, index in char_id.items():
            ids[ord(char)] = index
        names = list(grams)
        unsorted = np.array([_key(name, char_id) for name in names], dtype=np.int64)
        order = np.argsort(unsorted, kind="stable")
        keys = unsorted[order]
        # row i of the weights belongs to keys[i], in the table as in the sorted keys
        weights, scale = _narrow(
            np.array(
                [[to_fixed(weight) for weight in grams[names[i]]] for i in order], dtype=np.int64
            ).reshape(len(names), labels)
        )
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
            np.append(keys, np.int64(_EMPTY)),
            np.array(table, dtype=np.int64),
            np.array(table_rows, dtype=np.uint16 if len(names) <= 1 << 16 else np.int32),
            shift,
            weights,
            scale,
        )

    def _rows(self, needles: _Ints) -> tuple[_Ints, _Small]:
        """(positions in ``needles``, rows of :attr:`weights`) of the needles in the model."""
        slot_keys = self.slot_keys
        mask = len(slot_keys) - 1
        slots = _home(needles, self.shift)
        pending = np.arange(len(needles), dtype=np.int64)
        found_at: list[_Ints] = []
        found_rows: list[_Small] = []
        while len(pending):
            held = slot_keys.take(slots)
            match = held == needles
            if match.any():
                found_at.append(pending[match])
                found_rows.append(self.slot_rows.take(slots[match]))
            # neither this key nor an empty slot: the key may sit further along its chain
            going = ~match & (held != _EMPTY)
            pending, slots, needles = pending[going], (slots[going] + 1) & mask, needles[going]
        if not found_at:
            return pending, np.zeros(0, dtype=np.int32)
        return np.concatenate(found_at), np.concatenate(found_rows)

    def totals(self, framed: str) -> list[int]:
        """The per-label sum of the weights of the distinct n-grams of ``framed``."""
        # three trailing NULs (id 0) give every position a full window of four ids
        points = np.frombuffer(
            (framed + "\0\0\0").encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        )
        # beyond the table: the last entry, 0
        ids = self.ids.take(points, mode="clip").astype(np.int64)
        two = (ids[:-1] << ID_BITS) | ids[1:]
        four = (two[:-2] << (2 * ID_BITS)) | two[2:]
        # the 3-gram at each position is its 4-gram without the last id; trailing 0 slots
        # (from the padding) match nothing
        found = np.concatenate((ids, two, four >> ID_BITS, four))
        # One text has a few hundred keys: a binary search over sorted needles costs fewer numpy
        # calls than the probe rounds of the hash table (which pay off for a batch).
        found.sort()
        where = self.keys[:-1].searchsorted(found)
        keep = self.keys.take(where) == found
        keep[1:] &= found[1:] != found[:-1]  # a repeated n-gram counts once
        total: list[int] = (
            _ADD(self.weights.take(where[keep], axis=0), axis=0, dtype=np.int64) * self.scale
        ).tolist()
        return total

    def totals_many(self, framed: Sequence[str]) -> list[list[int]]:
        """:meth:`totals` of every text of ``framed`` (same results), in one numpy pass.

        Per message, a dozen numpy calls cost more than the work on its keys; here the calls
        are paid once for the whole batch. The texts are joined with three NULs between them,
        so no window of four ids reaches from one text into the next.
        """
        if not framed:
            return []
        if len(framed) > 1 and sum(map(len, framed)) + 3 * len(framed) > MAX_BATCH_CHARS:
            half = len(framed) // 2
            return self.totals_many(framed[:half]) + self.totals_many(framed[half:])
        lanes = self.weights.shape[1]
        points = np.frombuffer(
            "\0\0\0".join((*framed, "")).encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        )
        ids = self.ids.take(points, mode="clip").astype(np.int64)
        sizes = np.fromiter(map(len, framed), dtype=np.int64, count=len(framed))
        owner = np.arange(len(framed), dtype=np.int64).repeat(sizes + 3)
        two = (ids[:-1] << ID_BITS) | ids[1:]
        four = (two[:-2] << (2 * ID_BITS)) | two[2:]
        windows = len(four)
        # A window opening on an unknown character (a NUL between texts included) is the key
        # of the shorter n-gram that starts one later, which is counted there: leave it out.
        opens = ids[:windows] != 0
        found = np.concatenate(
            (ids[:windows][opens], two[:windows][opens], (four >> ID_BITS)[opens], four[opens])
        )
        whose = np.tile(owner[:windows][opens], MAX_GRAM)
        at, found_rows = self._rows(found)
        rows = len(self.weights)
        pairs = whose.take(at) * rows + found_rows
        pairs.sort()
        distinct = np.ones(len(pairs), dtype=bool)
        np.not_equal(pairs[1:], pairs[:-1], out=distinct[1:])  # a repeated n-gram counts once
        pairs = pairs[distinct]
        message = pairs // rows
        running = np.zeros((len(pairs) + 1, lanes), dtype=np.int64)
        np.cumsum(
            self.weights.take(pairs - message * rows, axis=0),
            axis=0,
            dtype=np.int64,
            out=running[1:],
        )
        bounds = message.searchsorted(np.arange(len(framed) + 1, dtype=np.int64))
        result: list[list[int]] = (
            (running[bounds[1:]] - running[bounds[:-1]]) * self.scale
        ).tolist()
        return result


def _narrow(weights: _Ints) -> tuple[_Small, int]:
    """``weights`` as int16 thousandths when that is exact, with the scale to multiply by."""
    if not (weights % 1000).any() and (np.abs(weights) // 1000 < 1 << 15).all():
        return (weights // 1000).astype(np.int16), 1000
    return weights, 1


def _home(keys: _Ints, shift: np.uint64) -> _Ints:
    """The home slot of every key: the top bits of its Fibonacci hash."""
    return (keys.view(np.uint64) * _GOLDEN >> shift).view(np.int64)


def _key(gram: str, char_id: Mapping[str, int]) -> int:
    key = 0
    for char in gram:
        key = (key << ID_BITS) | char_id[char]
    return key
