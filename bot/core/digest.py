"""The weekly digest: a pure function of aggregates, thresholds, working time and a clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.core.aggregates import Evidence, RepeatedReport, WeekAggregate
from bot.core.apps import AppSummary, summarise_apps
from bot.core.flags import FlagText, shuffled_texts
from bot.core.labels import ALL_LABELS, LABEL_TABLE, Label
from bot.core.metrics import Measure, MetricId, MetricRule
from bot.core.thresholds import DEFINITIONS, Thresholds
from bot.core.worktime import Band, WorkingTime, previous_weeks, week_start

TREND_WEEKS = 4
ROUTINE_WEEKS = 3
"""After-hours task pushes in this many of the last ``TREND_WEEKS`` weeks make them routine."""


class Status(StrEnum):
    """How a metric compares with its thresholds."""

    OK = "ok"
    WARN = "warn"
    ALERT = "alert"


_STATUS_ORDER = {Status.OK: 0, Status.WARN: 1, Status.ALERT: 2}


class Reason(StrEnum):
    """Why a metric got its status, beyond its main count."""

    COUNT = "count"
    QUIET_HOURS = "quiet_hours"
    ROUTINE = "routine"
    REPEATS = "repeats"


@dataclass(frozen=True, slots=True)
class MetricResult:
    """One metric's value, thresholds, status and the provision an excess may conflict with."""

    id: MetricId
    value: float
    warn: float | None
    alert: float | None
    comparison: str
    status: Status
    provision: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A previous week's headline numbers."""

    week: str
    messages: int
    demands: int
    after_hours_task_push: int
    outside_work_demands: int


@dataclass(frozen=True, slots=True)
class FlagSummary:
    """Anonymous flags of a closed week: only the kinds that at least ``minimum`` different
    members flagged, and the texts sent with those kinds, shuffled; only the apps that at least
    ``minimum`` different members named."""

    minimum: int
    by_label: Mapping[Label, int]
    texts: tuple[FlagText, ...]
    by_app: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WeekDigest:
    """What a leader reads about one group's week."""

    group_id: int
    group_name: str
    week: str
    start: date
    end: date
    timezone: str
    working_time: str
    complete: bool
    messages: int
    after_hours_messages: int
    quiet_hours_messages: int
    labels: Mapping[Label, int]
    exempt: Mapping[Label, int]
    exempt_messages: int
    counted: Mapping[Label, int]
    after_hours_task_push: int
    quiet_hours_task_push: int
    demands: int
    after_hours_demands: int
    rest_day_demand_days: tuple[date, ...]
    demand_senders: int
    task_push_senders: int
    acknowledgements: int
    hour_matrix: tuple[tuple[int, ...], ...]
    repeated_reports: tuple[RepeatedReport, ...]
    trend: tuple[TrendPoint, ...]
    routine: bool
    evidence: tuple[Evidence, ...]
    metrics: tuple[MetricResult, ...]
    flags: FlagSummary | None
    apps: tuple[AppSummary, ...] = ()
    """Per app: demands by kind this week, after hours, and the previous weeks' demands."""
    platforms: Mapping[str, int] = field(default_factory=dict)
    """Platforms used only as the means of a form, meeting or sheet (not burdens)."""
    provisional_holiday_years: tuple[int, ...] = ()
    """Years of this week's days whose holidays the calendar only stands in for (no official
    schedule yet, see :meth:`~bot.core.worktime.HolidayCalendar.provisional`)."""

    @property
    def after_hours_share(self) -> float:
        """Share of messages sent outside working time."""
        return self.after_hours_messages / self.messages if self.messages else 0.0

    @property
    def status(self) -> Status:
        """The worst status among the metrics."""
        return max(
            (m.status for m in self.metrics), key=_STATUS_ORDER.__getitem__, default=Status.OK
        )

    def metric(self, metric: MetricId) -> MetricResult:
        """Return the result of ``metric``."""
        return next(result for result in self.metrics if result.id is metric)


