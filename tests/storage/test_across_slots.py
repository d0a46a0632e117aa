"""Work that spans many groups (and so many hash slots, on a cluster many nodes), per shape."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.crc import key_slot

from bot.core.labels import Label
from storage import keys
from storage.base import IngestResult
from storage.cluster import RedisClient, connect
from storage.factory import open_store
from storage.redis_store import RedisStore
from tests.support.builders import observation
from tests.support.cluster import LocalCluster
from tests.support.redis import CLUSTER_VARIABLE

WEEK = "2025-W39"
GROUPS = [-1000 - n for n in range(40)]


async def test_one_batch_over_many_groups_counts_each_group(store: RedisStore) -> None:
    batch = [
        observation(message, group_id=group, labels={Label.TASK_PUSH})
        for group in GROUPS
        for message in (1, 2)
    ]
    results = await store.ingest_many([*batch, *batch])
    assert results.count(IngestResult.NEW) == len(batch)
    assert results.count(IngestResult.DUPLICATE) == len(batch)
    assert await store.groups() == sorted(GROUPS)
    for group in GROUPS:
        assert (await store.week(group, WEEK)).labelled == {Label.TASK_PUSH: 2}


async def test_the_groups_of_a_batch_spread_over_many_slots() -> None:
    # Guards the test above: it only proves cross-slot work if its groups hash apart.
    slots = {key_slot(keys.week_counters(group, WEEK).encode()) for group in GROUPS}
    assert len(slots) > 30


async def test_a_lost_script_cache_is_reloaded_without_double_counting(
    store: RedisStore, redis_client: RedisClient
) -> None:
    first = [observation(n, group_id=group) for n, group in enumerate(GROUPS, start=1)]
    await store.ingest_many(first)
    # What a restarted or failed-over node looks like: no scripts loaded (on every primary).
    await redis_client.script_flush()
    results = await store.ingest_many([*first, observation(99, group_id=GROUPS[0])])
    assert results.count(IngestResult.DUPLICATE) == len(first)
    assert results[-1] is IngestResult.NEW
    assert (await store.week(GROUPS[0], WEEK)).messages == 2


needs_cluster = pytest.mark.skipif(
    os.environ.get(CLUSTER_VARIABLE) != "1", reason=f"set {CLUSTER_VARIABLE}=1 to run"
)


@needs_cluster
async def test_a_node_url_of_a_cluster_opens_a_cluster_client(
    redis_cluster: LocalCluster, tmp_path: Path
) -> None:
    client = await connect(redis_cluster.url)
    try:
        assert isinstance(client, RedisCluster)
        assert len(client.get_primaries()) == 3
    finally:
        await client.aclose()
    store = await open_store(redis_cluster.url, tmp_path)
    try:
        assert isinstance(store, RedisStore)
        assert isinstance(store.client, RedisCluster)
        assert await store.ping()
    finally:
        await store.close()


async def test_a_single_server_opens_a_plain_client(redis_url: str) -> None:
    client = await connect(redis_url)
    try:
        is_cluster_node = bool((await client.info("cluster")).get("cluster_enabled"))
        assert isinstance(client, RedisCluster) is is_cluster_node
        assert isinstance(client, Redis) is not is_cluster_node
    finally:
        await client.aclose()


async def test_the_same_update_processed_by_many_workers_at_once_counts_once(
    store: RedisStore, redis_url: str
) -> None:
    # Each "worker" has its own client and store, as separate processes would.
    workers = [RedisStore(await connect(redis_url)) for _ in range(4)]
    try:
        message = observation(5, group_id=GROUPS[3], labels={Label.PROOF_DEMAND})
        results = await asyncio.gather(
            *(worker.ingest_many([message]) for worker in workers for _ in range(5))
        )
    finally:
        for worker in workers:
            await worker.client.aclose()
    flat = [result for batch in results for result in batch]
    assert flat.count(IngestResult.NEW) == 1
    assert flat.count(IngestResult.DUPLICATE) == len(flat) - 1
    assert (await store.week(GROUPS[3], WEEK)).labelled == {Label.PROOF_DEMAND: 1}
