"""Two workers on one store: a settings change saved by one reaches the other."""

from __future__ import annotations

from pathlib import Path

from bot.config.group_settings import GroupSettings
from bot.config.settings import Settings
from bot.runtime.app import build_services
from storage.redis_store import RedisStore

GROUP = -1001


async def test_a_change_saved_by_one_worker_reaches_the_other(
    store: RedisStore, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first, second = build_services(settings, store), build_services(settings, store)
    assert first.worker != second.worker
    assert (await first.group(GROUP)).timezone is None
    assert str((await first.working_time(GROUP)).timezone) == settings.timezone
    await second.save_group(GROUP, GroupSettings(timezone="Europe/Berlin"))
    # Within the cache period the first worker still has its copy...
    assert (await first.group(GROUP)).timezone is None
    # ... and re-reads the store once it is over.
    first.group_cache_seconds = 0
    assert (await first.group(GROUP)).timezone == "Europe/Berlin"
    assert str((await first.working_time(GROUP)).timezone) == "Europe/Berlin"
