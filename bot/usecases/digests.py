"""Read a group-week and its history from the store and build its digest."""

from __future__ import annotations

from datetime import datetime

from bot.core.digest import DigestInput, WeekDigest, build_digest
from bot.core.thresholds import Thresholds
from bot.core.worktime import WorkingTime, previous_weeks
from storage.base import Store

HISTORY_WEEKS = 4


async def load_digest(
    store: Store,
    *,
    group_id: int,
    group_name: str,
    week: str,
    working_time: WorkingTime,
    thresholds: Thresholds,
    now: datetime,
    language: str,
    flag_min_members: int,
) -> WeekDigest:
    """Return the digest of ``week`` for ``group_id``, with the previous weeks as its trend."""
    history = {w: await store.week(group_id, w) for w in previous_weeks(week, HISTORY_WEEKS)}
    source = DigestInput(
        group_id=group_id,
        group_name=group_name,
        week=week,
        current=await store.week(group_id, week),
        history=history,
        thresholds=thresholds,
        working_time=working_time,
        language=language,
        flag_min_members=flag_min_members,
    )
    return build_digest(source, now)
