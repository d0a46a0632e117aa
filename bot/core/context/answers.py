"""Members answering a demand: their files, photos, progress, questions and 接龙 lines."""

from __future__ import annotations

from datetime import timedelta

from bot.core.classifier.model import Classification
from bot.core.context.cues import Cues
from bot.core.context.model import ContextMessage, ConversationState, Demand, InContext
from bot.core.context.verdict import NO_LABELS, SPECIFIC, revise
from bot.core.labels import Label

# A demand stays open for members' answers this long.
ANSWER_WINDOW = timedelta(days=30)
# "链接发一下": a member's terse request back to the asker.
_MEMBER_TERSE = 12


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


def continues_chain(text: str, cues: Cues) -> bool:
    """A 接龙 list with names added, not a request to start one."""
    return cues.entry.search(text) is not None and cues.chain_request.search(text) is None


def as_answer(
    message: ContextMessage,
    own: Classification,
    base: InContext,
    answered: Demand,
    cues: Cues,
    text: str,
) -> InContext:
    """A member's message while someone else's demand is open.

    It answers (and demands nothing) when it visibly relates to the demand: a reply, a file or
    photo not addressed to the whole group, their own part, a question, a 接龙 line, a terse
    request back. Otherwise its own words stand (a second asker's first notice).
    """
    same_kinds = own.labels & SPECIFIC <= answered.labels
    addresses = cues.address.search(text) is not None
    relates = (
        message.reply_to is not None
        # a file or photo addressed to the whole group is a notice, not a submission
        or (message.attachment is not None and not addresses)
        or cues.own_part.search(text) is not None
        or (cues.question.search(text) is not None and (same_kinds or not addresses))
        or (Label.ACK_DEMAND in answered.labels and continues_chain(text, cues))
        or (same_kinds and len(text) <= _MEMBER_TERSE and not addresses)
    )
    if not relates:
        return base
    return revise(base, NO_LABELS, (), "answer", answers=answered.message_id)
