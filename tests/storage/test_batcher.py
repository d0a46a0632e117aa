"""Concurrent ingests share round trips but each gets its own, correct result; decoded
conversation states are reused only while they are what Redis holds."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis, RedisCluster

from bot.core.context import ConversationState, Demand, Seen, SenderHistory
from bot.core.labels import Label
from storage.base import IngestResult, StoreError
from storage.batcher import Coalescer
from storage.cluster import RedisClient
from storage.conversations import DecodedStates, decode_state, encode_state
from storage.embedded import start_embedded
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


# The coalescer under the store: order, refusals, lost scripts.

SCRIPT_INCR = "return redis.call('INCR', KEYS[1])"


async def test_commands_queued_together_run_in_the_order_they_were_queued(
    redis_client: RedisClient,
) -> None:
    coalescer = Coalescer(redis_client)
    key = "{fingertip-test}:order"
    await asyncio.gather(*(coalescer.call(("RPUSH", key, n)) for n in range(200)))
    assert [int(n) for n in await redis_client.lrange(key, 0, -1)] == list(range(200))
    assert coalescer.batches < 200  # they shared pipelines


async def test_a_refused_command_fails_its_own_caller_only(redis_client: RedisClient) -> None:
    coalescer = Coalescer(redis_client)
    key = "{fingertip-test}:counter"
    outcomes = await asyncio.gather(
        coalescer.call(("INCR", key)),
        coalescer.call(("HGET", key, "field")),  # a string is not a hash: refused
        coalescer.call(("INCR", key)),
        return_exceptions=True,
    )
    assert outcomes[0] == 1
    assert isinstance(outcomes[1], StoreError)
    assert outcomes[2] == 2


async def test_replies_spread_over_many_reads_each_reach_their_own_caller(
    redis_client: RedisClient,
) -> None:
    # Replies of 20 KB: one batch's replies arrive over many socket reads, and those already
    # in the buffer are taken straight from the parser; refusals keep their places.
    coalescer = Coalescer(redis_client)
    keys = [f"{{fingertip-test}}:big{n}" for n in range(40)]
    await asyncio.gather(*(coalescer.call(("SET", key, key.encode() * 1000)) for key in keys))
    commands = [("GET", key) if n % 3 else ("HGET", key, "f") for n, key in enumerate(keys)]
    outcomes = await asyncio.gather(
        *(coalescer.call(command) for command in commands), return_exceptions=True
    )
    for n, (key, outcome) in enumerate(zip(keys, outcomes, strict=True)):
        if n % 3:
            assert outcome == key.encode() * 1000
        else:
            assert isinstance(outcome, StoreError)
    await redis_client.delete(*keys)


async def test_a_failed_batch_fails_every_caller_in_it() -> None:
    broken = Redis.from_url("redis://127.0.0.1:1/0")
    coalescer = Coalescer(broken)
    try:
        outcomes = await asyncio.gather(
            *(coalescer.call(("INCR", f"k{n}")) for n in range(6)), return_exceptions=True
        )
    finally:
        await broken.aclose()
    assert len(outcomes) == 6
    assert all(isinstance(outcome, StoreError) for outcome in outcomes)


async def test_ingests_in_one_batch_are_counted_once_each_after_the_server_lost_its_scripts(
    tmp_path: Path,
) -> None:
    server = start_embedded(tmp_path / "own")  # ours alone: flushing its scripts harms nobody
    client = Redis.from_url(server.url)
    try:
        store = RedisStore(client)
        assert await store.ingest(observation(1)) is IngestResult.NEW
        await client.script_flush()
        results = await asyncio.gather(
            *(store.ingest(observation(n)) for n in (2, 3, 4, 2, 1)),
        )
        assert results == [IngestResult.NEW] * 3 + [IngestResult.DUPLICATE] * 2
        assert (await store.week(GROUP, WEEK)).messages == 4

        # Only the commands the server refused are sent again: the INCR beside them runs once.
        coalescer = Coalescer(client, [SCRIPT_INCR])
        sha = hashlib.sha1(SCRIPT_INCR.encode()).hexdigest()
        assert await coalescer.call(("EVALSHA", sha, 1, "{t}:scripted")) == 1
        await client.script_flush()
        replies = await asyncio.gather(
            coalescer.call(("EVALSHA", sha, 1, "{t}:scripted")),
            coalescer.call(("INCR", "{t}:plain")),
        )
        assert replies == [2, 1]
    finally:
        await client.aclose()
        server.stop()


@pytest.mark.parametrize("mode", ["no-hiredis", "private-api-moved"])
async def test_the_coalescer_works_without_its_hiredis_fast_path(
    mode: str, redis_url: str, redis_client: RedisClient
) -> None:
    # The fast path reads redis-py's private hiredis parser: without hiredis, or with a
    # redis-py (such as 5.0.x, inside our range) that lacks the names it imports, the store
    # could not even be imported. In a process of its own, since imports are settled once.
    if isinstance(redis_client, RedisCluster):
        pytest.skip("a cluster batch goes through the cluster pipeline, never the fast path")
    probe = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.coalescer_probe",
        mode,
        redis_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await probe.communicate()
    assert probe.returncode == 0, err.decode()
    seen = json.loads(out)
    assert seen["fast_path"] is False
    assert seen["hiredis_in_redis_py"] is (mode == "private-api-moved")
    assert seen["pushed"] == list(range(1, 301))
    assert seen["listed"] == list(range(300))
    assert seen["outcomes"] == [None, "StoreError", 300]
    assert seen["scripts"] == [1, 2]  # the script ran again after NOSCRIPT, once
    assert seen["batches"] < 300


# Decoded conversation states are reused only while Redis holds the bytes they came from.


def conversation(*handled: int) -> ConversationState:
    at = datetime(2025, 9, 22, 9, tzinfo=UTC)
    return ConversationState(
        demands=(Demand(handled[0], frozenset({Label.TASK_PUSH}), "k1", at),),
        seen=tuple(Seen(n, "k2", at, answers=handled[0]) for n in handled[1:]),
        senders=(("k1", SenderHistory(asks=1)), ("k2", SenderHistory(answers=len(handled) - 1))),
        handled=handled,
    )


async def test_a_worker_reads_the_state_another_worker_wrote_not_the_one_it_kept(
    redis_client: RedisClient,
) -> None:
    first, second = RedisStore(redis_client), RedisStore(redis_client)
    await first.save_conversation(GROUP, conversation(1), ttl_seconds=3600)
    assert await second.conversation(GROUP) == conversation(1)  # decoded from Redis
    await first.save_conversation(GROUP, conversation(1, 2), ttl_seconds=3600)
    assert await second.conversation(GROUP) == conversation(1, 2)
    await second.save_conversation(GROUP, conversation(1, 2, 3), ttl_seconds=3600)
    assert await first.conversation(GROUP) == conversation(1, 2, 3)
    await first.erase_group(GROUP)
    assert await second.conversation(GROUP) == ConversationState()


def test_the_same_bytes_are_decoded_once_and_other_bytes_again() -> None:
    states = DecodedStates(max_groups=2)
    one, two = encode_state(conversation(1)), encode_state(conversation(1, 2))
    assert states.read(GROUP, one) == conversation(1)
    assert states.read(GROUP, one) == conversation(1)
    assert states.decoded == 1
    assert states.read(GROUP, two) == conversation(1, 2)
    assert states.decoded == 2
    states.written(GROUP, one, conversation(1))
    assert states.read(GROUP, one) == conversation(1)
    assert states.decoded == 2
    assert states.read(GROUP, None) == ConversationState()
    assert states.read(GROUP, one) == conversation(1)
    assert states.decoded == 3


def test_only_the_most_recent_groups_are_kept() -> None:
    states = DecodedStates(max_groups=2)
    stored = encode_state(conversation(5))
    for group in (-1, -2, -3):
        states.read(group, stored)
    states.read(-3, stored)
    states.read(-2, stored)
    assert states.decoded == 3
    states.read(-1, stored)  # the least recent: no longer kept
    assert states.decoded == 4


def test_damaged_bytes_decode_to_an_empty_state() -> None:
    states = DecodedStates()
    assert states.read(GROUP, b'{"demands": [{"id": "x"}]}') == ConversationState()
    assert states.read(GROUP, b"not json") == ConversationState()
    assert decode_state(b"[1, 2]") == ConversationState()


async def test_pipelines_go_on_after_the_server_dropped_the_connections(tmp_path: Path) -> None:
    server = start_embedded(tmp_path / "own")  # ours alone: killing its clients harms nobody
    client, other = Redis.from_url(server.url), Redis.from_url(server.url)
    try:
        store = RedisStore(client)
        assert await store.ingest(observation(1)) is IngestResult.NEW
        assert await other.execute_command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
        results = await asyncio.gather(store.ingest(observation(2)), store.ingest(observation(1)))
        assert results == [IngestResult.NEW, IngestResult.DUPLICATE]
        assert (await store.week(GROUP, WEEK)).messages == 2
    finally:
        await client.aclose()
        await other.aclose()
        server.stop()


async def test_closing_the_store_first_finishes_the_writes_in_flight(tmp_path: Path) -> None:
    # At shutdown a write may still sit with the coalescer: closing the store must let its
    # pipeline finish (and answer its caller), not cut the connection under it.
    server = start_embedded(tmp_path)
    try:
        store = RedisStore(Redis.from_url(server.url))
        pending = asyncio.ensure_future(store.ingest(observation(1, labels={Label.TASK_PUSH})))
        for _ in range(100):  # a few loop turns until the ingest has queued its commands
            if store.writes_in_flight():
                break
            await asyncio.sleep(0)
        assert store.writes_in_flight()
        await store.close()
        assert pending.done()  # answered before the pool closed, its connection given back
        assert pending.result() is IngestResult.NEW
        check = RedisStore(Redis.from_url(server.url))
        try:
            assert (await check.week(GROUP, WEEK)).messages == 1
        finally:
            await check.close()
    finally:
        server.stop()


async def test_settling_the_store_finishes_its_background_rewrite_and_keeps_it_open(
    tmp_path: Path,
) -> None:
    # An anonymous flag starts an append-only rewrite in the background. A caller that hands
    # the connections back (a test fixture, a bot at shutdown) settles first; otherwise the
    # rewrite runs on past the event loop, and its connection is never closed.
    server = start_embedded(tmp_path)
    client = Redis.from_url(server.url)
    try:
        store = RedisStore(client)
        await store.compact()
        rewriting = _other_pending_tasks()
        assert rewriting
        await store.settle()
        assert all(task.done() for task in rewriting)
        assert (await client.info("persistence"))["aof_rewrite_in_progress"] == 0
        assert await store.ping()
    finally:
        await client.aclose()
        server.stop()


def _other_pending_tasks() -> list[asyncio.Task[object]]:
    current = asyncio.current_task()
    return [task for task in asyncio.all_tasks() if task is not current and not task.done()]
