"""Decoded conversation states, kept by the bytes they were read or written as.

Every group message reads its group's state and most write it back, so a busy worker would
decode the same JSON again and again (up to a few hundred entries per group). The stored bytes
stay the source of truth: a state is reused only when Redis returns exactly the bytes it was
decoded from or encoded to, so a state written meanwhile by another worker is always decoded.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from bot.core.context import ConversationState, state_from_dict, state_to_dict

MAX_GROUPS = 512
"""Groups whose decoded state is kept (the most recently used); the rest are decoded on read.
A full state (256 handled ids, 256 senders, 64 seen, 32 demands) is about 18 KB stored and 80 KB
decoded, so this bounds the cache near 50 MB; most groups' states are far smaller."""


def encode_state(state: ConversationState) -> bytes:
    """The stored form of ``state``: compact JSON of labels, ids, keys and times."""
    return json.dumps(state_to_dict(state), separators=(",", ":")).encode()


def decode_state(raw: bytes | str | None) -> ConversationState:
    """The state stored as ``raw``; empty when there is none or it is damaged (context only
    sharpens labels, so a damaged state is dropped rather than trusted)."""
    if raw is None:
        return ConversationState()
    try:
        data = json.loads(raw)
        return state_from_dict(data) if isinstance(data, dict) else ConversationState()
    except ValueError:
        return ConversationState()


class DecodedStates:
    """The last state seen per group with its stored bytes, for the most recent groups."""

    def __init__(self, max_groups: int = MAX_GROUPS) -> None:
        self._max_groups = max_groups
        self._states: OrderedDict[int, tuple[bytes, ConversationState]] = OrderedDict()
        self.decoded = 0
        """States decoded so far (for tests: a reuse decodes nothing)."""

    def read(self, group_id: int, raw: bytes | str | None) -> ConversationState:
        """The state stored as ``raw`` for ``group_id``, decoded only when it is not the one
        kept (same bytes, same state: the state is immutable)."""
        if raw is None:
            self._states.pop(group_id, None)
            return ConversationState()
        stored = raw.encode() if isinstance(raw, str) else raw
        kept = self._states.get(group_id)
        if kept is not None and kept[0] == stored:
            self._states.move_to_end(group_id)
            return kept[1]
        self.decoded += 1
        state = decode_state(stored)
        self._keep(group_id, stored, state)
        return state

    def written(self, group_id: int, stored: bytes, state: ConversationState) -> None:
        """Remember that ``state`` was just written for ``group_id`` as ``stored``."""
        self._keep(group_id, stored, state)

    def forget(self, group_id: int) -> None:
        """Drop ``group_id`` (a write failed, or the group was erased)."""
        self._states.pop(group_id, None)

    def _keep(self, group_id: int, stored: bytes, state: ConversationState) -> None:
        self._states[group_id] = (stored, state)
        self._states.move_to_end(group_id)
        while len(self._states) > self._max_groups:
            self._states.popitem(last=False)
