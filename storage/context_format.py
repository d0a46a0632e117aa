"""The stored form of a group's conversation state: one entry at a time, positional JSON.

Version 2 (written now) is a JSON array ``[2, demands, seen, senders, handled]`` whose entries
are arrays in a fixed order:

  demand  ``[id, "<label codes>", sender|null, at, subject|null, exempt 0/1(, ["app", ...](, id of
          the demand it chased))]`` (the app list written, maybe empty, before a chased id)
  seen    ``[id, sender|null, at, answers|null(, 1 when it raised an alarm, 2 when it told of a
          person or place at risk)]``
  sender  ``["<sender key>", asks, answers]``
  handled ``id``

``at`` is Unix seconds (an integer for whole seconds, as Telegram sends them), label codes are
the storage codes of ``bot.core.labels`` (one character each), sender keys are the group's
pseudonyms and subjects are short keys: no words of any message. Each entry is encoded on its
own (``encode_*``), so a writer can keep the fragments of entries it has already encoded and
re-encode only the new ones (see ``storage.conversations``).

Version 1 (written before) is a JSON object; it is still read
(``bot.core.context.state_from_dict``), so states written by an older worker carry over.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.core.context import ConversationState, Demand, Seen, SenderHistory, state_from_dict
from bot.core.context.state import app_names
from bot.core.labels import LABEL_TABLE

VERSION = 2
_CODES = {spec.label: spec.code for spec in LABEL_TABLE}
_LABELS = {spec.code: spec.label for spec in LABEL_TABLE}
_quoted = json.dumps  # ASCII-only output: any key or app name is stored escaped


def _text(value: str | None) -> str:
    return "null" if value is None else _quoted(value)


def _at(value: datetime) -> str:
    seconds = value.timestamp()
    return str(int(seconds)) if seconds.is_integer() else repr(seconds)


def encode_demand(demand: Demand) -> str:
    """The stored fragment of one remembered demand."""
    codes = "".join(sorted(_CODES[label] for label in demand.labels))
    apps = f",{_quoted(list(demand.apps))}" if demand.apps or demand.chases is not None else ""
    # left out when None: older workers read six or seven fields and ignore an eighth
    chases = "" if demand.chases is None else f",{demand.chases}"
    return (
        f'[{demand.message_id},"{codes}",{_text(demand.sender_key)},{_at(demand.sent_at)},'
        f"{_text(demand.subject)},{int(demand.exempt)}{apps}{chases}]"
    )


def encode_seen(seen: Seen) -> str:
    """The stored fragment of one remembered message that was not a demand."""
    answers = "null" if seen.answers is None else str(seen.answers)
    # left out when false: older workers read four fields, and read an alarm only in a 1
    alarm = ",1" if seen.alarm else ",2" if seen.concern else ""
    return f"[{seen.message_id},{_text(seen.sender_key)},{_at(seen.sent_at)},{answers}{alarm}]"


def encode_sender(entry: tuple[str, SenderHistory]) -> str:
    """The stored fragment of one sender's history."""
    key, history = entry
    return f"[{_quoted(key)},{history.asks},{history.answers}]"


def encode_handled(message_id: int) -> str:
    """The stored fragment of one handled message id."""
    return str(message_id)


def assemble(sections: Sequence[Sequence[str]]) -> bytes:
    """The stored bytes from the fragments of the four sections (demands, seen, senders,
    handled), each in state order."""
    demands, seen, senders, handled = (",".join(fragments) for fragments in sections)
    return f"[{VERSION},[{demands}],[{seen}],[{senders}],[{handled}]]".encode()


def encode(state: ConversationState) -> bytes:
    """The stored form of ``state``, every entry encoded afresh."""
    return assemble(
        (
            list(map(encode_demand, state.demands)),
            list(map(encode_seen, state.seen)),
            list(map(encode_sender, state.senders)),
            list(map(encode_handled, state.handled)),
        )
    )


def decode(raw: bytes | str) -> ConversationState:
    """The state stored as ``raw`` (version 2, or version 1 written by an older worker).

    Raises ``ValueError`` when ``raw`` is not a state this module can read: a damaged state
    is the caller's to drop.
    """
    data = json.loads(raw)
    if isinstance(data, dict):
        return state_from_dict(data)
    if not isinstance(data, list) or len(data) != 5 or data[0] != VERSION:
        raise ValueError("not a stored conversation state")
    try:
        return _from_sections(data[1], data[2], data[3], data[4])
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, OSError) as error:
        raise ValueError(f"damaged conversation state: {error!r}") from None


def _from_sections(demands: Any, seen: Any, senders: Any, handled: Any) -> ConversationState:
    return ConversationState(
        demands=tuple(
            Demand(
                message_id=_id(d[0]),
                labels=frozenset(_LABELS[code] for code in _str(d[1])),
                sender_key=_optional(d[2]),
                sent_at=_time(d[3]),
                subject=_optional(d[4]),
                exempt=bool(d[5]),
                apps=app_names(map(_str, d[6])) if len(d) > 6 else (),
                chases=_id(d[7]) if len(d) > 7 and d[7] is not None else None,
            )
            for d in demands
        ),
        seen=tuple(
            Seen(
                message_id=_id(s[0]),
                sender_key=_optional(s[1]),
                sent_at=_time(s[2]),
                answers=None if s[3] is None else _id(s[3]),
                alarm=len(s) > 4 and s[4] == 1,
                concern=len(s) > 4 and s[4] == 2,
            )
            for s in seen
        ),
        senders=tuple(
            (_str(key), SenderHistory(_id(asks), _id(answers))) for key, asks, answers in senders
        ),
        handled=tuple(map(_id, handled)),
    )


def _id(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string: {value!r}")
    return value


def _optional(value: object) -> str | None:
    return None if value is None else _str(value)


def _time(value: object) -> datetime:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    return datetime.fromtimestamp(value, tz=UTC)
