"""Repeated report demands in words: the most repeated subjects, capped (see core.repeats)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.aggregates import RepeatedReport
from bot.core.repeats import summarise_repeats
from bot.render.i18n import Translator
from bot.render.wording import joined


def repeated_subjects(_: Translator, repeats: Sequence[RepeatedReport]) -> str:
    """The subjects asked for again, most repeated first with their count (“表” ×3), at most
    ``SUBJECTS_SHOWN`` of them and how many more; "" when there were none."""
    summary = summarise_repeats(repeats)
    parts = [
        f"“{s.subject}” ×{s.repeats}" if s.repeats > 1 else f"“{s.subject}”"
        for s in summary.subjects
    ]
    if summary.subjects_not_shown:
        parts.append(_("… and {n} more subjects", n=summary.subjects_not_shown))
    return joined(_, parts)
