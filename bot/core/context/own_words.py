"""Corrections on a message's own words that the conversation reading relies on."""

from __future__ import annotations

from bot.core.context.cues import CueText
from bot.core.context.model import InContext
from bot.core.context.verdict import context_hit, keep_links
from bot.core.labels import Label

# Report rules that read data entry or a vague object ("录入", "record every", "情况"), not a form.
_ENTRY_RULES = frozenset({"report.action", "report.weak_object"})


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


def paperless(decided: InContext, reading: CueText) -> InContext:
    """An asker's task that moves the work off paper into an app or system ("site diaries go in
    the app instead of paper", "纸质台账作废，以平台为准") pushes the app itself: app use is
    demanded whatever the work (the conventions' "use the app instead of paper"). Only on its
    own words, said as a task, an order or to the group (a member's answer is decided before)."""
    if decided.reason != "own" or Label.APP_DEMAND in decided.labels:
        return decided
    # the rare cue first: most texts hold none of its literals, so it costs no regex
    found = reading.search("paperless")
    if found is None or not (
        Label.TASK_PUSH in decided.labels
        or reading.search("directive")
        or reading.search("address")
    ):
        return decided
    added = (Label.TASK_PUSH, Label.APP_DEMAND)
    labels = decided.labels | frozenset(added)
    kept = decided.hits
    report = [hit for hit in kept if hit.label is Label.REPORT_DEMAND]
    if report and all(hit.rule in _ENTRY_RULES for hit in report):
        # the records entered are the app use itself ("录进平台", "log each delivery in …"), not
        # a form of their own
        labels -= {Label.REPORT_DEMAND}
        kept = tuple(hit for hit in kept if hit.label is not Label.REPORT_DEMAND)
    hits = kept + tuple(
        context_hit(label, "context.paperless", found.group(0), reading.text)
        for label in added
        if label not in decided.labels
    )
    return keep_links(decided, labels, hits)
