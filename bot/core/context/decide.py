"""Labels in context: one message, its own classification and the group's recent history.

The rules follow LABELS.md "In a conversation": a terse chase inherits the kinds of the demand it
chases (never its deadline; a chase of a bare acknowledgement stays an acknowledgement); a reply
can complete a demand (a deadline, a destination, a way to install the app); members answering a
demand (files, photos, progress, questions, 接龙 lines) demand nothing. Who asks and who answers
is learned from the group's own traffic, never from names or titles. Exemption follows "Exempt":
only while directing the response to a present danger.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.classifier.model import Classification
from bot.core.context.answers import as_answer, open_demand_of_others
from bot.core.context.chase import app_campaign, as_chase
from bot.core.context.cues import Cues, shipped_cues
from bot.core.context.emergency import emergency_order, exemption
from bot.core.context.model import ContextMessage, ConversationState, Demand, InContext
from bot.core.context.own_words import data_chain, habit, urgent_order
from bot.core.context.verdict import WEAK
from bot.core.labels import Label

# A chase without a reply follows its demand: the sender's own within weeks, anyone's sooner.
FOLLOW_WINDOW = timedelta(hours=72)
OWN_FOLLOW_WINDOW = timedelta(days=30)


def _target(
    message: ContextMessage, state: ConversationState, cues: Cues, text: str
) -> tuple[Demand | None, str]:
    """The demand ``message`` may chase or complete, and how it reaches it: ``reply`` (replies to
    the demand), ``answer`` (replies to an answer to it) or ``follows``. Following, the sender's
    own latest demand comes first, and among those one of the kind the message names."""
    if message.reply_to is not None:
        demand = state.demand(message.reply_to)
        if demand is not None:
            return demand, "reply"
        seen = state.seen_message(message.reply_to)
        if seen is not None and seen.answers is not None:
            answered = state.demand(seen.answers)
            if answered is not None:
                return answered, "answer"
    own: list[Demand] = []
    recent: list[Demand] = []
    for demand in state.demands:
        age = message.sent_at - demand.sent_at
        if demand.message_id == message.message_id or age < timedelta(0):
            continue
        mine = demand.sender_key is not None and demand.sender_key == message.sender_key
        if mine and age <= OWN_FOLLOW_WINDOW:
            own.append(demand)
        if age <= FOLLOW_WINDOW:
            recent.append(demand)
    chosen = own or recent
    if not chosen:
        return None, "follows"
    named = cues.named_nouns(text)
    fitting = [demand for demand in chosen if demand.labels & named]
    return (fitting or chosen)[-1], "follows"


def _role(message: ContextMessage, state: ConversationState) -> str:
    """``asker``, ``member`` or ``unknown`` (an anonymous sender), from the group's traffic."""
    if message.sender_key is None:
        return "unknown"
    history = state.history(message.sender_key)
    # An asker also answers members' questions; only someone who mostly answers is a member.
    if history.asks > 0 and history.answers <= 2 * history.asks:
        return "asker"
    return "member"


def _in_conversation(
    message: ContextMessage,
    own: Classification,
    base: InContext,
    state: ConversationState,
    cues: Cues,
    text: str,
) -> InContext:
    answered = open_demand_of_others(message, state)
    if base.role == "member" and answered is not None:
        return as_answer(message, own, base, answered, state, cues, text)
    target, how = _target(message, state, cues, text)
    if target is not None and base.role != "member":
        chased = as_chase(base, own, target, how, cues, text)
        if chased is not None:
            return chased
        return app_campaign(base, target, cues, text)
    return base


def decide(
    message: ContextMessage,
    own: Classification,
    state: ConversationState,
    folded: str | None = None,
    cues: Cues | None = None,
) -> InContext:
    """Decide the labels of ``message`` in its conversation; pure and deterministic.

    ``own`` is the message's classification on its own words (``Classifier.classify``),
    ``state`` what the group's recent traffic left (see :func:`bot.core.context.advance`),
    ``folded`` the text as ``Classifier.normalise`` folds it (simplified Chinese, lower case),
    so the cues read traditional and simplified alike.
    """
    cues = cues or shipped_cues()
    text = (message.text if folded is None else folded).strip()
    base = InContext(
        labels=own.labels,
        exempt=own.exempt,
        hits=own.hits,
        role=_role(message, state),
        acknowledgement=own.acknowledgement,
        report_subject=own.report_subject,
    )
    if message.forwarded:
        # A forwarded directive counts as it stands; forwarded news asks nothing.
        return exemption(urgent_order(base, text), message, state)
    decided = habit(_in_conversation(message, own, base, state, cues, text), cues, text)
    if decided.reason == "own" and decided.labels == {Label.ACK_DEMAND}:
        decided = data_chain(decided, cues, text)
    if decided.reason == "own" and decided.labels <= WEAK and not cues.own_part.search(text):
        decided = emergency_order(decided, cues, text)
    return exemption(urgent_order(decided, text), message, state)
