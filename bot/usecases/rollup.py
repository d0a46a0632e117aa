"""Load a leaders' roll-up: a unit's groups, their weekly aggregates, one ranked view.

Reads weekly aggregates only (never raw messages or evidence), in one pipelined round trip per
thousand groups for settings and another for the aggregates of the week and the trend weeks
(plus one for the flag counts of the flagged groups among them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.config.group_settings import GroupSettings
from bot.config.settings import Settings
from bot.core.aggregates import WeekAggregate
from bot.core.digest import TREND_WEEKS, DigestInput
from bot.core.rollup import (
    GroupSummary,
    RollupBuilder,
    RollupWeek,
    in_unit,
    summarise_week,
)
from bot.core.thresholds import Thresholds
from bot.core.worktime import WorkingTime, previous_weeks
from bot.usecases.digests import DigestRequest
from storage.base import Store

CHUNK = 1000
"""Groups read and summarised at a time (one pipelined round trip each)."""


@dataclass(frozen=True, slots=True)
class RollupMember:
    """A group in a roll-up: how its digest is judged, and its unit path."""

    request: DigestRequest
    unit: str | None


class _SettingsCache:
    """Working times and thresholds shared by groups with the same settings (most of them)."""

    def __init__(self, defaults: Settings) -> None:
        self.defaults = defaults
        self._working: dict[str, WorkingTime] = {}
        self._thresholds: dict[str, Thresholds] = {}

    def working_time(self, group: GroupSettings) -> WorkingTime:
        key = group.model_dump_json(
            include={
                "timezone",
                "working_hours",
                "calendar",
                "quiet_hours",
                "extra_holidays",
                "extra_workdays",
            }
        )
        if key not in self._working:
            self._working[key] = group.working_time(self.defaults)
        return self._working[key]

    def thresholds(self, group: GroupSettings) -> Thresholds:
        key = group.model_dump_json(include={"thresholds"})
        if key not in self._thresholds:
            self._thresholds[key] = group.thresholds_from(self.defaults)
        return self._thresholds[key]


async def unit_members(store: Store, settings: Settings, unit: str | None) -> list[RollupMember]:
    """Every active group the store knows within ``unit`` (all groups when ``unit`` is None)."""
    group_ids = await store.groups()
    stored = await store.group_settings_many(group_ids)
    cache = _SettingsCache(settings)
    members = []
    for group_id in group_ids:
        group = stored.get(group_id) or GroupSettings()
        group_unit = group.unit_or(settings, group_id)
        if not group.active or not in_unit(group_unit, unit):
            continue
        request = DigestRequest(
            group_id=group_id,
            group_name=group.title or str(group_id),
            working_time=cache.working_time(group),
            thresholds=cache.thresholds(group),
            language=group.language_or(settings),
            flag_min_members=settings.flag_min_members,
        )
        members.append(RollupMember(request, group_unit))
    return members


async def load_rollup(
    store: Store,
    members: Sequence[RollupMember],
    week: str,
    now: datetime,
    unit: str | None = None,
) -> RollupWeek:
    """Return the roll-up of ``week`` over ``members``, with the previous weeks as trend.

    Works through ``CHUNK`` groups at a time and keeps only each group's line (no digest is
    built: ``summarise_week`` takes what a roll-up needs), so memory and time stay linear in
    the number of groups.
    """
    previous = previous_weeks(week, TREND_WEEKS)
    builder = RollupBuilder(week, unit)
    for first in range(0, len(members), CHUNK):
        chunk = members[first : first + CHUNK]
        aggregates = await store.week_many(
            [m.request.group_id for m in chunk], [week], headline_weeks=previous
        )
        for member in chunk:
            builder.add(_summary(member, aggregates, week, previous, now))
    return builder.finish()


def _summary(
    member: RollupMember,
    aggregates: Mapping[tuple[int, str], WeekAggregate],
    week: str,
    previous: Sequence[str],
    now: datetime,
) -> GroupSummary:
    request = member.request
    group_id = request.group_id
    current = aggregates.get((group_id, week)) or WeekAggregate(week=week)
    source = DigestInput(
        group_id=group_id,
        group_name=request.group_name,
        week=week,
        current=current,
        history={w: found for w in previous if (found := aggregates.get((group_id, w)))},
        thresholds=request.thresholds,
        working_time=request.working_time,
        language=request.language,
        flag_min_members=request.flag_min_members,
    )
    return summarise_week(source, member.unit, now)
