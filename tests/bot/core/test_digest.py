"""The weekly digest as a pure function of aggregates, thresholds, working time and a clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

import pytest

from bot.config.settings import default_settings
from bot.core.aggregates import FlagCounts, RepeatedReport, WeekAggregate
from bot.core.digest import (
    DigestInput,
    Reason,
    Status,
    WeekDigest,
    build_digest,
    without_flags,
)
from bot.core.flags import FlagText
from bot.core.labels import Label
from bot.core.metrics import MetricId, MetricRuleOverride
from bot.core.thresholds import Thresholds
from bot.core.worktime import Band

WEEK = "2025-W39"
AFTER_WEEK = datetime(2025, 10, 6, 1, 0, tzinfo=UTC)
DEFAULTS = default_settings()
WORKING_TIME = DEFAULTS.working_time()


def aggregate(
    week: str = WEEK,
    *,
    counted: Mapping[tuple[Label, Band], int] | None = None,
    repeats: int = 0,
    rest_days: frozenset[date] = frozenset(),
    flags: FlagCounts | None = None,
) -> WeekAggregate:
    counted = dict(counted or {})
    demands: dict[Band, int] = {}
    for (_, band), count in counted.items():
        demands[band] = max(demands.get(band, 0), count)
    return WeekAggregate(
        week=week,
        messages=sum(demands.values()) + 10,
        counted=counted,
        demands_by_band=demands,
        rest_days_with_demands=rest_days,
        repeated_reports=tuple(RepeatedReport(i, "台账") for i in range(repeats)),
        flags=flags or FlagCounts(),
    )


def digest(
    current: WeekAggregate,
    history: Mapping[str, WeekAggregate] | None = None,
    thresholds: Thresholds | None = None,
    now: datetime = AFTER_WEEK,
) -> WeekDigest:
    source = DigestInput(
        group_id=1,
        group_name="g",
        week=current.week,
        current=current,
        history=history or {},
        thresholds=thresholds or Thresholds.defaults(),
        working_time=WORKING_TIME,
        language=DEFAULTS.language,
        flag_min_members=DEFAULTS.flag_min_members,
    )
    return build_digest(source, now)


def status(result: WeekDigest, metric: MetricId) -> Status:
    return result.metric(metric).status


@pytest.mark.parametrize(
    ("after_hours", "expected"),
    [(0, Status.OK), (2, Status.OK), (3, Status.WARN), (5, Status.WARN), (6, Status.ALERT)],
)
def test_after_hours_task_push_thresholds(after_hours: int, expected: Status) -> None:
    current = aggregate(counted={(Label.TASK_PUSH, Band.AFTER_HOURS): after_hours})
    assert status(digest(current), MetricId.AFTER_HOURS_TASK_PUSH) is expected


def test_one_push_in_quiet_hours_is_enough_to_warn() -> None:
    result = digest(aggregate(counted={(Label.TASK_PUSH, Band.QUIET): 1}))
    metric = result.metric(MetricId.AFTER_HOURS_TASK_PUSH)
    assert (metric.value, metric.status, metric.reasons) == (1, Status.WARN, (Reason.QUIET_HOURS,))


def test_pushes_during_work_do_not_count_as_after_hours() -> None:
    result = digest(aggregate(counted={(Label.TASK_PUSH, Band.WORK): 9}))
    assert result.after_hours_task_push == 0
    assert status(result, MetricId.AFTER_HOURS_TASK_PUSH) is Status.OK


def test_after_hours_pushes_in_three_of_four_weeks_are_routine() -> None:
    one_push = {(Label.TASK_PUSH, Band.AFTER_HOURS): 1}
    history = {
        "2025-W38": aggregate("2025-W38", counted=one_push),
        "2025-W37": aggregate("2025-W37", counted=one_push),
    }
    result = digest(aggregate(counted=one_push), history)
    assert result.routine
    metric = result.metric(MetricId.AFTER_HOURS_TASK_PUSH)
    assert metric.status is Status.ALERT
    assert Reason.ROUTINE in metric.reasons
    assert [point.week for point in result.trend] == [
        "2025-W38",
        "2025-W37",
        "2025-W36",
        "2025-W35",
    ]
    assert [point.after_hours_task_push for point in result.trend] == [1, 1, 0, 0]


def test_two_weeks_in_four_are_not_routine() -> None:
    one_push = {(Label.TASK_PUSH, Band.AFTER_HOURS): 1}
    history = {"2025-W36": aggregate("2025-W36", counted=one_push)}
    assert not digest(aggregate(counted=one_push), history).routine


@pytest.mark.parametrize(
    ("outside", "inside", "expected"),
    [(3, 17, Status.OK), (1, 5, Status.WARN), (3, 7, Status.WARN), (4, 6, Status.ALERT)],
)
def test_share_of_demands_after_hours_is_strictly_above(
    outside: int, inside: int, expected: Status
) -> None:
    current = aggregate(
        counted={
            (Label.TASK_PUSH, Band.AFTER_HOURS): outside,
            (Label.TASK_PUSH, Band.WORK): inside,
        }
    )
    result = digest(current)
    assert result.metric(MetricId.AFTER_HOURS_DEMAND_SHARE).value == outside / (outside + inside)
    assert status(result, MetricId.AFTER_HOURS_DEMAND_SHARE) is expected


@pytest.mark.parametrize(
    ("reports", "repeats", "expected"),
    [
        (3, 0, Status.OK),
        (4, 0, Status.WARN),
        (7, 0, Status.ALERT),
        (1, 1, Status.WARN),
        (2, 2, Status.ALERT),
    ],
)
def test_report_demands_and_repeats(reports: int, repeats: int, expected: Status) -> None:
    current = aggregate(counted={(Label.REPORT_DEMAND, Band.WORK): reports}, repeats=repeats)
    assert status(digest(current), MetricId.REPORT_DEMAND) is expected


def test_rest_days_with_demands() -> None:
    one = aggregate(rest_days=frozenset({date(2025, 9, 27)}))
    two = aggregate(rest_days=frozenset({date(2025, 9, 27), date(2025, 9, 28)}))
    assert status(digest(aggregate()), MetricId.REST_DAY_DEMAND_DAYS) is Status.OK
    assert status(digest(one), MetricId.REST_DAY_DEMAND_DAYS) is Status.WARN
    assert status(digest(two), MetricId.REST_DAY_DEMAND_DAYS) is Status.ALERT


def test_group_overrides_change_the_verdict() -> None:
    current = aggregate(counted={(Label.PROOF_DEMAND, Band.WORK): 1})
    relaxed = Thresholds.defaults().with_overrides(
        {"proof_demand": MetricRuleOverride(warn=2, alert=4)}
    )
    assert status(digest(current), MetricId.PROOF_DEMAND) is Status.WARN
    assert status(digest(current, thresholds=relaxed), MetricId.PROOF_DEMAND) is Status.OK


def test_every_metric_cites_a_provision_and_the_worst_status_wins() -> None:
    result = digest(aggregate(counted={(Label.APP_DEMAND, Band.WORK): 3}))
    assert all(metric.provision for metric in result.metrics)
    assert result.status is Status.ALERT


def test_a_kind_is_shown_only_when_enough_members_flagged_it() -> None:
    flags = FlagCounts(
        by_label={Label.PROOF_DEMAND: 3, Label.ACK_DEMAND: 2},
        texts=(FlagText(Label.PROOF_DEMAND, "太多截图"), FlagText(Label.ACK_DEMAND, "天天接龙")),
    )
    shown = digest(aggregate(flags=flags)).flags
    assert shown is not None
    assert shown.by_label == {Label.PROOF_DEMAND: 3}
    # The text of a kind below the minimum is left out with its count.
    assert shown.texts == (FlagText(Label.PROOF_DEMAND, "太多截图"),)


def test_fewer_than_the_minimum_says_nothing_at_all() -> None:
    lone = FlagCounts(by_label={Label.PROOF_DEMAND: 1}, texts=(FlagText(Label.PROOF_DEMAND, "x"),))
    result = digest(aggregate(flags=lone))
    assert result.flags is None
    assert not hasattr(result, "flags_withheld")


def test_flags_of_a_week_in_progress_are_never_shown() -> None:
    flags = FlagCounts(by_label={Label.PROOF_DEMAND: 5})
    during = datetime(2025, 9, 26, 4, 0, tzinfo=UTC)
    assert digest(aggregate(flags=flags), now=during).flags is None
    assert digest(aggregate(flags=flags)).flags is not None


def test_flags_are_removed_for_a_group_chat() -> None:
    flags = FlagCounts(by_label={Label.PROOF_DEMAND: 5})
    assert without_flags(digest(aggregate(flags=flags))).flags is None


def test_a_week_in_progress_is_marked_incomplete() -> None:
    during = datetime(2025, 9, 24, 4, 0, tzinfo=UTC)
    assert not digest(aggregate(), now=during).complete
    assert digest(aggregate()).complete


def test_the_hour_matrix_places_demands_by_local_weekday_and_hour() -> None:
    current = WeekAggregate(week=WEEK, demand_hours={0 * 24 + 9: 2, 6 * 24 + 23: 1})
    matrix = digest(current).hour_matrix
    assert (len(matrix), {len(row) for row in matrix}) == (7, {24})
    assert (matrix[0][9], matrix[6][23], sum(map(sum, matrix))) == (2, 1, 3)


def test_a_week_in_a_year_without_an_official_holiday_schedule_says_so() -> None:
    # 2035 is far past any chinesecalendar release; ISO week 2036-W01 begins on 31 December 2035
    assert digest(aggregate("2035-W10")).provisional_holiday_years == (2035,)
    assert digest(aggregate("2036-W01")).provisional_holiday_years == (2035, 2036)
    assert digest(aggregate()).provisional_holiday_years == ()
