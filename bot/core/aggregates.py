"""The per-group, per-week aggregates a store keeps and a digest reads. No chat logs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.core.apps.weekly import AppWeek
from bot.core.flags import FlagText
from bot.core.labels import Label
from bot.core.worktime import Band


@dataclass(frozen=True, slots=True)
class Evidence:
    """One short, redacted excerpt of a counted message, kept for a limited time."""

    message_id: int
    labels: tuple[Label, ...]
    local_time: str
    band: Band
    exempt: bool
    excerpt: str


@dataclass(frozen=True, slots=True)
class RepeatedReport:
    """A report demand that asked again for a form or data already asked for recently."""

    message_id: int
    subject: str


@dataclass(frozen=True, slots=True)
class FlagCounts:
    """Anonymous flags for one group-week: distinct members per kind, and the members' texts
    (at most one per member), in no particular order."""

    by_label: Mapping[Label, int] = field(default_factory=dict)
    texts: tuple[FlagText, ...] = ()
    by_app: Mapping[str, int] = field(default_factory=dict)
    """Distinct members who named each app in a flag."""


@dataclass(frozen=True, slots=True)
class WeekAggregate:
    """Everything counted for one group in one ISO week (in the group's time zone).

    ``labelled`` counts every labelled message, exempt ones included; ``counted`` holds only the
    non-exempt ones (what thresholds see), split by time band.
    """

    week: str
    messages: int = 0
    messages_by_band: Mapping[Band, int] = field(default_factory=dict)
    labelled: Mapping[Label, int] = field(default_factory=dict)
    exempt_labelled: Mapping[Label, int] = field(default_factory=dict)
    exempt_messages: int = 0
    counted: Mapping[tuple[Label, Band], int] = field(default_factory=dict)
    demands_by_band: Mapping[Band, int] = field(default_factory=dict)
    acknowledgements_by_band: Mapping[Band, int] = field(default_factory=dict)
    demand_hours: Mapping[int, int] = field(default_factory=dict)
    rest_days_with_demands: frozenset[date] = frozenset()
    senders_by_label: Mapping[Label, int] = field(default_factory=dict)
    demand_senders: int = 0
    repeated_reports: tuple[RepeatedReport, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    flags: FlagCounts = field(default_factory=FlagCounts)
    apps: Mapping[str, AppWeek] = field(default_factory=dict)
    """Counted app demands per app (burdens only)."""
    platforms: Mapping[str, int] = field(default_factory=dict)
    """Demands that used a platform only as the means of a form, meeting or sheet."""

    def counted_label(self, label: Label, *, outside_work_only: bool = False) -> int:
        """Non-exempt messages with ``label``; only those outside working time if asked."""
        return sum(
            count
            for (counted_label, band), count in self.counted.items()
            if counted_label is label and (band is not Band.WORK or not outside_work_only)
        )

    def counted_label_in(self, label: Label, band: Band) -> int:
        """Non-exempt messages with ``label`` sent in ``band``."""
        return self.counted.get((label, band), 0)

    @property
    def demands(self) -> int:
        """Non-exempt messages with at least one burden label."""
        return sum(self.demands_by_band.values())

    @property
    def outside_work_messages(self) -> int:
        """Messages sent outside working time, quiet hours included."""
        return sum(n for band, n in self.messages_by_band.items() if band is not Band.WORK)

    @property
    def outside_work_demands(self) -> int:
        """Non-exempt demands sent outside working time, quiet hours included."""
        return sum(n for band, n in self.demands_by_band.items() if band is not Band.WORK)

    @property
    def acknowledgements(self) -> int:
        """Members' own acknowledgement replies (response load)."""
        return sum(self.acknowledgements_by_band.values())
