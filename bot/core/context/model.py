"""Value objects of conversation context: one message as context sees it, the group's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from operator import itemgetter
from typing import Any

from bot.core.classifier.model import Hit
from bot.core.fast_init import maker
from bot.core.labels import Label

_key = itemgetter(0)


class Attachment(StrEnum):
    """What a message carries besides its text (only the kind matters to context)."""

    PHOTO = "photo"
    VIDEO = "video"
    FILE = "file"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ContextMessage:
    """One group message as context needs it: no names, only a pseudonymous sender key."""

    message_id: int
    text: str
    sent_at: datetime
    sender_key: str | None = None
    reply_to: int | None = None
    attachment: Attachment | None = None
    forwarded: bool = False


@dataclass(frozen=True, slots=True)
class Demand:
    """A recent demand of the group: what it asked for, of whom, when. Never its text: the
    subject is a short key of the report subject, the sender a pseudonym."""

    message_id: int
    labels: frozenset[Label]
    sender_key: str | None
    sent_at: datetime
    subject: str | None = None
    exempt: bool = False
    apps: tuple[str, ...] = ()
    """The burden apps the demand was found to be about (names only), for chases naming none."""
    chases: int | None = None
    """The demand this one chased ("Checklist?" after a demand of photos and checklists): a
    later roll call naming nothing chases that whole demand, not the part this one named."""


@dataclass(frozen=True, slots=True)
class Seen:
    """A recent message that was not a demand, and the demand it answered (if any)."""

    message_id: int
    sender_key: str | None
    sent_at: datetime
    answers: int | None = None
    alarm: bool = False
    """The message raised a present danger ("坝脚渗水", "gas smell in the lobby"): orders
    shortly after it direct the response (see ``bot.core.context.emergency``)."""
    concern: bool = False
    """The message told of a person or place at risk in words that name no danger ("陈伯两天
    没出门了", "flushed and muddled"): an order replying to it at once directs the response."""


@dataclass(frozen=True, slots=True)
class SenderHistory:
    """How often a sender has asked (sent demands) and answered (replied to others' demands)."""

    asks: int = 0
    answers: int = 0


class StateIndex:
    """A set of a state's handled ids and a dict of its senders' entries (in the same order),
    so that neither is walked to find one id or one sender.

    ``advance`` brings the index of the state it starts from up to date in place and hands it
    to the state it makes: an index serves only the state whose ``handled`` tuple it holds
    (``advance`` makes a new tuple for every state it makes), and any other state that looks
    something up makes its own.
    """

    __slots__ = ("entries", "handled", "ids")

    def __init__(
        self, handled: tuple[int, ...], senders: tuple[tuple[str, SenderHistory], ...]
    ) -> None:
        self.handled = handled
        self.ids = set(handled)
        self.entries = dict(zip(map(_key, senders), senders, strict=True))

    def exact(self, state: ConversationState) -> bool:
        """Whether the index holds ``state`` entry for entry: a state ``advance`` made repeats
        no id and no sender; a stored one edited by hand might."""
        return len(self.ids) == len(state.handled) and len(self.entries) == len(state.senders)


@dataclass(frozen=True, slots=True)
class ConversationState:
    """What context remembers of one group: bounded, and holding no message text.

    ``demands`` and ``seen`` are oldest first; ``senders`` maps a sender key to its history, the
    most recently active last. ``handled`` are the ids already counted, so a redelivered or
    edited message does not move the history twice.
    """

    demands: tuple[Demand, ...] = ()
    seen: tuple[Seen, ...] = ()
    senders: tuple[tuple[str, SenderHistory], ...] = ()
    handled: tuple[int, ...] = ()
    _index: StateIndex | None = field(default=None, init=False, repr=False, compare=False)

    def index(self) -> StateIndex | None:
        """The look-up index of this state, made on first use; None for a state that repeats
        a handled id or a sender (``advance`` never makes one), which is walked instead."""
        index = self._index
        if index is not None and index.handled is self.handled:
            return index
        index = StateIndex(self.handled, self.senders)
        if not index.exact(self):
            return None
        # a cache of the fields' own contents: equality, the stored form and every look-up
        # stay what they were
        object.__setattr__(self, "_index", index)
        return index

    def history(self, sender_key: str | None) -> SenderHistory:
        """The history of ``sender_key`` (empty for an unknown or anonymous sender)."""
        if sender_key is None:
            return SenderHistory()
        index = self.index()
        if index is not None:
            entry = index.entries.get(sender_key)
            return SenderHistory() if entry is None else entry[1]
        # the first entry of the key, found by C-level list methods (a busy group holds hundreds)
        keys = list(map(_key, self.senders))
        if sender_key not in keys:
            return SenderHistory()
        return self.senders[keys.index(sender_key)][1]

    def demand(self, message_id: int) -> Demand | None:
        """The remembered demand with ``message_id``, if any."""
        return next((d for d in self.demands if d.message_id == message_id), None)

    def seen_message(self, message_id: int) -> Seen | None:
        """The remembered non-demand message with ``message_id``, if any."""
        return next((s for s in self.seen if s.message_id == message_id), None)


@dataclass(frozen=True, slots=True)
class InContext:
    """The labels of one message decided in its conversation, with the evidence.

    ``chases`` is the demand a chase or completing reply inherited from; ``answers`` the demand
    a member's message answered; ``role`` how the sender was read (asker, member or unknown).
    """

    labels: frozenset[Label]
    exempt: bool
    hits: tuple[Hit, ...]
    role: str
    chases: int | None = None
    answers: int | None = None
    reason: str = "own"
    acknowledgement: bool = False
    report_subject: str | None = None
    notes: tuple[str, ...] = field(default=())
    alarm: bool = False
    """The message speaks of a present danger (remembered with it; see :class:`Seen`)."""
    concern: bool = False
    """The message tells of a person or place at risk (remembered with it; see :class:`Seen`)."""


in_context = maker(InContext)
"""``InContext(...)`` with the same fields: the same value, made in a third of the time (the
frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` by name; context
makes a few per message, in the audit's and the webhook's critical path)."""
# the same for the entries ``advance`` adds to the state, one or two a message
new_demand = maker(Demand)
new_seen = maker(Seen)
new_history = maker(SenderHistory)
_new = object.__new__


_state_slots: tuple[Any, ...] = tuple(
    vars(ConversationState)[name].__set__
    for name in ("demands", "seen", "senders", "handled", "_index")
)
_demands, _seen, _senders, _handled, _state_index = _state_slots


def indexed_state(
    demands: tuple[Demand, ...],
    seen: tuple[Seen, ...],
    senders: tuple[tuple[str, SenderHistory], ...],
    handled: tuple[int, ...],
    index: StateIndex | None,
) -> ConversationState:
    """``ConversationState(demands, seen, senders, handled)`` holding ``index`` (which must
    hold ``handled`` and ``senders``), made like :func:`in_context`: ``advance`` makes one per
    message."""
    made: ConversationState = _new(ConversationState)
    _demands(made, demands)
    _seen(made, seen)
    _senders(made, senders)
    _handled(made, handled)
    _state_index(made, index)
    return made
