"""Per-app counts of one group-week, and the digest's "apps" section built from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.apps.kinds import DemandKind


@dataclass(frozen=True, slots=True)
class AppWeek:
    """One app's counted (non-exempt) demands in one group-week."""

    demands: int = 0
    kinds: Mapping[DemandKind, int] = field(default_factory=dict)
    after_hours: int = 0


@dataclass(frozen=True, slots=True)
class AppSummary:
    """One app in a digest: this week's demands by kind, after hours, and the previous weeks."""

    app: str
    demands: int
    kinds: Mapping[DemandKind, int]
    after_hours: int
    trend: tuple[int, ...]
    """Demands in each of the previous weeks, the most recent first."""


def summarise_apps(
    current: Mapping[str, AppWeek], previous: Sequence[Mapping[str, AppWeek]]
) -> tuple[AppSummary, ...]:
    """Return this week's apps, most demanded first, each with its trend over ``previous``.

    An app demanded only in earlier weeks is listed with zero this week, so a leader sees a
    burden that stopped as well as one that started.
    """
    names = set(current)
    for week in previous:
        names.update(week)
    summaries = []
    for name in names:
        now = current.get(name, AppWeek())
        summaries.append(
            AppSummary(
                app=name,
                demands=now.demands,
                kinds={kind: now.kinds[kind] for kind in DemandKind if now.kinds.get(kind)},
                after_hours=now.after_hours,
                trend=tuple(week.get(name, AppWeek()).demands for week in previous),
            )
        )
    summaries.sort(key=lambda s: (-s.demands, -sum(s.trend), s.app))
    return tuple(summaries)
