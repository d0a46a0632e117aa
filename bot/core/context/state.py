"""How one message moves a group's conversation state: a pure function, bounded in size."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

from bot.core.context.model import (
    ContextMessage,
    ConversationState,
    Demand,
    InContext,
    Seen,
    SenderHistory,
    StateIndex,
    indexed_state,
    new_demand,
    new_history,
    new_seen,
)
from bot.core.labels import Label

MAX_DEMANDS = 32
MAX_SEEN = 64
MAX_SENDERS = 256
MAX_HANDLED = 256
MAX_DEMAND_APPS = 4
MAX_APP_NAME = 40
# Demands older than this are forgotten even while the group stays busy.
DEMAND_MEMORY = timedelta(days=30)
_sent_at = attrgetter("sent_at")


def subject_key(subject: str | None) -> str | None:
    """A short key standing for a report subject, so the state holds no words of a message."""
    if subject is None:
        return None
    return hashlib.blake2s(subject.encode(), digest_size=6).hexdigest()


def advance(
    state: ConversationState,
    message: ContextMessage,
    decided: InContext,
    apps: Sequence[str] = (),
) -> ConversationState:
    """The state after ``message`` was decided as ``decided``.

    A message already handled (a redelivery or an edit) leaves the state as it is, so no sender
    is counted twice. Forwarded messages do not make their forwarder an asker. ``apps`` are the
    burden apps the message demands something in (its names only, at most ``MAX_DEMAND_APPS``),
    kept with the demand so a later reply or follow-up naming no app can chase them.
    """
    index = state.index()
    if message.message_id in (state.handled if index is None else index.ids):
        return state
    demands = state.demands
    seen = state.seen
    if decided.labels:
        demand = new_demand(
            message_id=message.message_id,
            labels=decided.labels,
            sender_key=message.sender_key,
            sent_at=message.sent_at,
            subject=subject_key(decided.report_subject),
            exempt=decided.exempt,
            apps=app_names(apps),
            chases=decided.chases,
        )
        cutoff = message.sent_at - DEMAND_MEMORY
        # C-level: cutoff <= d.sent_at for every demand (the same test as d.sent_at >= cutoff)
        kept = map(cutoff.__le__, map(_sent_at, demands))
        demands = tuple(compress(demands, kept))[-(MAX_DEMANDS - 1) :]
        demands = (*demands, demand)
    else:
        answered = decided.answers if decided.answers is not None else decided.chases
        entry = new_seen(
            message.message_id,
            message.sender_key,
            message.sent_at,
            answered,
            decided.alarm,
            decided.concern,
        )
        seen = (*seen[-(MAX_SEEN - 1) :], entry)
    senders = state.senders
    if message.sender_key is not None and not message.forwarded:
        history = state.history(message.sender_key)
        if decided.labels:
            history = new_history(history.asks + 1, history.answers)
        elif decided.answers is not None:
            history = new_history(history.asks, history.answers + 1)
        sender = (message.sender_key, history)
        if index is None:
            others = _without(senders, message.sender_key)
            senders = (*others[-(MAX_SENDERS - 1) :], sender)
        else:
            senders = _moved_last(index.entries, sender)
    handled = (*state.handled[-(MAX_HANDLED - 1) :], message.message_id)
    if index is not None:
        _hand_on(index, state.handled, handled)
    return indexed_state(demands, seen, senders, handled, index)


def _moved_last(
    entries: dict[str, tuple[str, SenderHistory]], sender: tuple[str, SenderHistory]
) -> tuple[tuple[str, SenderHistory], ...]:
    """``entries`` (in place) and the senders they hold with ``sender`` the most recent and
    the oldest dropped beyond ``MAX_SENDERS``: what ``_without`` and a slice make of the tuple."""
    entries.pop(sender[0], None)
    while len(entries) > MAX_SENDERS - 1:
        del entries[next(iter(entries))]
    entries[sender[0]] = sender
    return tuple(entries.values())


def _hand_on(index: StateIndex, before: tuple[int, ...], handled: tuple[int, ...]) -> None:
    """Bring ``index`` up to ``handled`` (one id added, the oldest dropped) for the state
    made next; the state it served no longer uses it (its ``handled`` is another tuple)."""
    index.ids.difference_update(before[: len(before) - len(handled) + 1])
    index.ids.add(handled[-1])
    index.handled = handled


def app_names(names: Iterable[object]) -> tuple[str, ...]:
    """At most ``MAX_DEMAND_APPS`` distinct app names, each at most ``MAX_APP_NAME`` long (the
    rest dropped): what a demand keeps, and what a stored state is trusted to hold."""
    kept: list[str] = []
    for name in names:
        if isinstance(name, str) and 0 < len(name) <= MAX_APP_NAME and name not in kept:
            kept.append(name)
            if len(kept) == MAX_DEMAND_APPS:
                break
    return tuple(kept)


def _without(
    senders: tuple[tuple[str, SenderHistory], ...], key: str
) -> tuple[tuple[str, SenderHistory], ...]:
    """``senders`` without ``key``'s entries; a busy group holds hundreds, so the key is found
    by C-level list methods rather than a Python loop over every entry."""
    keys = list(map(itemgetter(0), senders))
    found = keys.count(key)
    if found == 0:
        return senders
    if found == 1:
        index = keys.index(key)
        return senders[:index] + senders[index + 1 :]
    return tuple(entry for entry in senders if entry[0] != key)


def state_from_dict(data: dict[str, Any]) -> ConversationState:
    """Rebuild a state stored in the first (JSON object) form, which older workers wrote and
    ``storage.context_format`` still reads; raises ``ValueError`` when damaged."""

    try:
        return ConversationState(
            demands=tuple(
                Demand(
                    message_id=int(d["id"]),
                    labels=frozenset(Label(name) for name in d["labels"]),
                    sender_key=_optional_str(d["sender"]),
                    sent_at=datetime.fromtimestamp(float(d["at"]), tz=UTC),
                    subject=_optional_str(d.get("subject")),
                    exempt=bool(d.get("exempt", False)),
                    apps=app_names(d["apps"] if isinstance(d.get("apps"), list) else ()),
                )
                for d in data.get("demands", [])
            ),
            seen=tuple(
                Seen(
                    message_id=int(s["id"]),
                    sender_key=_optional_str(s["sender"]),
                    sent_at=datetime.fromtimestamp(float(s["at"]), tz=UTC),
                    answers=None if s.get("answers") is None else int(s["answers"]),
                )
                for s in data.get("seen", [])
            ),
            senders=tuple(
                (str(key), SenderHistory(int(asks), int(answers)))
                for key, asks, answers in data.get("senders", [])
            ),
            handled=tuple(int(i) for i in data.get("handled", [])),
        )
    # OverflowError, OSError: a time no datetime holds
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as error:
        raise ValueError(f"damaged conversation state: {error}") from None


def _optional_str(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"not a string: {type(value).__name__}")
    return value
