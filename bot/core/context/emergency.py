"""Exemption in context: only while a message directs the response to a present danger."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from bot.core.classifier.model import Hit
from bot.core.context.cues import CueText
from bot.core.context.model import ContextMessage, ConversationState, Demand, InContext, Seen
from bot.core.context.verdict import PAPERWORK, context_hit, revise
from bot.core.labels import Label

# "立即报告" in an emergency order asks to raise the alarm, not for paperwork.
_NOTIFY = frozenset({"报告", "report", "report back"})
# Orders that follow an exempt order this closely direct the same response.
EMERGENCY_FOLLOW_UP = timedelta(hours=6)
# An asker's order this soon after a present danger was raised directs the response to it.
ALARM_FOLLOW_UP = timedelta(hours=1)
_Dated = TypeVar("_Dated", Seen, Demand)


def answers_demands(decided: InContext, message: ContextMessage, state: ConversationState) -> bool:
    """Whether the sender is a member known to answer demands: their alarm ("紧急！楼道里全是
    烟") raises the danger, it does not direct the response. (A sender with no history yet is
    read as a member too, and may well be the one giving orders: ``decide`` then asks their
    words to tell someone to do something.)"""
    return decided.role == "member" and state.history(message.sender_key).answers > 0


def _lately(entries: Sequence[_Dated], sent_at: datetime, window: timedelta) -> Iterator[_Dated]:
    """The entries (oldest first) sent within ``window`` before ``sent_at``, newest first."""
    for entry in reversed(entries):
        age = sent_at - entry.sent_at
        if age > window:
            return
        if age >= timedelta(0):
            yield entry


def no_response(reading: CueText) -> bool:
    """Whether an order, however close to an emergency, is no response to a present danger:
    its content is routine (a roster or duty presence, a count, a form or a written report,
    photos or publicity, a drill, an inspection, a meeting, a plan, paperwork, normal work),
    it sets a later day, or it stands the danger down (an all-clear, a false alarm, "carry
    on") or calls work off ("visits tomorrow cancelled").
    LABELS.md "Exempt" names these burdens as never exempt; context only lends exemption to
    orders whose words leave it open."""
    return (
        reading.search("routine") is not None
        or reading.search("stand_down") is not None
        # a later day ("下周", "Saturday") acts on no present danger
        or reading.search("later_day") is not None
    )


def follows_alarm(message: ContextMessage, state: ConversationState) -> bool:
    """Whether a present danger was raised within ``ALARM_FOLLOW_UP`` before ``message``: by a
    message speaking of it (a member's "坝脚渗水了", an asker's warning) or an exempt order."""
    at = message.sent_at
    return any(seen.alarm for seen in _lately(state.seen, at, ALARM_FOLLOW_UP)) or any(
        demand.exempt for demand in _lately(state.demands, at, ALARM_FOLLOW_UP)
    )


def replies_to_news(message: ContextMessage, state: ConversationState, reading: CueText) -> bool:
    """Whether ``message`` tells someone to act (the ``directive`` cue) in reply, within
    ``ALARM_FOLLOW_UP``, to another sender's message that answered no demand and told of a
    person or place at risk ("Resident in 14 says her neighbour hasn't been seen for two
    days"), whose words need not name a danger. With an immediacy, such an order directs the
    response to it."""
    if message.reply_to is None or not reading.search("directive"):
        return False
    seen = state.seen_message(message.reply_to)
    return (
        seen is not None
        # news of a person or place at risk, not any news: "收割机差两台" or "the printer is
        # jammed again" is work, whatever the hurry of the reply
        and (seen.alarm or seen.concern)
        and seen.sender_key != message.sender_key
        and seen.answers is None
        and timedelta(0) <= message.sent_at - seen.sent_at <= ALARM_FOLLOW_UP
    )


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


def during_emergency(message: ContextMessage, state: ConversationState) -> bool:
    """Whether ``message`` comes while an emergency is being responded to: within
    ``EMERGENCY_FOLLOW_UP`` of its sender's own exempt order, or ``ALARM_FOLLOW_UP`` of an
    alarm."""
    return follows_own_emergency(message, state) or follows_alarm(message, state)


def emergency_order(decided: InContext, reading: CueText, alarmed: bool = False) -> InContext:
    """An order to respond to a present danger ("路面塌陷…马上去拉警戒"; "Call EMS now" just
    after an alarm, ``alarmed``) that the words alone did not read as a demand: work, urgent
    and exempt."""
    if (
        not reading.search("immediacy")
        or not (alarmed or reading.search("danger"))
        or reading.search("past")
        # an all-clear ("We can go back in now", "carry on for now") orders no response
        or reading.search("stand_down")
    ):
        return decided
    labels = frozenset({Label.TASK_PUSH, Label.URGENT_DEADLINE})
    # a routine order given in a hurry ("马上开个会") is still an order, but no response
    exempt = decided.exempt or not no_response(reading)
    match = reading.search("immediacy")
    hits = decided.hits + tuple(
        context_hit(
            label, "context.emergency_order", match.group(0) if match else "", reading.text
        )
        for label in sorted(labels - decided.labels)
    )
    return revise(decided, labels, hits, "emergency_order", exempt=exempt)


def standing_order(
    decided: InContext, message: ContextMessage, state: ConversationState, reading: CueText
) -> InContext:
    """An asker's order during an emergency that their words alone did not read as a demand
    ("留两个人在现场看着", "Keep the public back till the fire service arrive"): within
    ``EMERGENCY_FOLLOW_UP`` of their own exempt order, or ``ALARM_FOLLOW_UP`` of an alarm, what
    they tell the group to do ("directive" words) directs the response. A question, their own
    part, a thanks or something past is no order; nor is a report ("电力恢复", "All clear")."""
    if (
        decided.labels
        or (decided.role != "asker" and not replies_to_news(message, state, reading))
        or reading.search("question")
        or reading.search("own_part")
        or reading.search("past")
        or reading.search("thanks")
        or not reading.search("directive")
        or no_response(reading)
        or not during_emergency(message, state)
    ):
        return decided
    match = "order during the emergency raised just before"
    hits: tuple[Hit, ...] = (
        context_hit(Label.TASK_PUSH, "context.emergency_follow_up", match, reading.text),
    )
    labels = frozenset({Label.TASK_PUSH})
    hurry = reading.search("immediacy") or reading.search("sameday")
    if hurry is not None:
        # "联系交警和清障，尽快把车拖走", "今晚必须恢复供水": the response has a deadline too
        labels = labels | {Label.URGENT_DEADLINE}
        hits += (
            context_hit(
                Label.URGENT_DEADLINE, "context.emergency_follow_up", hurry.group(0), reading.text
            ),
        )
    return revise(decided, labels, hits, "emergency_follow_up", exempt=True)


def _is_paperwork(hit: Hit, reading: CueText) -> bool:
    """Evidence of a proof, report or app demand that is not a bare "report back" (立即报告):
    a report is raised at once, so without an immediacy "报告" asks for a written one
    ("写分析报告，明天下班前").

    The learned step's evidence counts too: an order that the model reads as asking for a form
    or photos is paperwork, and paperwork is never exempt (wrongly exempting it hides a burden
    from the digest, the costlier error)."""
    if hit.label not in PAPERWORK:
        return False
    return hit.match.strip().casefold() not in _NOTIFY or reading.search("immediacy") is None


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


def exemption(
    decided: InContext, message: ContextMessage, state: ConversationState, reading: CueText
) -> InContext:
    """Exempt only while directing the response to the danger.

    Paperwork, photos, app use or an acknowledgement asked for in the same breath are the
    burden itself, so they are never exempt; an asker's further orders (only work, maybe
    urgent) shortly after their own exempt order belong to the same response, and so do an
    asker's orders shortly after an alarm.
    """
    if not decided.labels:
        return decided
    if Label.ACK_DEMAND in decided.labels or any(
        _is_paperwork(hit, reading) for hit in decided.hits
    ):
        # "reply here when you arrive", "收到请回复": a check-in is the burden itself
        return _with_exemption(decided, exempt=False)
    if decided.exempt or no_response(reading):
        return decided
    if decided.role == "member" and not replies_to_news(message, state, reading):
        return decided
    if during_emergency(message, state):
        return _with_exemption(decided, exempt=True)
    return decided
