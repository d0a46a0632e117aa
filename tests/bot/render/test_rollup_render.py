"""The roll-up as Telegram HTML (escaped, within the limit) and as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config.settings import default_settings
from bot.core.aggregates import WeekAggregate
from bot.core.digest import DigestInput, Status
from bot.core.labels import Label
from bot.core.metrics import MetricId
from bot.core.rollup import (
    GroupLine,
    GroupSummary,
    RollupWeek,
    Totals,
    build_rollup,
    summarise_week,
)
from bot.render.i18n import Translator
from bot.render.rollup import rollup_html, rollup_lines, rollup_week_to_dict
from bot.render.telegram_html import TELEGRAM_LIMIT

WEEK = "2025-W39"


def summary(group_id: int, name: str, score: int) -> GroupSummary:
    line = GroupLine(
        group_id=group_id,
        name=name,
        unit="城南区",
        score=score,
        status=Status.ALERT if score > 10 else Status.OK,
        routine=score > 10,
        over=(MetricId.PROOF_DEMAND,) if score > 10 else (),
        metrics={MetricId.PROOF_DEMAND: 3.0},
        demands=score,
        after_hours_demands=0,
        apps={},
        flags={Label.PROOF_DEMAND: 3} if group_id == 1 else None,
    )
    return GroupSummary(line, Totals(WEEK, 1, 1, score, 0, 0, 1 if score > 10 else 0), (), ())


def test_group_names_are_escaped_and_messages_fit() -> None:
    groups = [summary(i, f"<b>群{i}</b> & co", i) for i in range(1, 400)]
    messages = rollup_html(build_rollup(WEEK, "城南区", groups), "zh")
    joined = "\n".join(messages)
    assert "<b>群" not in joined
    assert "&lt;b&gt;群399&lt;/b&gt; &amp; co" in joined
    assert all(len(message) <= TELEGRAM_LIMIT for message in messages)


def test_json_ranks_groups_and_shows_only_allowed_flags() -> None:
    rollup = build_rollup(WEEK, "城南区", [summary(1, "甲", 5), summary(2, "乙", 20)])
    document = rollup_week_to_dict(rollup)
    assert [g["chat"]["name"] for g in document["groups"]] == ["乙", "甲"]
    assert document["groups"][0]["over"] == ["proof_demand"]
    assert document["groups"][1]["flags"] == {"proof_demand": 3}
    assert document["groups"][0]["flags"] is None
    assert document["flags"] == {"groups_shown": 1, "labels": {"proof_demand": 3}}
    assert document["totals"]["over"] == 1


def _group_of(group_id: int, calendar: str, week: str) -> GroupSummary:
    settings = default_settings().model_copy(update={"calendar": calendar})
    source = DigestInput(
        group_id=group_id,
        group_name=f"group {group_id}",
        week=week,
        current=WeekAggregate(week=week),
        history={},
        thresholds=settings.base_thresholds(),
        working_time=settings.working_time(),
        language="en",
        flag_min_members=3,
    )
    return summarise_week(source, None, datetime(2035, 3, 12, tzinfo=UTC))


def _notes(rollup: RollupWeek) -> list[str]:
    return [line for line in rollup_lines(Translator("en"), rollup) if "provisional" in line]


def test_a_week_some_groups_calendars_only_stand_in_for_is_noted_once() -> None:
    week = "2035-W10"  # no holiday schedule covers 2035
    mixed = build_rollup(week, None, [_group_of(1, "cn", week), _group_of(2, "none", week)])
    years = {
        line["chat"]["id"]: line["provisional_holiday_years"]
        for line in rollup_week_to_dict(mixed)["groups"]
    }
    assert years == {1: [2035], 2: []}
    (note,) = _notes(mixed)
    assert "2035" in note
    assert _notes(build_rollup(week, None, [_group_of(2, "none", week)])) == []
