"""Leaders' roll-up: a unit's groups ranked by burden, from weekly aggregates only.

A county or street leader oversees dozens of groups. The roll-up of one week takes each group's
weekly digest (itself a pure function of aggregates) and adds:

- a **burden score** per group, so groups can be ranked::

      score = demands + 2 x after-hours demands + 3 x rest days with demands
              + 3 x metrics at "warn" + 10 x metrics at "alert"
              + 5 if after-hours pushes are routine

  Every demand counts once, one sent outside working time counts three times in all, a rest day
  with demands adds as much as three more demands; thresholds crossed weigh most, so a group
  over its thresholds ranks above a busy group within them. All inputs are in the digest.
- totals over the unit's groups for this week and the previous four (the trend sums messages,
  demands and after-hours demands; "over" and app demands are counted for the roll-up week);
- which groups are over thresholds, which have routine after-hours pushes;
- which apps burden the most groups;
- anonymous flag counts, only for groups whose flags meet the anonymity minimum (the digest
  already withholds the rest), and a total over those groups only.

Pure: the same digests give the same roll-up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.aggregates import WeekAggregate
from bot.core.apps import AppSummary, DemandKind
from bot.core.digest import Status, WeekDigest
from bot.core.labels import Label
from bot.core.metrics import MetricId

SCORE_WEIGHTS: Mapping[str, int] = {
    "demand": 1,
    "after_hours_demand": 2,
    "rest_day": 3,
    "warn": 3,
    "alert": 10,
    "routine": 5,
}
"""The weights of the burden score (module docstring); documented, not tuned per deployment."""


def burden_score(digest: WeekDigest) -> int:
    """The documented burden score of one group-week (see the module docstring)."""
    w = SCORE_WEIGHTS
    warn = sum(1 for m in digest.metrics if m.status is Status.WARN)
    alert = sum(1 for m in digest.metrics if m.status is Status.ALERT)
    return (
        w["demand"] * digest.demands
        + w["after_hours_demand"] * digest.after_hours_demands
        + w["rest_day"] * len(digest.rest_day_demand_days)
        + w["warn"] * warn
        + w["alert"] * alert
        + (w["routine"] if digest.routine else 0)
    )


@dataclass(frozen=True, slots=True)
class GroupLine:
    """One group in a roll-up week."""

    group_id: int
    name: str
    unit: str | None
    score: int
    status: Status
    routine: bool
    over: tuple[MetricId, ...]
    """Metrics at warn or alert, worst first."""
    metrics: Mapping[MetricId, float]
    demands: int
    after_hours_demands: int
    apps: Mapping[str, int]
    flags: Mapping[Label, int] | None
    """Flag counts per kind; None when fewer members than the minimum flagged (or none)."""


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over a unit's groups for one week."""

    week: str
    groups: int = 0
    active_groups: int = 0
    demands: int = 0
    after_hours_demands: int = 0
    app_demands: int | None = 0
    over: int | None = 0
    """Groups over a threshold; None in trend weeks, which sum headline counts only."""


@dataclass(frozen=True, slots=True)
class AppBurden:
    """One app across a unit: how many groups it burdens, with how many demands of which kind."""

    app: str
    groups: int
    demands: int
    after_hours: int
    kinds: Mapping[DemandKind, int]


@dataclass(frozen=True, slots=True)
class RollupWeek:
    """A unit's week: groups ranked by score, totals with trend, apps, shown flags."""

    week: str
    unit: str | None
    groups: tuple[GroupLine, ...]
    totals: Totals
    trend: tuple[Totals, ...]
    """The previous weeks' totals, the most recent first."""
    apps: tuple[AppBurden, ...]
    flags_shown: Mapping[Label, int] = field(default_factory=dict)
    flag_groups: int = 0
    """How many groups met the anonymity minimum (only their flags are in ``flags_shown``)."""

    @property
    def over(self) -> tuple[GroupLine, ...]:
        """Groups with at least one metric over its threshold."""
        return tuple(g for g in self.groups if g.status is not Status.OK)

    @property
    def routine(self) -> tuple[GroupLine, ...]:
        """Groups whose after-hours task pushes are routine."""
        return tuple(g for g in self.groups if g.routine)


@dataclass(frozen=True, slots=True)
class GroupWeeks:
    """One group's digest of the roll-up week and its totals of the previous weeks."""

    digest: WeekDigest
    unit: str | None
    previous: Sequence[Totals]
    """This group's own totals of the previous weeks, the most recent first."""


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """What the roll-up keeps of one group: its line, totals, trend totals and apps.

    Small on purpose: a roll-up over thousands of groups summarises each digest and drops it.
    """

    line: GroupLine
    totals: Totals
    previous: Sequence[Totals]
    apps: Sequence[AppSummary]


