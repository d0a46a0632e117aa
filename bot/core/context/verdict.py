"""Building blocks of a decision in context: label groups, revised verdicts, context hits."""

from __future__ import annotations

from bot.core.classifier.model import Hit
from bot.core.context.model import InContext, in_context
from bot.core.labels import Label

SPECIFIC = frozenset({Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND, Label.ACK_DEMAND})
"""The kinds of demand a chase can inherit."""
WEAK = frozenset({Label.TASK_PUSH, Label.URGENT_DEADLINE})
"""Labels that say work is asked for, not what work."""
PAPERWORK = frozenset({Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND})
"""Traces, forms and app use: the burdens an emergency never excuses."""
NO_LABELS: frozenset[Label] = frozenset()


def context_hit(label: Label, rule: str, match: str, text: str) -> Hit:
    """Evidence that ``label`` comes from the conversation (it spans the whole message)."""
    return Hit(label, rule, match, 0, len(text))


def revise(
    base: InContext,
    labels: frozenset[Label],
    hits: tuple[Hit, ...],
    reason: str,
    chases: int | None = None,
    answers: int | None = None,
    exempt: bool | None = None,
) -> InContext:
    """``base`` with new labels and evidence; a message without labels is never exempt."""
    return in_context(
        labels=labels,
        exempt=(base.exempt if exempt is None else exempt) and bool(labels),
        hits=hits,
        role=base.role,
        chases=chases,
        answers=answers,
        reason=reason,
        acknowledgement=base.acknowledgement,
        report_subject=base.report_subject,
    )


def keep_links(decided: InContext, labels: frozenset[Label], hits: tuple[Hit, ...]) -> InContext:
    """``decided`` with new labels and evidence, keeping its reason and the messages it links."""
    return revise(decided, labels, hits, decided.reason, decided.chases, decided.answers)
