"""The e2e fixture: the real application against the Bot API sandbox, on a real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from redis.asyncio import Redis

from bot.config.settings import Settings
from bot.demo.playground import Playground
from bot.demo.sandbox import ManualClock
from storage.redis_store import RedisStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 11, 10, 8, 0, tzinfo=SHANGHAI)
"""Monday of ISO week 2025-W46, an ordinary working week, 08:00 in Shanghai."""
WEEK = "2025-W46"
"""The test week."""
DIGEST_DUE = datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI)
"""Monday after the test week, 09:00 in Shanghai: its weekly digest is due."""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the test week: ``day`` 0 is Monday 2025-11-10 (Shanghai time)."""
    return MONDAY.replace(day=MONDAY.day + day, hour=hour, minute=minute)


@pytest.fixture
async def playground(redis_client: Redis, tmp_path: Path) -> AsyncIterator[Playground]:
    """A started bot (privacy mode off) in a sandbox whose clock starts at ``MONDAY``."""
    ground = await Playground.open(
        Settings(data_dir=tmp_path / "data"), RedisStore(redis_client), ManualClock(MONDAY)
    )
    await ground.start_bot()
    yield ground
    await ground.close()


PAGES_URL = "https://digest.example.org"
"""The public base URL of the digest pages in ``pages_playground``."""


@pytest.fixture
async def pages_playground(redis_client: Redis, tmp_path: Path) -> AsyncIterator[Playground]:
    """``playground`` with digest pages published at ``PAGES_URL`` (digests carry links)."""
    ground = await Playground.open(
        Settings(data_dir=tmp_path / "data", pages_url=PAGES_URL),
        RedisStore(redis_client),
        ManualClock(MONDAY),
    )
    await ground.start_bot()
    yield ground
    await ground.close()
