"""Repeated report demands of one week, summarised and capped for reports.

A busy group asks for the same forms again and again: one generated week of a large export held
2,530 repeated requests, and listing every one made the JSON report 26 MB. Reports show a ranked,
bounded selection plus a summary that still counts every repeat.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.aggregates import RepeatedReport

REPEATS_SHOWN = 50
"""Repeated requests listed per week (the summary counts all of them)."""
SUBJECTS_SHOWN = 10
"""Distinct subjects named per week in the summary and the written reports."""


@dataclass(frozen=True, slots=True)
class SubjectRepeats:
    """One subject asked for again, and how many times in the week."""

    subject: str
    repeats: int


@dataclass(frozen=True, slots=True)
class RepeatSummary:
    """A week's repeated report demands: every one counted, a ranked few kept.

    ``shown`` holds at most ``REPEATS_SHOWN`` requests, those of the most repeated subjects
    first (earliest message first within a subject); ``subjects`` the ``SUBJECTS_SHOWN`` most
    repeated subjects with their counts.
    """

    total: int
    distinct_subjects: int
    shown: tuple[RepeatedReport, ...]
    subjects: tuple[SubjectRepeats, ...]

    @property
    def subjects_not_shown(self) -> int:
        """Distinct subjects left out of ``subjects``."""
        return self.distinct_subjects - len(self.subjects)


def summarise_repeats(
    repeats: Sequence[RepeatedReport],
    limit: int = REPEATS_SHOWN,
    subject_limit: int = SUBJECTS_SHOWN,
) -> RepeatSummary:
    """Rank ``repeats`` by how often their subject was asked for again (then by subject and
    message id, so the result does not depend on input order) and keep ``limit`` of them."""
    counts = Counter(r.subject for r in repeats)
    ranked = sorted(repeats, key=lambda r: (-counts[r.subject], r.subject, r.message_id))
    subjects = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:subject_limit]
    return RepeatSummary(
        total=len(repeats),
        distinct_subjects=len(counts),
        shown=tuple(ranked[:limit]),
        subjects=tuple(SubjectRepeats(subject, n) for subject, n in subjects),
    )
