"""Flags in the store: counted once per member and kind, one text per member, a fixed expiry,
nothing ordered by arrival, and nothing left behind by an erase."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.core.flags import FLAG_TEXTS_KEPT, FlagText, flags_expire_at
from bot.core.labels import Label
from storage.redis_store import RedisStore
from tests.support.builders import flag_entry

GROUP, WEEK = -1001, "2025-W39"


async def test_a_member_counts_once_per_kind_and_week(store: RedisStore) -> None:
    first = await store.record_flag(flag_entry(GROUP, "a"))
    again = await store.record_flag(flag_entry(GROUP, "a", "再来一次"))
    await store.record_flag(flag_entry(GROUP, "b"))
    await store.record_flag(flag_entry(GROUP, "a2", label=Label.ACK_DEMAND))
    assert first.counted
    assert not again.counted
    assert not again.text_kept
    week = await store.week(GROUP, WEEK)
    assert week.flags.by_label == {Label.PROOF_DEMAND: 2, Label.ACK_DEMAND: 1}
    assert week.flags.texts == ()


async def test_one_text_per_member_and_a_bounded_number_per_week(store: RedisStore) -> None:
    kept = await store.record_flag(flag_entry(GROUP, "a", "截图太多", text_token="ta"))
    second = await store.record_flag(
        flag_entry(GROUP, "a-ack", "接龙太多", label=Label.ACK_DEMAND, text_token="ta")
    )
    assert kept.text_kept
    assert second.counted
    assert not second.text_kept
    for i in range(FLAG_TEXTS_KEPT + 3):
        await store.record_flag(flag_entry(GROUP, f"m{i}", f"文本{i}", text_token=f"t{i}"))
    texts = (await store.week(GROUP, WEEK)).flags.texts
    assert len(texts) == FLAG_TEXTS_KEPT
    assert FlagText(Label.PROOF_DEMAND, "截图太多") in texts


async def test_epochs_are_never_added_up(store: RedisStore) -> None:
    # The same member flagging before and after a restart has two unrelated tokens: counting the
    # largest epoch can only under-count.
    for member in ("a", "b"):
        await store.record_flag(flag_entry(GROUP, member, epoch="e1"))
    for member in ("a-again", "c", "d"):
        await store.record_flag(flag_entry(GROUP, member, epoch="e2"))
    assert (await store.week(GROUP, WEEK)).flags.by_label == {Label.PROOF_DEMAND: 3}


async def test_bulk_reads_count_flags_as_the_single_read_does(store: RedisStore) -> None:
    # A roll-up reads many groups' flags in one pipeline: each group keeps its own counts, the
    # largest over epochs, and no texts.
    other = GROUP - 1
    for member in ("a", "b"):
        await store.record_flag(flag_entry(GROUP, member, "太多截图", epoch="e1"))
    for member in ("c", "d", "e"):
        await store.record_flag(flag_entry(GROUP, member, epoch="e2"))
    await store.record_flag(flag_entry(other, "x", label=Label.ACK_DEMAND))
    await store.add_group(GROUP - 2)
    bulk = await store.week_many([GROUP, other, GROUP - 2], [WEEK])
    assert bulk[GROUP, WEEK].flags.by_label == (await store.week(GROUP, WEEK)).flags.by_label
    assert bulk[GROUP, WEEK].flags.by_label == {Label.PROOF_DEMAND: 3}
    assert bulk[GROUP, WEEK].flags.texts == ()
    assert bulk[other, WEEK].flags.by_label == {Label.ACK_DEMAND: 1}
    assert bulk[GROUP - 2, WEEK].flags.by_label == {}


async def test_every_flag_key_expires_at_the_same_fixed_moment(
    store: RedisStore, redis_client: Redis
) -> None:
    # A week still ahead of the real clock, so that its expiry lies in the future.
    ahead = "2099-W10"
    await store.record_flag(flag_entry(GROUP, "a", "一", week=ahead))
    await store.record_flag(flag_entry(GROUP, "b", "二", week=ahead, label=Label.ACK_DEMAND))
    flag_keys = [k async for k in redis_client.scan_iter(match=f"*{{g{GROUP}}}*:fl:*")]
    assert len(flag_keys) >= 4
    # PEXPIRETIME is missing from older servers: rebuild it from the server's clock and PTTL.
    seconds, micros = await redis_client.time()
    now_ms = seconds * 1000 + micros // 1000
    expected_ms = int(flags_expire_at(ahead, 8).timestamp()) * 1000
    for key in flag_keys:
        assert abs(now_ms + await redis_client.pttl(key) - expected_ms) < 2000


async def test_texts_are_stored_without_arrival_numbers(
    store: RedisStore, redis_client: Redis
) -> None:
    for i in range(6):
        await store.record_flag(flag_entry(GROUP, f"m{i}", f"文本{i}"))
    key = f"ft:{{g{GROUP}}}:w:{WEEK}:fl:texts"
    assert await redis_client.type(key) == b"zset"
    scores = {score for _, score in await redis_client.zrange(key, 0, -1, withscores=True)}
    assert scores == {0.0}
    # No hash fields numbered in arrival order, nor a running text counter, anywhere.
    async for name in redis_client.scan_iter(match=f"*{{g{GROUP}}}*"):
        assert await redis_client.type(name) != b"hash"


async def test_erase_removes_flags(store: RedisStore, redis_client: Redis) -> None:
    await store.record_flag(flag_entry(GROUP, "a", "删掉我"))
    await store.erase_group(GROUP)
    assert [k async for k in redis_client.scan_iter(match="*:fl:*")] == []


async def test_a_named_app_counts_distinct_members_and_never_adds_epochs(
    store: RedisStore,
) -> None:
    await store.record_flag(flag_entry(GROUP, "a", app="浙政钉", epoch="e1"))
    await store.record_flag(flag_entry(GROUP, "b", app="浙政钉", epoch="e1"))
    await store.record_flag(flag_entry(GROUP, "c", app="学习强国", epoch="e1"))
    # after a restart: two members again (one may be "a" under a new token), one new app
    await store.record_flag(flag_entry(GROUP, "a2", app="浙政钉", epoch="e2"))
    await store.record_flag(flag_entry(GROUP, "d", app="钉钉", epoch="e2"))
    # a second flag of the same kind is not counted, and its app is not counted either
    await store.record_flag(flag_entry(GROUP, "b", app="钉钉", epoch="e1"))
    week = await store.week(GROUP, WEEK)
    assert week.flags.by_app == {"浙政钉": 2, "学习强国": 1, "钉钉": 1}
    bulk = await store.week_many([GROUP], [WEEK])
    assert bulk[GROUP, WEEK].flags.by_app == week.flags.by_app


async def test_flagged_apps_store_no_token_and_nothing_per_member(
    store: RedisStore, redis_client: Redis
) -> None:
    for member in ("m1", "m2", "m3"):
        await store.record_flag(flag_entry(GROUP, member, app="浙政钉"))
    stored: list[bytes] = []
    async for key in redis_client.scan_iter(match=f"*g{GROUP}*"):
        stored.append(key)
        kind = await redis_client.type(key)
        if kind == b"set":
            stored.extend(await redis_client.smembers(key))
        elif kind == b"string":
            stored.append(await redis_client.get(key) or b"")
    blob = b"\n".join(stored)
    for member in ("m1", "m2", "m3"):
        assert f"app-{member}".encode() not in blob
        assert member.encode() not in blob
    # the app's name is kept once, in the week's set of flagged apps, not once per member
    assert blob.count("浙政钉".encode()) == 1
    await store.erase_group(GROUP)
    assert (await store.week(GROUP, WEEK)).flags.by_app == {}


async def test_flagged_apps_move_with_an_upgraded_group(store: RedisStore) -> None:
    new = GROUP - 8
    for member in ("a", "b"):
        await store.record_flag(flag_entry(GROUP, member, app="浙政钉"))
    await store.record_flag(flag_entry(new, "c", app="浙政钉"))
    await store.move_group(GROUP, new)
    assert (await store.week(new, WEEK)).flags.by_app == {"浙政钉": 3}
    assert (await store.week(GROUP, WEEK)).flags.by_app == {}


def _stale_hyperloglogs(values: dict[bytes, bytes]) -> set[bytes]:
    """The HyperLogLogs whose cached count is marked stale: Redis sets that bit (the high bit of
    the header's last byte) on every PFADD that changes the registers and clears it on the next
    PFCOUNT, so it marks what was added since the last read."""
    return {key for key, value in values.items() if value.startswith(b"HYLL") and value[15] & 0x80}


async def _flag_strings(redis_client: Redis, group_id: int) -> dict[bytes, bytes]:
    """Every string key of ``group_id``'s flags (the HyperLogLog counters) and its bytes."""
    found = {}
    async for key in redis_client.scan_iter(match=f"*{{g{group_id}}}*:fl:*"):
        if await redis_client.type(key) == b"string":
            found[key] = await redis_client.get(key) or b""
    return found


async def test_no_counter_tells_which_kind_was_flagged_last(
    store: RedisStore, redis_client: Redis
) -> None:
    # Someone reads the week (a member picking a kind reads it, as does /digest) between two
    # flags. The last flag's counters must look like every other counter: the stale-count bit
    # would say that the newest flag was of this kind, with a text, naming this app. The
    # rewritten append-only file keeps the bytes as they are, next to the time it was written.
    await store.record_flag(flag_entry(GROUP, "a", label=Label.ACK_DEMAND, app="浙政钉"))
    await store.week(GROUP, WEEK)
    await store.record_flag(flag_entry(GROUP, "b", "截图太多", app="学习强国"))
    values = await _flag_strings(redis_client, GROUP)
    assert len(values) >= 5
    assert _stale_hyperloglogs(values) == set()
    # moving the flags of an upgraded group leaves no stale count either
    await store.move_group(GROUP, GROUP - 8)
    moved = await _flag_strings(redis_client, GROUP - 8)
    assert len(moved) >= 5
    assert _stale_hyperloglogs(moved) == set()
