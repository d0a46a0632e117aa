"""How long the store keeps what it counted: part of privacy by design, set in the settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Retention:
    """How long aggregates, evidence and the report-repeat window last.

    No defaults here: they live in ``bot.config.settings.Settings`` (see ``Settings.retention``).
    """

    aggregate_weeks: int
    evidence_weeks: int
    evidence_per_label: int
    repeat_window_days: int