@dataclass(frozen=True, slots=True)
class DigestInput:
    """Everything the digest is computed from (aggregates are read by the caller)."""

    group_id: int
    group_name: str
    week: str
    current: WeekAggregate
    history: Mapping[str, WeekAggregate]
    thresholds: Thresholds
    working_time: WorkingTime
    language: str
    flag_min_members: int


def build_digest(source: DigestInput, now: datetime) -> WeekDigest:
    """Compute the digest of ``source.week``; ``now`` decides whether the week is complete.

    Flags appear only once the week is over, so nobody can watch them change. Pure: the same
    input and clock always give the same digest.
    """
    current = source.current
    start = week_start(source.week)
    end = start + timedelta(days=6)
    previous = [
        source.history.get(week, WeekAggregate(week=week))
        for week in previous_weeks(source.week, TREND_WEEKS)
    ]
    trend = tuple(_trend_point(aggregate) for aggregate in previous)
    is_routine = routine_pushes(current, previous)
    metrics = week_metrics(source, is_routine)
    local_now = source.working_time.local(now)
    return WeekDigest(
        group_id=source.group_id,
        group_name=source.group_name,
        week=source.week,
        start=start,
        end=end,
        timezone=source.working_time.timezone.key,
        working_time=source.working_time.describe(),
        complete=local_now.date() > end,
        messages=current.messages,
        after_hours_messages=current.outside_work_messages,
        quiet_hours_messages=current.messages_by_band.get(Band.QUIET, 0),
        labels={label: current.labelled.get(label, 0) for label in ALL_LABELS},
        exempt={label: current.exempt_labelled.get(label, 0) for label in ALL_LABELS},
        exempt_messages=current.exempt_messages,
        counted={label: current.counted_label(label) for label in ALL_LABELS},
        after_hours_task_push=current.counted_label(Label.TASK_PUSH, outside_work_only=True),
        quiet_hours_task_push=current.counted_label_in(Label.TASK_PUSH, Band.QUIET),
        demands=current.demands,
        after_hours_demands=current.outside_work_demands,
        rest_day_demand_days=tuple(sorted(current.rest_days_with_demands)),
        demand_senders=current.demand_senders,
        task_push_senders=current.senders_by_label.get(Label.TASK_PUSH, 0),
        acknowledgements=current.acknowledgements,
        hour_matrix=_hour_matrix(current.demand_hours),
        repeated_reports=current.repeated_reports,
        trend=trend,
        routine=is_routine,
        evidence=current.evidence,
        metrics=metrics,
        flags=shown_flags(current, source.flag_min_members) if local_now.date() > end else None,
        apps=summarise_apps(current.apps, [aggregate.apps for aggregate in previous]),
        platforms=dict(sorted(current.platforms.items(), key=lambda item: (-item[1], item[0]))),
        provisional_holiday_years=provisional_years(source.working_time, source.week),
    )


def provisional_years(working_time: WorkingTime, week: str) -> tuple[int, ...]:
    """The years of ``week``'s days whose days off the group's calendar can only stand in for,
    so the digest says its weekend and holiday figures may be off."""
    monday = week_start(week)
    days = (monday + timedelta(days=offset) for offset in range(7))
    return tuple(sorted({day.year for day in days if working_time.calendar.provisional(day)}))


def _trend_point(aggregate: WeekAggregate) -> TrendPoint:
    return TrendPoint(
        week=aggregate.week,
        messages=aggregate.messages,
        demands=aggregate.demands,
        after_hours_task_push=aggregate.counted_label(Label.TASK_PUSH, outside_work_only=True),
        outside_work_demands=aggregate.outside_work_demands,
    )


def _hour_matrix(hours: Mapping[int, int]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(hours.get(day * 24 + hour, 0) for hour in range(24)) for day in range(7))


def routine_pushes(current: WeekAggregate, previous: Sequence[WeekAggregate]) -> bool:
    """True when after-hours task pushes came in ``ROUTINE_WEEKS`` of the last ``TREND_WEEKS``
    weeks (``current`` and ``previous``, the most recent first)."""
    recent = [current, *previous[: TREND_WEEKS - 1]]
    weeks = sum(1 for a in recent if a.counted_label(Label.TASK_PUSH, outside_work_only=True))
    return weeks >= ROUTINE_WEEKS


