"""Labels in context: one message, its own classification and the group's recent history.

The rules follow LABELS.md "In a conversation": a terse chase inherits the kinds of the demand it
chases (never its deadline; a chase of a bare acknowledgement stays an acknowledgement); a reply
can complete a demand (a deadline, a destination, a way to install the app); members answering a
demand (files, photos, progress, questions, 接龙 lines) demand nothing. Who asks and who answers
is learned from the group's own traffic, never from names or titles. Exemption follows "Exempt":
only while directing the response to a present danger.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.classifier.model import Classification
from bot.core.context.answers import as_answer, open_demand_of_others
from bot.core.context.chase import app_campaign, as_chase
from bot.core.context.cues import Cues, CueText, shipped_cues
from bot.core.context.emergency import (
    answers_demands,
    emergency_order,
    exemption,
    follows_alarm,
    replies_to_news,
    standing_order,
)
from bot.core.context.model import (
    ContextMessage,
    ConversationState,
    Demand,
    InContext,
    in_context,
)
from bot.core.context.own_words import data_chain, habit, urgent_order
from bot.core.context.verdict import WEAK
from bot.core.labels import Label

# A chase without a reply follows its demand: the sender's own within weeks, anyone's sooner.
FOLLOW_WINDOW = timedelta(hours=72)
OWN_FOLLOW_WINDOW = timedelta(days=30)
# An asker's reply to their own demand this long after it comes back to it: a chase, whatever
# its words ("Ward 3 and 6?", "名单上还有两个村" days later); sooner, it explains the demand.
LATE_REPLY = timedelta(hours=6)
# A bare question this short ("Ward 3 and 5??") after the sender's own demand asks after it.
_BARE_QUESTION = 25
_NO_TIME = timedelta(0)


def _target(
    message: ContextMessage, state: ConversationState, reading: CueText
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
    followed = _followed(message, state, reading)
    if followed is not None and followed.chases is not None and not reading.named_kinds():
        # a roll call after the sender's own chase of part of a demand ("Checklist?", then
        # "Today's the deadline. Ashby, Ridgeway") chases the whole demand, while it is held
        chased = state.demand(followed.chases)
        if chased is not None and chased.sender_key == followed.sender_key:
            return chased, "follows"
    return followed, "follows"


def _followed(
    message: ContextMessage, state: ConversationState, reading: CueText
) -> Demand | None:
    """The latest of the sender's own demands (else of anyone's recent ones), preferring one
    of a kind the message names. Read from the latest back: it stops at the first own demand
    of a named kind, which is the answer whatever older demands hold."""
    sent_at, message_id, sender = message.sent_at, message.message_id, message.sender_key
    named: frozenset[Label] | None = None
    last_own: Demand | None = None
    last_recent: Demand | None = None
    fitting_recent: Demand | None = None
    for demand in reversed(state.demands):
        age = sent_at - demand.sent_at
        if demand.message_id == message_id or age < _NO_TIME:
            continue
        if demand.exempt and demand.labels <= WEAK and not reading.search("danger"):
            # a roll call days later chases the paperwork, not an emergency order in between
            continue
        mine = demand.sender_key is not None and demand.sender_key == sender
        own = mine and age <= OWN_FOLLOW_WINDOW
        recent = age <= FOLLOW_WINDOW
        if not (own or recent):
            continue
        if named is None:
            named = reading.named_nouns()
        fits = bool(demand.labels & named)
        if own:
            if fits:
                return demand
            if last_own is None:
                last_own = demand
                if not named:
                    return demand
        if recent and last_own is None:
            if last_recent is None:
                last_recent = demand
            if fits and fitting_recent is None:
                fitting_recent = demand
    return last_own or fitting_recent or last_recent


def comes_back(message: ContextMessage, target: Demand, how: str, reading: CueText) -> str | None:
    """How ``message`` comes back to its sender's own demand ``target`` so that it chases it
    whatever its words, or None: a reply ``LATE_REPLY`` or more after it, or a bare question
    following it that asks nothing of its own ("Ward 3 and 5??", "Concreters? Steel fixers?").
    After an app demand a bare question is left to its words: it more often asks after the
    figures members report than after the app use (on the training threads it added app use
    wrongly four times and rightly never)."""
    if target.sender_key is None or target.sender_key != message.sender_key:
        return None
    if how == "reply" and message.sent_at - target.sent_at >= LATE_REPLY:
        return "its sender's reply to it, hours later"
    text = reading.text
    if (
        how == "follows"
        and Label.APP_DEMAND not in target.labels
        and len(text) <= _BARE_QUESTION
        and text.endswith(("?", "？"))
        and not reading.search("chatty")
    ):
        return "its sender's bare question after it"
    return None


def _role(message: ContextMessage, state: ConversationState) -> str:
    """``asker``, ``member`` or ``unknown`` (an anonymous sender), from the group's traffic."""
    if message.sender_key is None:
        return "unknown"
    history = state.history(message.sender_key)
    # An asker also answers members' questions; only someone who mostly answers is a member.
    if history.asks > 0 and history.answers <= 2 * history.asks:
        return "asker"
    return "member"


