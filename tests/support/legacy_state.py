"""The first stored form of a conversation state (a JSON object), as workers wrote it before
``storage.context_format``'s positional form: the store still reads it, so tests write it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.context import ConversationState


def _time(value: datetime) -> float:
    return value.timestamp()


def state_to_dict(state: ConversationState) -> dict[str, Any]:
    """A JSON-ready form of ``state``: labels, ids, keys and times, never a text."""
    return {
        "demands": [
            {
                "id": d.message_id,
                "labels": sorted(label.value for label in d.labels),
                "sender": d.sender_key,
                "at": _time(d.sent_at),
                "subject": d.subject,
                "exempt": d.exempt,
                **({"apps": list(d.apps)} if d.apps else {}),
            }
            for d in state.demands
        ],
        "seen": [
            {
                "id": s.message_id,
                "sender": s.sender_key,
                "at": _time(s.sent_at),
                "answers": s.answers,
            }
            for s in state.seen
        ],
        "senders": [[key, h.asks, h.answers] for key, h in state.senders],
        "handled": list(state.handled),
    }
