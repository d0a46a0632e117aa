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
  already withholds the rest), and a total over those groups only; likewise the apps members
  named in flags, per app only in the groups where enough members named it.

``summarise_week`` reduces one group-week to its line without building the full digest, and
``RollupBuilder`` sums lines as they stream in, so a roll-up of thousands of groups keeps one
small line per group.

Pure: the same digests give the same roll-up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from bot.core.aggregates import WeekAggregate
from bot.core.apps import AppSummary, DemandKind, summarise_apps
from bot.core.digest import (
    TREND_WEEKS,
    DigestInput,
    MetricResult,
    Status,
    WeekDigest,
    provisional_years,
    routine_pushes,
    shown_flags,
    week_complete,
    week_metrics,
)
from bot.core.labels import Label
from bot.core.metrics import MetricId
from bot.core.worktime import previous_weeks

SCORE_WEIGHTS: Mapping[str, int] = {
    "demand": 1,
    "after_hours_demand": 2,
    "rest_day": 3,
    "warn": 3,
    "alert": 10,
    "routine": 5,
}
"""The weights of the burden score (module docstring); documented, not tuned per deployment."""
_STATUS_RANK = {Status.OK: 0, Status.WARN: 1, Status.ALERT: 2}


def burden_score(digest: WeekDigest) -> int:
    """The documented burden score of one group-week (see the module docstring)."""
    return _score(
        digest.demands,
        digest.after_hours_demands,
        len(digest.rest_day_demand_days),
        digest.metrics,
        routine=digest.routine,
    )


