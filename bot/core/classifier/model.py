"""Value objects the burden classifier returns."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.labels import Label


@dataclass(frozen=True, slots=True)
class Hit:
    """Evidence for one label: which rule fired on which span of the original text."""

    label: Label
    rule: str
    match: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Classification:
    """The labels of one message, with the evidence for each of them."""

    labels: frozenset[Label]
    exempt: bool
    hits: tuple[Hit, ...]
    exempt_rule: str | None
    acknowledgement: bool
    report_subject: str | None
    truncated: bool = False
    """Whether only the first :data:`~bot.core.classifier.engine.MAX_ANALYSED_CHARS`
    characters were analysed (the hits then all lie in that opening part)."""
