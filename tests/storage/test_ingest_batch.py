"""Batched ingest (one Lua call per run of a group-week) counts exactly as one call per message."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from redis.asyncio import Redis

from bot.core.labels import Label
from bot.core.observation import Observation
from bot.core.worktime import Band
from storage import keys
from storage.base import IngestResult
from storage.factory import open_store
from storage.redis_store import RUN, RedisStore
from tests.support.builders import SHANGHAI, observation

ONE_BY_ONE = -2001
BATCHED = -2002
MONDAY = datetime(2025, 9, 22, 10, 0, tzinfo=SHANGHAI)
PUSH_PROOF = {Label.TASK_PUSH, Label.PROOF_DEMAND}


def _story() -> list[Observation]:
    """Every path of the counting script, in one order: new, duplicate, edit, stale edit,
    report repeats (same sender in the window, another sender after it), evidence past its
    cap, exempt messages, two weeks interleaved, ids used again in another week."""
    week2 = MONDAY + timedelta(days=7)
    story = [
        observation(1, labels=PUSH_PROOF, band=Band.AFTER_HOURS, sender="boss"),
        observation(1, labels=PUSH_PROOF, band=Band.AFTER_HOURS, sender="boss"),
        observation(2, labels={Label.REPORT_DEMAND}, subject="台账", sender="boss"),
        observation(
            3,
            labels={Label.REPORT_DEMAND},
            subject="台账",
            sender="boss",
            at=MONDAY + timedelta(hours=1),
        ),
        observation(
            4,
            labels={Label.REPORT_DEMAND},
            subject="台账",
            sender="deputy",
            at=MONDAY + timedelta(days=3),
        ),
        observation(5, at=week2, labels={Label.TASK_PUSH}, sender="boss"),
        observation(2, labels={Label.ACK_DEMAND}, sender="boss", version=1_000),
        observation(2, labels={Label.REPORT_DEMAND}, subject="台账", sender="boss"),
        observation(6, labels=PUSH_PROOF, exempt=True, band=Band.QUIET),
        observation(1, at=week2, labels={Label.PROOF_DEMAND}, sender=None),
        observation(7, labels=set(), sender="member"),
        observation(7, labels={Label.TASK_PUSH}, sender="member", version=2_000),
        observation(7, labels=set(), sender="member", version=1_500),
    ]
    # Past the evidence cap for task pushes, so later lines are counted but not kept.
    story += [
        observation(100 + n, labels={Label.TASK_PUSH}, excerpt=f"push {n}", sender=f"s{n % 3}")
        for n in range(30)
    ]
    return story


def _in_group(story: list[Observation], group_id: int) -> list[Observation]:
    return [replace(o, group_id=group_id) for o in story]


async def _group_keys(client: Redis, group_id: int) -> dict[str, object]:
    """Every key of the group, by its name without the group, with its value (and a TTL flag)."""
    found: dict[str, object] = {}
    prefix = keys.group_pattern(group_id)[:-1]
    async for raw in client.scan_iter(match=keys.group_pattern(group_id), count=500):
        name = raw.decode() if isinstance(raw, bytes) else raw
        kind = (await client.type(name)).decode()
        if kind == "hash":
            value: object = await client.hgetall(name)
        elif kind == "zset":
            value = await client.zrange(name, 0, -1, withscores=True)
        else:
            value = kind
        found[name[len(prefix) :]] = (value, await client.ttl(name) > 0)
    return found


async def test_batched_ingest_writes_what_one_call_per_message_writes(
    store: RedisStore, redis_client: Redis
) -> None:
    story = _story()
    singles = [await store.ingest(o) for o in _in_group(story, ONE_BY_ONE)]
    batched = await store.ingest_many(_in_group(story, BATCHED))
    assert batched == singles
    assert {IngestResult.NEW, IngestResult.DUPLICATE, IngestResult.UPDATED} <= set(batched)
    one_by_one = await _group_keys(redis_client, ONE_BY_ONE)
    assert one_by_one  # guards the comparison below against two empty groups
    assert await _group_keys(redis_client, BATCHED) == one_by_one
    for week in ("2025-W39", "2025-W40"):
        assert await store.week(BATCHED, week) == await store.week(ONE_BY_ONE, week)


async def test_interleaved_groups_count_as_one_call_per_message(
    store: RedisStore, redis_client: Redis
) -> None:
    # Many groups at once (a webhook's batch): each group's messages keep their order, and
    # every group ends up as if its messages had come one call at a time.
    story = _story()
    singles = [await store.ingest(o) for o in _in_group(story, ONE_BY_ONE)]
    groups = (-2003, -2004, -2005)
    mixed = [replace(o, group_id=group) for o in story for group in groups]
    results = await store.ingest_many(mixed)
    assert results == [result for result in singles for _ in groups]
    one_by_one = await _group_keys(redis_client, ONE_BY_ONE)
    for group in groups:
        assert await _group_keys(redis_client, group) == one_by_one


async def test_a_run_longer_than_one_call_counts_each_message_once(store: RedisStore) -> None:
    many = [observation(n, labels={Label.TASK_PUSH}) for n in range(1, RUN * 2 + 10)]
    results = await store.ingest_many([*many, many[0], many[RUN]])
    assert results.count(IngestResult.NEW) == len(many)
    assert results[-2:] == [IngestResult.DUPLICATE, IngestResult.DUPLICATE]
    week = await store.week(-1001, "2025-W39")
    assert (week.messages, week.labelled) == (len(many), {Label.TASK_PUSH: len(many)})


async def test_an_acknowledged_batch_survives_a_restart(tmp_path: Path) -> None:
    first_half = [observation(n, labels={Label.TASK_PUSH}) for n in range(1, 41)]
    second_half = [observation(n, labels={Label.PROOF_DEMAND}) for n in range(41, 61)]
    store = await open_store(None, tmp_path)
    await store.ingest_many(first_half)
    await store.close()

    # The audit starts over after a restart: what was acknowledged is neither lost nor
    # counted twice.
    again = await open_store(None, tmp_path)
    try:
        results = await again.ingest_many([*first_half, *second_half])
        assert results == [IngestResult.DUPLICATE] * 40 + [IngestResult.NEW] * 20
        week = await again.week(-1001, "2025-W39")
        assert week.messages == 60
        assert week.labelled == {Label.TASK_PUSH: 40, Label.PROOF_DEMAND: 20}
    finally:
        await again.close()


async def test_a_redelivered_report_demand_leaves_its_repeat_and_the_subjects_as_they_were(
    store: RedisStore, redis_client: Redis
) -> None:
    # A subject remembers only its last 8 requests: the first of a dozen has dropped out by
    # the time an old one is delivered again (Telegram redelivers; an audit starts over part
    # way), so working its repeat out again found no earlier request and took its repeat off,
    # and remembering it again pushed a request the next one needs out of the subject.
    story = [
        observation(
            n,
            labels={Label.REPORT_DEMAND},
            subject="台账",
            sender="boss",
            at=MONDAY + timedelta(minutes=30 * n),
        )
        for n in range(1, 13)
    ]
    await store.ingest_many(story)
    stored = await _group_keys(redis_client, -1001)
    week = await store.week(-1001, "2025-W39")
    assert len(week.repeated_reports) == 11
    assert await store.ingest(story[1]) is IngestResult.DUPLICATE
    assert await store.ingest_many(story[2:4]) == [IngestResult.DUPLICATE] * 2
    assert await _group_keys(redis_client, -1001) == stored
    assert await store.week(-1001, "2025-W39") == week


async def test_a_count_undone_within_one_run_leaves_no_field(
    store: RedisStore, redis_client: Redis
) -> None:
    # The run's counts are written once at its end: a label counted and taken back by an
    # edit in the same run leaves no field (not a zero), as one call per message would.
    run = [
        observation(1, labels={Label.TASK_PUSH}, sender="boss"),
        observation(1, labels=set(), sender="boss", version=1_000),
        observation(2, labels=set(), sender="boss"),
    ]
    results = await store.ingest_many(run)
    assert results == [IngestResult.NEW, IngestResult.UPDATED, IngestResult.NEW]
    counters = await redis_client.hgetall(keys.week_counters(-1001, "2025-W39"))
    assert b"0" not in counters.values()
    assert not [name for name in counters if name.startswith(b"l")]
    assert int(counters[b"m"]) == 2