def summarise_group(item: GroupWeeks) -> GroupSummary:
    """Reduce one group's digest to what the roll-up needs."""
    apps = tuple(app for app in item.digest.apps if app.demands)
    return GroupSummary(_line(item), group_totals(item.digest), tuple(item.previous), apps)


def group_totals(digest: WeekDigest) -> Totals:
    """One group's contribution to a unit's totals."""
    return Totals(
        week=digest.week,
        groups=1,
        active_groups=1 if digest.messages else 0,
        demands=digest.demands,
        after_hours_demands=digest.after_hours_demands,
        app_demands=sum(app.demands for app in digest.apps),
        over=1 if digest.status is not Status.OK else 0,
    )


def aggregate_totals(aggregate: WeekAggregate) -> Totals:
    """One group's trend contribution for an earlier week, straight from its aggregate."""
    return Totals(
        week=aggregate.week,
        groups=1,
        active_groups=1 if aggregate.messages else 0,
        demands=aggregate.demands,
        after_hours_demands=aggregate.outside_work_demands,
        app_demands=None,
        over=None,
    )


def _add(a: Totals, b: Totals) -> Totals:
    over = None if a.over is None or b.over is None else a.over + b.over
    apps = (
        None if a.app_demands is None or b.app_demands is None else a.app_demands + b.app_demands
    )
    return Totals(
        week=a.week,
        groups=a.groups + b.groups,
        active_groups=a.active_groups + b.active_groups,
        demands=a.demands + b.demands,
        after_hours_demands=a.after_hours_demands + b.after_hours_demands,
        app_demands=apps,
        over=over,
    )


def _line(item: GroupWeeks) -> GroupLine:
    digest = item.digest
    order = {Status.ALERT: 0, Status.WARN: 1}
    over = sorted(
        (m for m in digest.metrics if m.status is not Status.OK), key=lambda m: order[m.status]
    )
    return GroupLine(
        group_id=digest.group_id,
        name=digest.group_name,
        unit=item.unit,
        score=burden_score(digest),
        status=digest.status,
        routine=digest.routine,
        over=tuple(m.id for m in over),
        metrics={m.id: m.value for m in digest.metrics},
        demands=digest.demands,
        after_hours_demands=digest.after_hours_demands,
        apps={app.app: app.demands for app in digest.apps if app.demands},
        flags=dict(digest.flags.by_label) if digest.flags is not None else None,
    )


def _apps(groups: Sequence[GroupSummary]) -> tuple[AppBurden, ...]:
    burdened: Counter[str] = Counter()
    demands: Counter[str] = Counter()
    after: Counter[str] = Counter()
    kinds: dict[str, Counter[DemandKind]] = {}
    for item in groups:
        for app in item.apps:
            burdened[app.app] += 1
            demands[app.app] += app.demands
            after[app.app] += app.after_hours
            kinds.setdefault(app.app, Counter()).update(app.kinds)
    ranked = sorted(burdened, key=lambda name: (-burdened[name], -demands[name], name))
    return tuple(
        AppBurden(
            app=name,
            groups=burdened[name],
            demands=demands[name],
            after_hours=after[name],
            kinds={kind: kinds[name][kind] for kind in DemandKind if kinds[name][kind]},
        )
        for name in ranked
    )


def build_rollup(
    week: str, unit: str | None, groups: Sequence[GroupWeeks | GroupSummary]
) -> RollupWeek:
    """Roll ``groups`` (each with its digest of ``week``, or its summary) into one ranked view.

    Groups are ranked by score, then by after-hours demands, then by id, so ties are stable.
    """
    summaries = [g if isinstance(g, GroupSummary) else summarise_group(g) for g in groups]
    lines = sorted(
        (item.line for item in summaries),
        key=lambda g: (-g.score, -g.after_hours_demands, g.group_id),
    )
    totals = Totals(week=week)
    for item in summaries:
        totals = _add(totals, item.totals)
    depth = max((len(item.previous) for item in summaries), default=0)
    trend = []
    for back in range(depth):
        weeks = [item.previous[back] for item in summaries if back < len(item.previous)]
        total = Totals(week=weeks[0].week, app_demands=None, over=None)
        for item_totals in weeks:
            total = _add(total, item_totals)
        trend.append(total)
    shown: Counter[Label] = Counter()
    flag_groups = 0
    for line in lines:
        if line.flags is not None:
            flag_groups += 1
            shown.update(line.flags)
    return RollupWeek(
        week=week,
        unit=unit,
        groups=tuple(lines),
        totals=totals,
        trend=tuple(trend),
        apps=_apps(summaries),
        flags_shown=dict(shown),
        flag_groups=flag_groups,
    )


def in_unit(group_unit: str | None, unit: str | None) -> bool:
    """True when a group's unit path lies within ``unit`` (every group when ``unit`` is None)."""
    if unit is None:
        return True
    if group_unit is None:
        return False
    return group_unit == unit or group_unit.startswith(unit.rstrip("/") + "/")
