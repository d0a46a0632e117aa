"""What the services load when they are built, before the first message."""

from __future__ import annotations

from pathlib import Path

from bot.config.settings import Settings
from bot.core.context.cues import shipped_cues
from bot.runtime.app import build_services
from storage.redis_store import RedisStore


async def test_the_cue_lexicon_is_loaded_with_the_services(
    store: RedisStore, tmp_path: Path
) -> None:
    shipped_cues.cache_clear()
    build_services(Settings(data_dir=tmp_path / "data"), store)
    assert shipped_cues.cache_info().currsize == 1  # not left to the first group message
