"""Decoded conversation states, kept by the bytes they were read or written as, and encoded
one new entry at a time.

Every group message reads its group's state and most write it back, so a busy worker would
decode the same bytes again and again, and encode a few hundred entries to store one new one.
The stored bytes stay the source of truth: a state is reused only when Redis returns exactly
the bytes it was decoded from or encoded to, so a state written meanwhile by another worker is
always decoded. Alongside the state, the stored fragment of each of its entries is kept (see
``storage.context_format``): the next state shares all but one or two entries with it, and
only those are encoded.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.context import ConversationState
from storage import context_format

log = logging.getLogger(__name__)
MAX_GROUPS = 512
"""Groups whose decoded state is kept (the most recently used); the rest are decoded on read.
A full state (256 handled ids, 256 senders, 64 seen, 32 demands) is about 11 KB stored and
about 100 KB decoded with its fragments, so this bounds the cache near 50 MB; most groups'
states are far smaller."""

Fragments = tuple[list[str], list[str], list[str], list[str]]
"""The stored fragments of a state's demands, seen, senders and handled ids, in state order."""

_ENCODERS: tuple[Callable[[Any], str], ...] = (
    context_format.encode_demand,
    context_format.encode_seen,
    context_format.encode_sender,
    context_format.encode_handled,
)


def encode_state(state: ConversationState) -> bytes:
    """The stored form of ``state`` (labels, ids, keys and times; never a text)."""
    return context_format.encode(state)


def decode_state(raw: bytes | str | None) -> ConversationState:
    """The state stored as ``raw``; empty when there is none or it is damaged (context only
    sharpens labels, so a damaged state is dropped rather than trusted)."""
    state = None if raw is None else _decode(raw)
    return ConversationState() if state is None else state


def _decode(raw: bytes | str) -> ConversationState | None:
    """The state stored as ``raw``, or None when it is damaged."""
    try:
        return context_format.decode(raw)
    except (ValueError, RecursionError):
        return None


def _sections(state: ConversationState) -> tuple[Sequence[Any], ...]:
    return (state.demands, state.seen, state.senders, state.handled)


_MISSING = ""
"""Stands for a fragment still to encode: no fragment is empty, and comparing strings to it is
a length check (a ``None`` would cost each comparison a slower fallback)."""


def _carried(old: Sequence[Any], fragments: list[str], new: Sequence[Any]) -> list[str]:
    """The fragments of ``new``'s entries that ``old`` already had, ``_MISSING`` for the others.

    Both tuples are alive here, so an ``id`` found in both is the same entry. The usual step
    (oldest entries dropped, one appended) is recognised by one C-level tuple comparison; any
    other is matched by identity through a dict, still without a Python loop per entry.
    """
    if new is old:
        return fragments
    start = len(old) - len(new) + 1
    if new and start >= 0 and new[:-1] == old[start:]:
        return [*fragments[start:], _MISSING]
    by_id = dict(zip(map(id, old), fragments, strict=True))
    return [by_id.get(key, _MISSING) for key in map(id, new)]


def _fill(entries: Sequence[Any], fragments: list[str], encoder: Callable[[Any], str]) -> int:
    """Encode each missing fragment of ``fragments`` from its entry; how many were missing."""
    missing = 0
    at = len(fragments) - 1
    if at >= 0 and fragments[at] is _MISSING:  # the usual step: only the last one
        fragments[at] = encoder(entries[at])
        missing = 1
    while _MISSING in fragments:
        at = fragments.index(_MISSING)
        fragments[at] = encoder(entries[at])
        missing += 1
    return missing


@dataclass(frozen=True, slots=True)
class _Kept:
    stored: bytes
    state: ConversationState
    fragments: Fragments | None  # None: decoded from Redis, not yet encoded here


class DecodedStates:
    """The last state seen per group with its stored bytes, for the most recent groups."""

    def __init__(self, max_groups: int = MAX_GROUPS) -> None:
        self._max_groups = max_groups
        self._states: OrderedDict[int, _Kept] = OrderedDict()
        # Fragments of states encoded but not yet confirmed written, per group.
        self._encoded: dict[int, tuple[ConversationState, Fragments]] = {}
        self.decoded = 0
        """States decoded so far (for tests: a reuse decodes nothing)."""
        self.encoded_entries = 0
        """Entries encoded so far (for tests: a step encodes only the new ones)."""

    def read(self, group_id: int, raw: bytes | str | None) -> ConversationState:
        """The state stored as ``raw`` for ``group_id``, decoded only when it is not the one
        kept (same bytes, same state: the state is immutable)."""
        if raw is None:
            self._states.pop(group_id, None)
            return ConversationState()
        stored = raw.encode() if isinstance(raw, str) else raw
        kept = self._states.get(group_id)
        if kept is not None and kept.stored == stored:
            self._states.move_to_end(group_id)
            return kept.state
        self.decoded += 1
        state = _decode(stored)
        if state is None:
            # Only the group and a size: what a damaged state holds is nobody's to read.
            log.warning(
                "conversation state of group %d dropped: damaged or of an unknown form "
                "(%d bytes); the group's context starts afresh",
                group_id,
                len(stored),
            )
            state = ConversationState()
        self._keep(group_id, _Kept(stored, state, None))
        return state

    def encode(self, group_id: int, state: ConversationState) -> bytes:
        """The stored form of ``state`` (as ``encode_state``), encoding only the entries that
        the group's kept state does not share with it."""
        kept = self._states.get(group_id)
        if kept is None or kept.fragments is None:
            previous: tuple[Sequence[Any], ...] = ((), (), (), ())
            known: Fragments = ([], [], [], [])
        else:
            previous, known = _sections(kept.state), kept.fragments
        fragments: list[list[str]] = []
        for old, old_fragments, new, encoder in zip(
            previous, known, _sections(state), _ENCODERS, strict=True
        ):
            carried = _carried(old, old_fragments, new)
            self.encoded_entries += _fill(new, carried, encoder)
            fragments.append(carried)
        done: Fragments = (fragments[0], fragments[1], fragments[2], fragments[3])
        if len(self._encoded) >= self._max_groups:  # writes that never reported back
            self._encoded.clear()
        self._encoded[group_id] = (state, done)
        return context_format.assemble(done)

    def written(self, group_id: int, stored: bytes, state: ConversationState) -> None:
        """Remember that ``state`` was just written for ``group_id`` as ``stored``."""
        encoded = self._encoded.pop(group_id, None)
        fragments = encoded[1] if encoded is not None and encoded[0] is state else None
        self._keep(group_id, _Kept(stored, state, fragments))

    def forget(self, group_id: int) -> None:
        """Drop ``group_id`` (a write failed, or the group was erased)."""
        self._states.pop(group_id, None)
        self._encoded.pop(group_id, None)

    def _keep(self, group_id: int, kept: _Kept) -> None:
        self._states[group_id] = kept
        self._states.move_to_end(group_id)
        while len(self._states) > self._max_groups:
            self._states.popitem(last=False)
