"""Value objects of conversation context: one message as context sees it, the group's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from operator import itemgetter

from bot.core.classifier.model import Hit
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


@dataclass(frozen=True, slots=True)
class SenderHistory:
    """How often a sender has asked (sent demands) and answered (replied to others' demands)."""

    asks: int = 0
    answers: int = 0


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

    def history(self, sender_key: str | None) -> SenderHistory:
        """The history of ``sender_key`` (empty for an unknown or anonymous sender)."""
        if sender_key is None:
            return SenderHistory()
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
