"""Cover rewrites: the append-only file is also rewritten at random times, not only after flags."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from redis.asyncio import Redis

from bot.config.settings import Settings
from bot.demo.playground import Playground
from bot.demo.sandbox import ManualClock
from handlers.cover_rewrites import JOB_NAME, cover_schedule
from storage.embedded import start_embedded
from storage.redis_store import RedisStore
from tests.support.playground import MONDAY


@given(st.floats(min_value=0.01, max_value=24 * 60))
def test_the_gaps_average_the_configured_minutes_and_are_never_zero(mean: float) -> None:
    schedule = cover_schedule(mean)
    assert schedule is not None
    fixed, jitter = schedule
    # gaps are uniform between ``fixed`` and ``fixed + jitter`` seconds
    assert fixed.total_seconds() > 0
    assert jitter > 0
    assert fixed.total_seconds() + jitter / 2 == pytest.approx(mean * 60)


def test_zero_switches_them_off() -> None:
    assert cover_schedule(0) is None


@asynccontextmanager
async def _bot(tmp_path: Path, minutes: float) -> AsyncIterator[tuple[Playground, Redis]]:
    server = start_embedded(tmp_path / "redis")
    client = Redis.from_url(server.url)
    ground = await Playground.open(
        Settings(data_dir=tmp_path / "data", cover_rewrite_minutes=minutes),
        RedisStore(client),
        ManualClock(MONDAY),
    )
    try:
        await ground.start_bot()
        yield ground, client
    finally:
        await ground.close()
        await client.aclose()
        server.stop()


async def _rewrites(client: Redis) -> int:
    for _ in range(500):  # bounded wait for the server's rewrite, not a timing assertion
        info = await client.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return int(info["aof_rewrites"])
        await asyncio.sleep(0.02)
    raise AssertionError("the rewrite never finished")


async def test_the_running_bot_rewrites_the_append_only_file_when_its_job_fires(
    tmp_path: Path,
) -> None:
    async with _bot(tmp_path, 15) as (ground, client):
        jobs = ground.application.job_queue
        assert jobs is not None
        (job,) = jobs.get_jobs_by_name(JOB_NAME)
        before = await _rewrites(client)
        await job.run(ground.application)
        await ground.store.rewrites_settled()
        assert await _rewrites(client) == before + 1


async def test_no_cover_job_when_switched_off(tmp_path: Path) -> None:
    async with _bot(tmp_path, 0) as (ground, _):
        jobs = ground.application.job_queue
        assert jobs is not None
        assert jobs.get_jobs_by_name(JOB_NAME) == ()
