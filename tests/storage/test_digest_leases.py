"""Digest leases, per deployment shape: one sender per digest, takeover after expiry."""

from __future__ import annotations

import asyncio

from storage.redis_store import RedisStore

GROUP = -1001
WEEK = "2025-W39"
LEADER = 42
LONG = 60.0
SHORT = 0.2


async def lease_once_free(store: RedisStore, holder: str) -> int | None:
    """Poll until ``holder`` gets the lease (a hang guard, not a timing test)."""
    for _ in range(200):
        lease = await store.take_digest_lease(GROUP, WEEK, LEADER, holder, LONG)
        if lease is not None:
            return lease.parts_sent
        await asyncio.sleep(0.02)
    return None


async def test_of_many_concurrent_workers_exactly_one_gets_the_lease(store: RedisStore) -> None:
    leases = await asyncio.gather(
        *(store.take_digest_lease(GROUP, WEEK, LEADER, f"worker-{n}", LONG) for n in range(20))
    )
    held = [lease for lease in leases if lease is not None]
    assert len(held) == 1
    assert held[0].parts_sent == 0
    # The holder renews its own lease; other recipients have leases of their own.
    assert await store.take_digest_lease(GROUP, WEEK, LEADER, held[0].holder, LONG) == held[0]
    assert await store.take_digest_lease(GROUP, WEEK, LEADER + 1, "worker-0", LONG) is not None


async def test_a_sent_digest_is_never_leased_again(store: RedisStore) -> None:
    lease = await store.take_digest_lease(GROUP, WEEK, LEADER, "a", LONG)
    assert lease is not None
    await store.finish_digest(GROUP, WEEK, LEADER, lease, sent=True)
    assert await store.take_digest_lease(GROUP, WEEK, LEADER, "a", LONG) is None
    assert await store.take_digest_lease(GROUP, WEEK, LEADER, "b", LONG) is None
    assert await store.take_digest_lease(GROUP, "2025-W40", LEADER, "b", LONG) is not None


async def test_an_abandoned_lease_is_taken_over_after_the_parts_already_sent(
    store: RedisStore,
) -> None:
    dying = await store.take_digest_lease(GROUP, WEEK, LEADER, "dying", SHORT)
    assert dying is not None
    assert await store.record_digest_parts(GROUP, WEEK, LEADER, dying, 2, SHORT)
    assert await store.take_digest_lease(GROUP, WEEK, LEADER, "taker", LONG) is None
    assert await lease_once_free(store, "taker") == 2
    # The slow worker wakes up: its lease is gone, so it must stop sending.
    assert not await store.record_digest_parts(GROUP, WEEK, LEADER, dying, 3, SHORT)


async def test_a_failed_delivery_frees_the_lease_and_keeps_its_progress(
    store: RedisStore,
) -> None:
    first = await store.take_digest_lease(GROUP, WEEK, LEADER, "a", LONG)
    assert first is not None
    assert await store.record_digest_parts(GROUP, WEEK, LEADER, first, 1, LONG)
    await store.finish_digest(GROUP, WEEK, LEADER, first, sent=False)
    retry = await store.take_digest_lease(GROUP, WEEK, LEADER, "b", LONG)
    assert retry is not None
    assert retry.parts_sent == 1


async def test_a_lease_that_lapsed_untaken_still_records_the_part_it_sent(
    store: RedisStore,
) -> None:
    # A send waited on Telegram's pacing past the lease, and no other worker took it meanwhile:
    # the part did arrive, so refusing its record would have it sent again.
    slow = await store.take_digest_lease(GROUP, WEEK, LEADER, "slow", SHORT)
    assert slow is not None
    await asyncio.sleep(SHORT * 2)
    assert await store.record_digest_parts(GROUP, WEEK, LEADER, slow, 1, SHORT)
    assert await store.take_digest_lease(GROUP, WEEK, LEADER, "other", LONG) is None
    assert await lease_once_free(store, "other") == 1


async def test_a_late_record_after_another_holder_sent_the_digest_is_refused(
    store: RedisStore,
) -> None:
    slow = await store.take_digest_lease(GROUP, WEEK, LEADER, "slow", SHORT)
    assert slow is not None
    assert await lease_once_free(store, "taker") == 0
    taker = await store.take_digest_lease(GROUP, WEEK, LEADER, "taker", LONG)
    assert taker is not None
    await store.finish_digest(GROUP, WEEK, LEADER, taker, sent=True)
    assert not await store.record_digest_parts(GROUP, WEEK, LEADER, slow, 1, SHORT)
    assert await store.take_digest_lease(GROUP, WEEK, LEADER, "third", LONG) is None


async def test_a_late_record_never_moves_progress_back(store: RedisStore) -> None:
    slow = await store.take_digest_lease(GROUP, WEEK, LEADER, "slow", SHORT)
    assert slow is not None
    assert await lease_once_free(store, "taker") == 0
    taker = await store.take_digest_lease(GROUP, WEEK, LEADER, "taker", LONG)
    assert taker is not None
    assert await store.record_digest_parts(GROUP, WEEK, LEADER, taker, 3, LONG)
    await store.finish_digest(GROUP, WEEK, LEADER, taker, sent=False)
    # The slow worker's record of its first part comes in after the taker gave the lease up.
    assert await store.record_digest_parts(GROUP, WEEK, LEADER, slow, 1, LONG)
    await store.finish_digest(GROUP, WEEK, LEADER, slow, sent=False)
    assert await lease_once_free(store, "third") == 3
