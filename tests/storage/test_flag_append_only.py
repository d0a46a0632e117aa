"""What the append-only file shows about a flag that names an app.

Redis logs a write it performs even when it changes nothing (an expiry set again), and logs no
write that changed nothing (a member's token already in a HyperLogLog). If a flag naming an app
set the app keys' expiry every time, a thief reading the AOF before its rewrite (or a replica's
stream) would see "expiry without insertion" exactly when the flagger had named that app before,
linking two flags to one member. Expiries are therefore set once, when a key is made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.core.flags import FlagEntry, WeekSalts
from bot.core.labels import Label
from storage import keys
from storage.embedded import start_embedded
from storage.redis_store import RedisStore

APP = "钉钉"


def _current_week() -> str:
    year, week, _ = datetime.now(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _log_size(data_dir: Path) -> tuple[Path, int]:
    log = sorted(data_dir.rglob("*.incr.aof"))[-1]
    return log, log.stat().st_size


async def _written(data_dir: Path, write: Awaitable[object]) -> str:
    log, before = _log_size(data_dir)
    await write
    await asyncio.sleep(1.2)  # the server appends within a second (appendfsync everysec)
    return log.read_bytes()[before:].decode(errors="replace")


async def test_naming_an_app_again_leaves_no_trace_of_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_embedded(tmp_path)
    client = Redis.from_url(server.url)
    try:
        store = RedisStore(client)

        async def no_rewrite(*, wait: bool = False) -> None:
            # stands for the window before the rewrite, a replica, or a server that refuses it
            return None

        monkeypatch.setattr(store, "compact", no_rewrite)
        salts, group, week = WeekSalts(), -100123, _current_week()

        def flag(member: int, label: Label, app: str | None) -> Awaitable[object]:
            return store.record_flag(
                salts.entry(group, week, label, member, None, keep_weeks=4, app=app)
            )

        first = await _written(tmp_path, flag(1, Label.TASK_PUSH, APP))
        again = await _written(tmp_path, flag(1, Label.PROOF_DEMAND, APP))
        without_app = await _written(tmp_path, flag(2, Label.PROOF_DEMAND, None))
        other_member = await _written(tmp_path, flag(3, Label.PROOF_DEMAND, APP))
    finally:
        await client.aclose()
        server.stop()
    assert ":app:" in first and ":app:" in other_member  # the log does show app writes
    assert ":app:" not in without_app
    assert ":app:" not in again


async def _files(data_dir: Path, client: Redis) -> bytes:
    for _ in range(500):  # bounded wait for the server's rewrites, not a timing assertion
        info = await client.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            break
        await asyncio.sleep(0.02)
    return _aof_bytes(data_dir)


def _aof_bytes(data_dir: Path) -> bytes:
    """The append-only file: its base (an RDB snapshot once rewritten) and its increments."""
    directory = next(data_dir.rglob("appendonlydir"))
    return b"".join(path.read_bytes() for path in sorted(directory.iterdir()))


async def _start_slow_rewrite(client: Redis, seconds_a_key: float) -> None:
    """Start a rewrite of eight keys that takes ``seconds_a_key`` per key."""
    for n in range(8):
        await client.set(f"{{fingertip-test}}:filler:{n}", n)
    await client.config_set("rdb-key-save-delay", int(seconds_a_key * 1_000_000))
    await client.bgrewriteaof()
    await client.config_set("rdb-key-save-delay", 0)  # the running one keeps its pace


def _flag_entry() -> FlagEntry:
    return WeekSalts().entry(
        -100123, _current_week(), Label.TASK_PUSH, 1, "周末加班", keep_weeks=4
    )


async def test_a_rewrite_already_running_does_not_leave_a_flag_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rewrite that started before the flag (the server's own, or one outlasting the store's
    # wait for it) cannot hold the flag's writes, and it makes the server refuse another one
    # for now. The store took that refusal for a server that never rewrites and stopped
    # compacting for good, leaving this flag and every later one in the file in arrival order.
    monkeypatch.setattr("storage.redis_store._REWRITE_WAIT_SECONDS", 0.2)
    server = start_embedded(tmp_path)
    client = Redis.from_url(server.url)
    try:
        store = RedisStore(client)
        # 0.1 s a key: a rewrite of about 0.8 s, longer than the store's (shortened) wait and
        # shorter than the refusals it tolerates
        await _start_slow_rewrite(client, seconds_a_key=0.1)
        entry = _flag_entry()
        assert (await store.record_flag(entry)).counted
        await store.rewrites_settled()
        written = await _files(tmp_path, client)
        assert written  # guards the checks below against a server writing no file
        assert entry.kind_token.encode() not in written
        assert entry.text_token.encode() not in written
    finally:
        await client.aclose()
        server.stop()


async def test_a_stop_during_a_long_rewrite_leaves_it_to_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closing used to wait for the rewrite a flag asked for, up to a couple of minutes on a
    # server rewriting a large file. Now it gives up after a bounded wait, and the next store
    # opened on the same server asks for the rewrite again, so the flag still leaves the file.
    monkeypatch.setattr("storage.redis_store.CLOSE_REWRITE_SECONDS", 0.1)
    server = start_embedded(tmp_path)
    watcher = Redis.from_url(server.url)
    try:
        # 0.2 s a key: a rewrite of about 1.6 s, running when the flag comes in
        await _start_slow_rewrite(watcher, seconds_a_key=0.2)
        store = RedisStore(Redis.from_url(server.url))
        entry = _flag_entry()
        assert (await store.record_flag(entry)).counted
        await store.close()
        # closed while the rewrite that cannot hold the flag still runs; the request is kept
        assert (await watcher.info("persistence"))["aof_rewrite_in_progress"]
        assert await watcher.exists(keys.COMPACTION_PENDING)

        reopened = RedisStore(Redis.from_url(server.url))
        await reopened.resume_compaction()
        await reopened.rewrites_settled()
        written = await _files(tmp_path, watcher)
        await reopened.close()
        assert written
        assert entry.kind_token.encode() not in written
        assert entry.text_token.encode() not in written
        assert not await watcher.exists(keys.COMPACTION_PENDING)
    finally:
        await watcher.aclose()
        server.stop()
