"""Members answering a demand: their files, photos, progress, questions and 接龙 lines."""

from __future__ import annotations

from datetime import timedelta

from bot.core.classifier.model import Classification
from bot.core.context.cues import CueText
from bot.core.context.model import ContextMessage, ConversationState, Demand, InContext
from bot.core.context.verdict import NO_LABELS, SPECIFIC, revise
from bot.core.labels import Label

# A demand stays open for members' answers this long.
ANSWER_WINDOW = timedelta(days=30)
# "链接发一下": a member's terse request back to the asker.
_MEMBER_TERSE = 12
# A member's caption under their own file or photo is short; a notice with a file is not.
_CAPTION = 60


def open_demand_of_others(message: ContextMessage, state: ConversationState) -> Demand | None:
    """The demand of someone else that ``message`` may answer: the one it replies to, else the
    latest still open."""
    if message.reply_to is not None:
        replied = state.demand(message.reply_to)
        if replied is not None and replied.sender_key != message.sender_key:
            return replied
    for demand in reversed(state.demands):
        if demand.sender_key == message.sender_key or demand.message_id == message.message_id:
            continue
        if timedelta(0) <= message.sent_at - demand.sent_at <= ANSWER_WINDOW:
            return demand
    return None


def _replies_within(message: ContextMessage, answered: Demand, state: ConversationState) -> bool:
    """Whether ``message`` replies to the demand or to an answer of it. A reply to anything else
    (a member's report of an incident) is a conversation of its own: an order given there is
    not an answer to an older demand."""
    if message.reply_to is None:
        return False
    if message.reply_to == answered.message_id:
        return True
    seen = state.seen_message(message.reply_to)
    return seen is None or seen.answers == answered.message_id


def continues_chain(reading: CueText) -> bool:
    """A 接龙 list with names added, not a request to start one."""
    return reading.search("entry") is not None and reading.search("chain_request") is None


def as_answer(
    message: ContextMessage,
    own: Classification,
    base: InContext,
    answered: Demand,
    state: ConversationState,
    reading: CueText,
) -> InContext:
    """A member's message while someone else's demand is open.

    It answers (and demands nothing) when it visibly relates to the demand: a reply, a file or
    photo not addressed to the whole group, their own part, a question, a 接龙 line, a terse
    request back. Otherwise its own words stand (a second asker's first notice).
    """
    same_kinds = own.labels & SPECIFIC <= answered.labels
    addresses = reading.search("address") is not None
    relates = (
        _replies_within(message, answered, state)
        # a file or photo addressed to the whole group, or under a long notice, is not a
        # submission
        or (message.attachment is not None and not addresses and len(reading.text) <= _CAPTION)
        or reading.search("own_part") is not None
        or (reading.search("question") is not None and (same_kinds or not addresses))
        or (Label.ACK_DEMAND in answered.labels and continues_chain(reading))
        or (same_kinds and len(reading.text) <= _MEMBER_TERSE and not addresses)
    )
    if not relates:
        return base
    return revise(base, NO_LABELS, (), "answer", answers=answered.message_id)
