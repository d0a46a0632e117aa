"""Exemption in context: only while a message directs the response to a present danger."""

from __future__ import annotations

from datetime import timedelta

from bot.core.classifier.model import Hit
from bot.core.context.cues import Cues
from bot.core.context.model import ContextMessage, ConversationState, InContext
from bot.core.context.verdict import PAPERWORK, context_hit, revise
from bot.core.labels import Label

# "立即报告" in an emergency order asks to raise the alarm, not for paperwork.
_NOTIFY = frozenset({"报告", "report", "report back"})
# Orders that follow an exempt order this closely direct the same response.
EMERGENCY_FOLLOW_UP = timedelta(hours=6)


def follows_own_emergency(message: ContextMessage, state: ConversationState) -> bool:
    """Whether the sender gave an exempt order within ``EMERGENCY_FOLLOW_UP`` before
    ``message``: their further orders then direct the same response."""
    for demand in reversed(state.demands):
        age = message.sent_at - demand.sent_at
        if age > EMERGENCY_FOLLOW_UP or age < timedelta(0):
            break
        if demand.exempt and demand.sender_key == message.sender_key:
            return True
    return False


def emergency_order(
    decided: InContext, cues: Cues, text: str, *, following: bool = False
) -> InContext:
    """An order to respond to a present danger ("路面塌陷…马上去拉警戒") that the words alone
    did not read as a demand: work, exempt, and urgent when it says "now".

    ``following`` says the sender's own exempt order came shortly before: then a danger word
    is enough ("Keep everyone upwind", "B座先别让人回去"), the urgency having been set already.
    """
    danger = cues.danger.search(text)
    immediacy = cues.immediacy.search(text)
    # After the sender's own exempt order, a danger word is enough for a further order, unless
    # the message thanks or looks back (an all-clear, not an order).
    follow_up = following and not cues.gratitude.search(text)
    if danger is None or not (immediacy or follow_up) or cues.past.search(text):
        return decided
    labels = frozenset({Label.TASK_PUSH}) | (decided.labels & {Label.URGENT_DEADLINE})
    if immediacy is not None:
        labels |= {Label.URGENT_DEADLINE}
    match = (immediacy or danger).group(0)
    hits = decided.hits + tuple(
        context_hit(label, "context.emergency_order", match, text)
        for label in sorted(labels - decided.labels)
    )
    return revise(decided, labels, hits, "emergency_order", exempt=True)


def _is_paperwork(hit: Hit) -> bool:
    """Evidence of a proof, report or app demand that is not a bare "report back" (立即报告)
    nor only the learned step's guess."""
    return (
        hit.label in PAPERWORK
        and not hit.rule.startswith("model.")
        and hit.match.strip().casefold() not in _NOTIFY
    )


def _with_exemption(decided: InContext, exempt: bool) -> InContext:
    return revise(
        decided,
        decided.labels,
        decided.hits,
        decided.reason,
        decided.chases,
        decided.answers,
        exempt=exempt,
    )


def exemption(decided: InContext, message: ContextMessage, state: ConversationState) -> InContext:
    """Exempt only while directing the response to the danger.

    Paperwork, photos or app use asked for in the same breath are the burden itself, so they
    are never exempt; an asker's further orders (only work, maybe urgent) shortly after their
    own exempt order belong to the same response.
    """
    if not decided.labels:
        return decided
    if any(_is_paperwork(hit) for hit in decided.hits):
        return _with_exemption(decided, exempt=False)
    if decided.exempt or decided.role == "member":
        return decided
    if follows_own_emergency(message, state):
        return _with_exemption(decided, exempt=True)
    return decided
