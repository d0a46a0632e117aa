"""Corrections on a message's own words that the conversation reading relies on."""

from __future__ import annotations

from bot.core.context.cues import CueText
from bot.core.context.model import InContext
from bot.core.context.verdict import context_hit, keep_links
from bot.core.labels import Label


def urgent_order(decided: InContext, text: str) -> InContext:
    """Immediacy alone ("马上把单元门围起来") still sets someone to work."""
    if decided.labels != {Label.URGENT_DEADLINE}:
        return decided
    hit = context_hit(Label.TASK_PUSH, "context.urgent_order", text[:40], text)
    return keep_links(decided, decided.labels | {Label.TASK_PUSH}, (*decided.hits, hit))


def habit(decided: InContext, reading: CueText) -> InContext:
    """A recurring time ("每天晚上8点前发群里") is a habit, not an urgent deadline, unless the
    deadline itself is today's."""
    if Label.URGENT_DEADLINE not in decided.labels or not reading.search("recurring"):
        return decided
    urgent = [h for h in decided.hits if h.label is Label.URGENT_DEADLINE]
    if any(reading.cues.sameday.search(h.match) for h in urgent):
        return decided
    labels = decided.labels - {Label.URGENT_DEADLINE}
    hits = tuple(h for h in decided.hits if h.label is not Label.URGENT_DEADLINE)
    return keep_links(decided, labels, hits)


def data_chain(decided: InContext, reading: CueText) -> InContext:
    """A 接龙 started with fields to fill in ("格式：单位+姓名") collects data: a report demand
    and a task, besides the chain."""
    if not (reading.search("chain_request") and reading.search("chain_data")):
        return decided
    added = (Label.TASK_PUSH, Label.REPORT_DEMAND)
    match = reading.search("chain_data")
    hits = decided.hits + tuple(
        context_hit(label, "context.data_chain", match.group(0) if match else "", reading.text)
        for label in added
    )
    return keep_links(decided, decided.labels | frozenset(added), hits)
