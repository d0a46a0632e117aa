"""``fingertip export``: the weekly figures of every group in the store, as rows."""

from __future__ import annotations

from datetime import datetime

from bot.config.group_settings import GroupSettings
from bot.config.settings import Settings
from bot.core.digest import WeekDigest
from bot.usecases.digests import DigestRequest, load_digest
from bot.usecases.rollup import unit_members
from storage.base import Store
from storage.factory import open_store


async def stored_digests(
    store: Store, settings: Settings, now: datetime, group_ids: list[int] | None = None
) -> list[WeekDigest]:
    """Digests of every stored week of ``group_ids`` (default: every group), group by group,
    each in its group's own working time, thresholds and language."""
    digests: list[WeekDigest] = []
    for group_id in group_ids if group_ids is not None else await store.groups():
        group = await store.group_settings(group_id) or GroupSettings()
        request = DigestRequest(
            group_id=group_id,
            group_name=group.title or str(group_id),
            working_time=group.working_time(settings),
            thresholds=group.thresholds_from(settings),
            language=group.language_or(settings),
            flag_min_members=settings.flag_min_members,
        )
        for week in await store.weeks(group_id):
            digests.append(await load_digest(store, request, week, now))
    return digests


async def export_digests(
    settings: Settings, now: datetime, group_ids: list[int] | None = None, unit: str | None = None
) -> list[WeekDigest]:
    """Open the deployment's store (``FINGERTIP_REDIS_URL`` or the data dir) and read it: every
    group, or those of ``group_ids``, or (with ``unit``) the groups within that unit."""
    store = await open_store(settings.redis_url, settings.data_dir, settings.retention())
    try:
        if unit is not None:
            in_unit = [m.request.group_id for m in await unit_members(store, settings, unit)]
            group_ids = [g for g in in_unit if group_ids is None or g in group_ids]
        return await stored_digests(store, settings, now, group_ids)
    finally:
        await store.close()
