"""Leaders' roll-up: ranking by the documented score, totals and trend, apps, flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config.settings import default_settings
from bot.core.aggregates import FlagCounts, RepeatedReport, WeekAggregate
from bot.core.apps import AppWeek, DemandKind
from bot.core.digest import TREND_WEEKS, DigestInput, Status, WeekDigest, build_digest
from bot.core.labels import Label
from bot.core.rollup import (
    SCORE_WEIGHTS,
    GroupWeeks,
    Totals,
    aggregate_totals,
    build_rollup,
    burden_score,
    in_unit,
    summarise_group,
    summarise_week,
)
from bot.core.worktime import Band, previous_weeks, week_start

WEEK = "2025-W39"
NOW = datetime(2025, 10, 6, tzinfo=UTC)


def digest(group_id: int, aggregate: WeekAggregate) -> WeekDigest:
    settings = default_settings()
    return build_digest(
        DigestInput(
            group_id=group_id,
            group_name=f"group {group_id}",
            week=WEEK,
            current=aggregate,
            history={},
            thresholds=settings.base_thresholds(),
            working_time=settings.working_time(),
            language="en",
            flag_min_members=3,
        ),
        NOW,
    )


def busy(pushes: int, *, band: Band = Band.WORK, **extra: object) -> WeekAggregate:
    return WeekAggregate(
        week=WEEK,
        messages=pushes + 5,
        counted={(Label.TASK_PUSH, band): pushes},
        demands_by_band={band: pushes},
        **extra,  # type: ignore[arg-type]
    )


def test_the_score_follows_its_documented_weights() -> None:
    quiet = digest(1, busy(4, band=Band.AFTER_HOURS))
    warn = sum(1 for m in quiet.metrics if m.status is Status.WARN)
    alert = sum(1 for m in quiet.metrics if m.status is Status.ALERT)
    expected = (
        4 * SCORE_WEIGHTS["demand"]
        + 4 * SCORE_WEIGHTS["after_hours_demand"]
        + warn * SCORE_WEIGHTS["warn"]
        + alert * SCORE_WEIGHTS["alert"]
    )
    assert burden_score(quiet) == expected
    assert burden_score(digest(2, WeekAggregate(week=WEEK))) == 0


def test_groups_are_ranked_by_score_with_totals_apps_and_trend() -> None:
    apps = {"学习强国": AppWeek(3, {DemandKind.POINTS: 3}, 1)}
    groups = [
        GroupWeeks(digest(1, busy(2)), "城南区/甲", [Totals("2025-W38", 1, 1, 4, 1, None, None)]),
        GroupWeeks(
            digest(2, busy(5, band=Band.QUIET, apps=apps)),
            "城南区/乙",
            [Totals("2025-W38", 1, 1, 2, 0, None, None)],
        ),
        GroupWeeks(digest(3, busy(1, apps=apps)), "城南区/丙", []),
    ]
    rollup = build_rollup(WEEK, "城南区", groups)
    assert [g.group_id for g in rollup.groups] == [2, 1, 3]
    assert [g.score for g in rollup.groups] == sorted(
        (g.score for g in rollup.groups), reverse=True
    )
    assert rollup.totals.groups == 3
    assert rollup.totals.demands == 8
    assert rollup.totals.after_hours_demands == 5
    assert rollup.trend[0].week == "2025-W38"
    assert rollup.trend[0].demands == 6
    (app,) = rollup.apps
    assert (app.app, app.groups, app.demands, app.after_hours) == ("学习强国", 2, 6, 2)
    assert rollup.over == tuple(g for g in rollup.groups if g.status is not Status.OK)


def test_flags_show_only_for_groups_that_meet_the_anonymity_minimum() -> None:
    enough = FlagCounts(by_label={Label.PROOF_DEMAND: 4})
    too_few = FlagCounts(by_label={Label.APP_DEMAND: 2})
    rollup = build_rollup(
        WEEK,
        None,
        [
            GroupWeeks(digest(1, busy(1, flags=enough)), None, []),
            GroupWeeks(digest(2, busy(1, flags=too_few)), None, []),
        ],
    )
    assert rollup.flag_groups == 1
    assert rollup.flags_shown == {Label.PROOF_DEMAND: 4}
    by_id = {g.group_id: g for g in rollup.groups}
    assert by_id[2].flags is None


def test_apps_named_in_flags_show_only_where_enough_members_named_them() -> None:
    one = FlagCounts(by_label={Label.APP_DEMAND: 1}, by_app={"浙政钉": 3, "钉钉": 2})
    other = FlagCounts(by_app={"浙政钉": 4})
    few = FlagCounts(by_app={"学习强国": 2})
    digests = [digest(1, busy(1, flags=one)), digest(2, busy(1, flags=other))]
    digests.append(digest(3, busy(1, flags=few)))
    # kinds below the minimum stay hidden, apps named by enough members show
    assert digests[0].flags is not None
    assert dict(digests[0].flags.by_label) == {}
    assert dict(digests[0].flags.by_app) == {"浙政钉": 3}
    assert digests[2].flags is None
    rollup = build_rollup(WEEK, None, [GroupWeeks(d, None, []) for d in digests])
    by_name = {a.app: a for a in rollup.apps}
    assert (by_name["浙政钉"].flagged, by_name["浙政钉"].flag_groups) == (7, 2)
    assert (by_name["浙政钉"].groups, by_name["浙政钉"].demands) == (0, 0)
    assert "钉钉" not in by_name
    assert "学习强国" not in by_name
    # no kind met the minimum anywhere: no group counts as showing flag kinds
    assert (rollup.flag_groups, dict(rollup.flags_shown)) == (0, {})
    assert {g.group_id: dict(g.flagged_apps) for g in rollup.groups} == {
        1: {"浙政钉": 3},
        2: {"浙政钉": 4},
        3: {},
    }


def test_trend_totals_come_from_aggregates() -> None:
    aggregate = busy(3, band=Band.AFTER_HOURS, apps={"x": AppWeek(2)})
    totals = aggregate_totals(aggregate)
    assert (totals.demands, totals.after_hours_demands) == (3, 3)
    assert (totals.app_demands, totals.over) == (None, None)


def test_units_are_paths() -> None:
    assert in_unit("城南区/城南街道/青禾社区", "城南区/城南街道")
    assert in_unit("城南区", "城南区")
    assert not in_unit("城南区二/街道", "城南区")
    assert not in_unit(None, "城南区")
    assert in_unit(None, None)


_APP_NAMES = st.sampled_from(["学习强国", "浙政钉", "青禾网格通"])
_APP_WEEKS = st.dictionaries(
    _APP_NAMES,
    st.builds(
        AppWeek,
        demands=st.integers(0, 6),
        kinds=st.dictionaries(st.sampled_from(list(DemandKind)), st.integers(1, 4), max_size=2),
        after_hours=st.integers(0, 3),
    ),
    max_size=3,
)


@st.composite
def aggregates(draw: st.DrawFn, week: str) -> WeekAggregate:
    counted = draw(
        st.dictionaries(
            st.tuples(st.sampled_from(list(Label)), st.sampled_from(list(Band))),
            st.integers(1, 12),
            max_size=6,
        )
    )
    demands = draw(st.dictionaries(st.sampled_from(list(Band)), st.integers(1, 20), max_size=3))
    monday = week_start(week)
    rest = draw(st.frozensets(st.sampled_from([monday + timedelta(days=d) for d in (5, 6)])))
    flags = draw(st.dictionaries(st.sampled_from(list(Label)), st.integers(1, 6), max_size=2))
    flagged_apps = draw(st.dictionaries(_APP_NAMES, st.integers(1, 6), max_size=2))
    return WeekAggregate(
        week=week,
        messages=draw(st.integers(0, 80)),
        counted=counted,
        demands_by_band=demands,
        rest_days_with_demands=rest,
        repeated_reports=tuple(RepeatedReport(n, "") for n in range(draw(st.integers(0, 3)))),
        apps=draw(_APP_WEEKS),
        flags=FlagCounts(by_label=flags, by_app=flagged_apps),
    )


@given(
    data=st.data(),
    after_week=st.booleans(),
    language=st.sampled_from(["en", "zh"]),
    # 2036-W01 runs from 31 December 2035, two years no holiday schedule covers
    week=st.sampled_from([WEEK, "2036-W01"]),
)
@settings(max_examples=60, deadline=None)
def test_the_roll_up_summary_equals_the_summary_of_the_full_digest(
    data: st.DataObject, after_week: bool, language: str, week: str
) -> None:
    """``summarise_week`` (the roll-up's fast path) gives what summarising the digest gives."""
    base = default_settings()
    previous = previous_weeks(week, TREND_WEEKS)
    history = {w: data.draw(aggregates(w)) for w in previous if data.draw(st.booleans())}
    source = DigestInput(
        group_id=7,
        group_name="group 7",
        week=week,
        current=data.draw(aggregates(week)),
        history=history,
        thresholds=base.base_thresholds(),
        working_time=base.working_time(),
        language=language,
        flag_min_members=3,
    )
    now = NOW if after_week else datetime(2025, 9, 24, tzinfo=UTC)
    trend = [aggregate_totals(history.get(w, WeekAggregate(week=w))) for w in previous]
    full = summarise_group(GroupWeeks(build_digest(source, now), "城南区", trend))
    fast = summarise_week(source, "城南区", now)
    assert fast == full
    assert build_rollup(week, None, [fast]) == build_rollup(week, None, [full])
