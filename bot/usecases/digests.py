"""Read a group-week and its history from the store and build its digest.

Delivery, ``/overview`` and the audit all go through ``load_digest``: they differ only in how
they fill the ``DigestRequest`` (a group's settings in the bot, the command line in the audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.digest import DigestInput, WeekDigest, build_digest
from bot.core.schedule import due_week
from bot.core.thresholds import Thresholds
from bot.core.worktime import WorkingTime, previous_weeks
from bot.usecases.services import Services
from storage.base import Store

HISTORY_WEEKS = 4


@dataclass(frozen=True, slots=True)
class DigestRequest:
    """Whose digests to build, and the settings they are judged by."""

    group_id: int
    group_name: str
    working_time: WorkingTime
    thresholds: Thresholds
    language: str
    flag_min_members: int

    @classmethod
    async def of_group(cls, found: Services, group_id: int) -> DigestRequest:
        """The request for a group the bot audits: its own settings over the deployment's."""
        group = await found.group(group_id)
        return cls(
            group_id=group_id,
            group_name=group.title or str(group_id),
            working_time=await found.working_time(group_id),
            thresholds=group.thresholds_from(found.settings),
            language=group.language_or(found.settings),
            flag_min_members=found.settings.flag_min_members,
        )


async def load_digest(
    store: Store, request: DigestRequest, week: str, now: datetime
) -> WeekDigest:
    """Return the digest of ``week`` for the requested group, with the previous weeks as trend."""
    group_id = request.group_id
    history = {w: await store.week(group_id, w) for w in previous_weeks(week, HISTORY_WEEKS)}
    source = DigestInput(
        group_id=group_id,
        group_name=request.group_name,
        week=week,
        current=await store.week(group_id, week),
        history=history,
        thresholds=request.thresholds,
        working_time=request.working_time,
        language=request.language,
        flag_min_members=request.flag_min_members,
    )
    return build_digest(source, now)


async def due_group_week(found: Services, group_id: int, now: datetime) -> str:
    """The latest week of ``group_id`` whose digest was due at ``now`` (its local schedule)."""
    group = await found.group(group_id)
    weekday, at = group.digest_moment(found.settings)
    return due_week((await found.working_time(group_id)).local(now), weekday, at)