def week_complete(week: str, working_time: WorkingTime, now: datetime) -> bool:
    """True once ``week`` is over in the group's time zone (flags are shown only then)."""
    return working_time.local(now).date() > week_start(week) + timedelta(days=6)


def shown_flags(current: WeekAggregate, minimum: int) -> FlagSummary | None:
    """The flags of a closed week a leader may read: kinds flagged by at least ``minimum``
    members; None when there are none."""
    # A kind flagged by fewer than ``minimum`` members is left out without a word: saying that
    # it was withheld would point at the one or two members who flagged it.
    shown = {label: n for label, n in current.flags.by_label.items() if n >= minimum}
    apps = {app: n for app, n in current.flags.by_app.items() if n >= minimum}
    if not shown and not apps:
        return None
    texts = shuffled_texts(t for t in current.flags.texts if t.label in shown)
    ranked = dict(sorted(apps.items(), key=lambda item: (-item[1], item[0])))
    return FlagSummary(minimum=minimum, by_label=shown, texts=texts, by_app=ranked)


def without_flags(digest: WeekDigest) -> WeekDigest:
    """``digest`` for a group chat: flags are for the subscribed leaders only."""
    return replace(digest, flags=None)


def week_metrics(source: DigestInput, routine: bool) -> tuple[MetricResult, ...]:
    """Every metric of ``source.current`` against the group's thresholds."""
    current = source.current
    values: dict[MetricId, float] = {
        spec.metric.id: current.counted_label(
            spec.label, outside_work_only=spec.measure is Measure.OUTSIDE_WORK
        )
        for spec in LABEL_TABLE
    }
    values[MetricId.AFTER_HOURS_DEMAND_SHARE] = (
        current.outside_work_demands / current.demands if current.demands else 0.0
    )
    values[MetricId.REST_DAY_DEMAND_DAYS] = len(current.rest_days_with_demands)
    extras = {
        Reason.QUIET_HOURS: current.counted_label_in(Label.TASK_PUSH, Band.QUIET),
        Reason.REPEATS: len(current.repeated_reports),
    }
    return tuple(
        _evaluate(metric, value, source.thresholds.rule(metric), routine, extras, source.language)
        for metric, value in ((metric, values[metric]) for metric in DEFINITIONS)
    )


def _evaluate(
    metric: MetricId,
    value: float,
    rule: MetricRule,
    routine: bool,
    extras: Mapping[Reason, int],
    language: str,
) -> MetricResult:
    comparison = DEFINITIONS[metric].comparison
    findings: list[tuple[Status, Reason]] = []
    if comparison.reached(value, rule.alert):
        findings.append((Status.ALERT, Reason.COUNT))
    elif comparison.reached(value, rule.warn):
        findings.append((Status.WARN, Reason.COUNT))
    if metric is MetricId.AFTER_HOURS_TASK_PUSH:
        if rule.quiet_warn is not None and extras[Reason.QUIET_HOURS] >= rule.quiet_warn > 0:
            findings.append((Status.WARN, Reason.QUIET_HOURS))
        if rule.routine_alert and routine:
            findings.append((Status.ALERT, Reason.ROUTINE))
    if metric is MetricId.REPORT_DEMAND:
        repeats = extras[Reason.REPEATS]
        if rule.repeat_alert is not None and repeats >= rule.repeat_alert > 0:
            findings.append((Status.ALERT, Reason.REPEATS))
        elif rule.repeat_warn is not None and repeats >= rule.repeat_warn > 0:
            findings.append((Status.WARN, Reason.REPEATS))
    status = max((s for s, _ in findings), key=_STATUS_ORDER.__getitem__, default=Status.OK)
    return MetricResult(
        id=metric,
        value=value,
        warn=rule.warn,
        alert=rule.alert,
        comparison=comparison.value,
        status=status,
        provision=rule.provision(language),
        reasons=tuple(reason for _, reason in findings),
    )