def _directs_response(base: InContext, reading: CueText) -> bool:
    """Whether an asker's message, on its own words, directs the response to a present danger
    (exempt, or immediate and naming a danger) and asks for nothing but the work: such an order
    starts a response; it neither chases nor completes the paperwork or app use before it."""
    if not base.labels <= WEAK or base.role == "member":
        return False
    if base.exempt:
        return True
    return bool(
        reading.search("immediacy") and reading.search("danger") and not reading.search("past")
    )


def _in_conversation(
    message: ContextMessage,
    own: Classification,
    base: InContext,
    state: ConversationState,
    reading: CueText,
) -> InContext:
    answered = open_demand_of_others(message, state)
    if base.role == "member" and answered is not None:
        return as_answer(message, own, base, answered, state, reading)
    if _directs_response(base, reading):
        return base
    target, how = _target(message, state, reading)
    if target is not None and base.role != "member":
        chased = as_chase(
            base, own, target, how, reading, comes_back(message, target, how, reading)
        )
        if chased is not None:
            return chased
        return app_campaign(base, target, reading)
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
    base = in_context(
        labels=own.labels,
        exempt=own.exempt,
        hits=own.hits,
        role=_role(message, state),
        acknowledgement=own.acknowledgement,
        report_subject=own.report_subject,
    )
    reading = cues.read(text)
    if message.forwarded:
        # A forwarded directive counts as it stands; forwarded news asks nothing.
        return exemption(urgent_order(base, text), message, state, reading)
    decided = habit(_in_conversation(message, own, base, state, reading), reading)
    if decided.reason == "own" and decided.labels == {Label.ACK_DEMAND}:
        decided = data_chain(decided, reading)
    if decided.reason == "own" and decided.labels <= WEAK and not reading.search("own_part"):
        # someone who answered a demand before (a deputy answering a question) and now tells
        # another sender, in reply to their fresh news of a danger, to act at once ("阿强即刻
        # 上去…封咗条走廊" to "窗玻璃爆咗…有住户喺走廊") directs the response all the same
        news = replies_to_news(message, state, reading)
        if (news or not answers_demands(decided, message, state)) and (
            # a sender with no history who tells no one to do anything ("紧急！楼道里全是烟",
            # "Big crack in the hall ceiling, class in there now") raises an alarm, gives no order
            decided.role != "member" or reading.search("directive")
        ):
            # an unknown sender's order after an alarm is more often a member's own news
            alarmed = news or (decided.role != "member" and follows_alarm(message, state))
            decided = emergency_order(decided, reading, alarmed)
    if decided.reason in ("own", "explains"):
        # during an emergency an asker's answer to a question ("让村干部背下来") is an order too
        decided = standing_order(decided, message, state, reading)
    decided = exemption(urgent_order(decided, text), message, state, reading)
    if reading.search("danger") and not reading.search("past"):
        decided = replace(decided, alarm=True)
    elif not decided.labels and reading.search("concern"):
        # remembered for a reply to it (``replies_to_news``); a demand is never news
        decided = replace(decided, concern=True)
    return decided