def _score(
    demands: int,
    after_hours: int,
    rest_days: int,
    metrics: Sequence[MetricResult],
    *,
    routine: bool,
) -> int:
    w = SCORE_WEIGHTS
    warn = sum(1 for m in metrics if m.status is Status.WARN)
    alert = sum(1 for m in metrics if m.status is Status.ALERT)
    return (
        w["demand"] * demands
        + w["after_hours_demand"] * after_hours
        + w["rest_day"] * rest_days
        + w["warn"] * warn
        + w["alert"] * alert
        + (w["routine"] if routine else 0)
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
    flagged_apps: Mapping[str, int] = field(default_factory=dict)
    """Members who named each app in a flag, for apps named by at least the minimum."""
    provisional_holiday_years: tuple[int, ...] = ()
    """As :attr:`~bot.core.digest.WeekDigest.provisional_holiday_years` of the group's digest."""


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
    flagged: int = 0
    """Members who named the app in anonymous flags, summed over the groups where at least
    the anonymity minimum did (``flag_groups`` of them)."""
    flag_groups: int = 0


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

    @property
    def provisional_holiday_years(self) -> tuple[int, ...]:
        """Years of this week whose holidays some group's calendar only stands in for."""
        return tuple(sorted({y for g in self.groups for y in g.provisional_holiday_years}))


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


def summarise_week(source: DigestInput, unit: str | None, now: datetime) -> GroupSummary:
    """The summary ``summarise_group`` makes of ``source``'s digest, without building it.

    A roll-up over thousands of groups needs only the score, the metrics, totals and apps: the
    hour matrix, evidence, labels and texts of a full digest are left out, and the history
    weeks need only their headlines. The result equals ``summarise_group`` of the full digest
    with the history's totals as trend.
    """
    current = source.current
    previous = [
        source.history.get(week) or WeekAggregate(week=week)
        for week in _previous_weeks(source.week)
    ]
    routine = routine_pushes(current, previous)
    metrics = week_metrics(source, routine)
    status = max((m.status for m in metrics), key=_STATUS_RANK.__getitem__, default=Status.OK)
    demands, after_hours = current.demands, current.outside_work_demands
    apps = _week_apps(current, previous)
    flags = (
        shown_flags(current, source.flag_min_members)
        if week_complete(source.week, source.working_time, now)
        else None
    )
    line = GroupLine(
        group_id=source.group_id,
        name=source.group_name,
        unit=unit,
        score=_score(
            demands, after_hours, len(current.rest_days_with_demands), metrics, routine=routine
        ),
        status=status,
        routine=routine,
        over=_over(metrics),
        metrics={m.id: m.value for m in metrics},
        demands=demands,
        after_hours_demands=after_hours,
        apps={app.app: app.demands for app in apps},
        flags=dict(flags.by_label) if flags is not None else None,
        flagged_apps=dict(flags.by_app) if flags is not None else {},
        provisional_holiday_years=provisional_years(source.working_time, source.week),
    )
    totals = Totals(
        week=source.week,
        groups=1,
        active_groups=1 if current.messages else 0,
        demands=demands,
        after_hours_demands=after_hours,
        app_demands=sum(app.demands for app in apps),
        over=1 if status is not Status.OK else 0,
    )
    return GroupSummary(line, totals, tuple(aggregate_totals(a) for a in previous), apps)


@lru_cache(maxsize=64)
def _previous_weeks(week: str) -> tuple[str, ...]:
    return tuple(previous_weeks(week, TREND_WEEKS))


def _week_apps(
    current: WeekAggregate, previous: Sequence[WeekAggregate]
) -> tuple[AppSummary, ...]:
    """This week's demanded apps as ``summarise_apps`` lists them (ranked alike)."""
    if not current.apps:
        return ()
    if any(a.apps for a in previous):
        return tuple(
            app for app in summarise_apps(current.apps, [a.apps for a in previous]) if app.demands
        )
    found = [
        AppSummary(
            app=name,
            demands=week.demands,
            kinds={kind: week.kinds[kind] for kind in DemandKind if week.kinds.get(kind)},
            after_hours=week.after_hours,
            trend=(0,) * len(previous),
        )
        for name, week in current.apps.items()
        if week.demands
    ]
    found.sort(key=lambda s: (-s.demands, s.app))
    return tuple(found)


def _over(metrics: Sequence[MetricResult]) -> tuple[MetricId, ...]:
    order = {Status.ALERT: 0, Status.WARN: 1}
    over = sorted((m for m in metrics if m.status is not Status.OK), key=lambda m: order[m.status])
    return tuple(m.id for m in over)


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
    return GroupLine(
        group_id=digest.group_id,
        name=digest.group_name,
        unit=item.unit,
        score=burden_score(digest),
        status=digest.status,
        routine=digest.routine,
        over=_over(digest.metrics),
        metrics={m.id: m.value for m in digest.metrics},
        demands=digest.demands,
        after_hours_demands=digest.after_hours_demands,
        apps={app.app: app.demands for app in digest.apps if app.demands},
        flags=dict(digest.flags.by_label) if digest.flags is not None else None,
        flagged_apps=dict(digest.flags.by_app) if digest.flags is not None else {},
        provisional_holiday_years=digest.provisional_holiday_years,
    )


class RollupBuilder:
    """A roll-up built one group summary at a time, keeping only each group's line.

    Totals, trend totals, app burdens and shown flags are summed as summaries arrive, so a
    roll-up over thousands of groups holds one small line per group and nothing else.
    """

    def __init__(self, week: str, unit: str | None) -> None:
        self.week = week
        self.unit = unit
        self._lines: list[GroupLine] = []
        self._totals = Totals(week=week)
        self._trend: list[Totals] = []
        self._burdened: Counter[str] = Counter()
        self._demands: Counter[str] = Counter()
        self._after: Counter[str] = Counter()
        self._kinds: dict[str, Counter[DemandKind]] = {}
        self._shown: Counter[Label] = Counter()
        self._flag_groups = 0
        self._flagged: Counter[str] = Counter()
        self._flagged_groups: Counter[str] = Counter()

    def add(self, item: GroupSummary) -> None:
        """Count one group's summary in."""
        line = item.line
        self._lines.append(line)
        self._totals = _add(self._totals, item.totals)
        for back, week_totals in enumerate(item.previous):
            if back == len(self._trend):
                self._trend.append(Totals(week=week_totals.week, app_demands=None, over=None))
            self._trend[back] = _add(self._trend[back], week_totals)
        for app in item.apps:
            self._burdened[app.app] += 1
            self._demands[app.app] += app.demands
            self._after[app.app] += app.after_hours
            self._kinds.setdefault(app.app, Counter()).update(app.kinds)
        if line.flags:  # kinds met the minimum (a group may show only apps named in flags)
            self._flag_groups += 1
            self._shown.update(line.flags)
        self._flagged.update(line.flagged_apps)
        self._flagged_groups.update(line.flagged_apps.keys())

    def finish(self) -> RollupWeek:
        """The roll-up of every group added; see ``build_rollup``."""
        lines = sorted(self._lines, key=lambda g: (-g.score, -g.after_hours_demands, g.group_id))
        return RollupWeek(
            week=self.week,
            unit=self.unit,
            groups=tuple(lines),
            totals=self._totals,
            trend=tuple(self._trend),
            apps=self._apps(),
            flags_shown=dict(self._shown),
            flag_groups=self._flag_groups,
        )

    def _apps(self) -> tuple[AppBurden, ...]:
        burdened, demands, flagged = self._burdened, self._demands, self._flagged
        # Apps only named in flags (no demand counted) come last, by members who named them.
        ranked = sorted(
            burdened.keys() | flagged.keys(),
            key=lambda name: (-burdened[name], -demands[name], -flagged[name], name),
        )
        return tuple(
            AppBurden(
                app=name,
                groups=burdened[name],
                demands=demands[name],
                after_hours=self._after[name],
                kinds={
                    kind: self._kinds[name][kind]
                    for kind in DemandKind
                    if name in self._kinds and self._kinds[name][kind]
                },
                flagged=flagged[name],
                flag_groups=self._flagged_groups[name],
            )
            for name in ranked
        )


def build_rollup(
    week: str, unit: str | None, groups: Iterable[GroupWeeks | GroupSummary]
) -> RollupWeek:
    """Roll ``groups`` (each with its digest of ``week``, or its summary) into one ranked view.

    Groups are ranked by score, then by after-hours demands, then by id, so ties are stable.
    """
    builder = RollupBuilder(week, unit)
    for group in groups:
        builder.add(group if isinstance(group, GroupSummary) else summarise_group(group))
    return builder.finish()


def in_unit(group_unit: str | None, unit: str | None) -> bool:
    """True when a group's unit path lies within ``unit`` (every group when ``unit`` is None)."""
    if unit is None:
        return True
    if group_unit is None:
        return False
    return group_unit == unit or group_unit.startswith(unit.rstrip("/") + "/")
