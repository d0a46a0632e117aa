"""Concurrent ingests share round trips but each gets its own, correct result."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.core.labels import Label
from storage.base import IngestResult, StoreError
from storage.redis_store import RedisStore
from tests.support.builders import observation

GROUP = -1001
WEEK = "2025-W39"


async def test_concurrent_ingests_each_get_their_own_result(store: RedisStore) -> None:
    messages = [observation(n, labels={Label.TASK_PUSH} if n % 3 else set()) for n in range(60)]
    edited = observation(7, labels={Label.ACK_DEMAND})
    results = await asyncio.gather(
        *(store.ingest(m) for m in messages), *(store.ingest(m) for m in messages[:10])
    )
    assert results[:60] == [IngestResult.NEW] * 60
    assert results[60:] == [IngestResult.DUPLICATE] * 10
    assert await store.ingest(edited) is IngestResult.UPDATED
    week = await store.week(GROUP, WEEK)
    assert week.messages == 60
    assert week.labelled == {Label.TASK_PUSH: 39, Label.ACK_DEMAND: 1}


async def test_a_failed_write_reaches_every_waiting_caller() -> None:
    # Nothing listens on port 1: every waiting caller gets the store's one clear error.
    broken = RedisStore(Redis.from_url("redis://127.0.0.1:1/0"))
    try:
        outcomes = await asyncio.gather(
            *(broken.ingest(observation(n)) for n in range(5)), return_exceptions=True
        )
    finally:
        await broken.client.aclose()
    assert len(outcomes) == 5
    assert all(isinstance(outcome, StoreError) for outcome in outcomes)
