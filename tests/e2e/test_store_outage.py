"""A store outage loses no group message: held in memory, counted when the store is back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from redis.asyncio import Redis

from bot.config.settings import Settings
from bot.demo.playground import Playground
from bot.demo.sandbox import ManualClock
from bot.runtime.webhook import HEALTH_PATH, METRICS_PATH, ops_app
from storage.embedded import EmbeddedRedis, start_embedded
from storage.redis_store import RedisStore
from tests.support.http import closing_session
from tests.support.playground import MONDAY, at

POSTED_DURING_OUTAGE = 50


class Outage:
    """The bot on its own embedded server, which the test stops and starts again."""

    def __init__(self, directory: Path, ground: Playground, server: EmbeddedRedis) -> None:
        self.directory = directory
        self.ground = ground
        self.server = server

    def stop_store(self) -> None:
        self.server.stop()

    def start_store(self) -> None:
        self.server = start_embedded(self.directory)


@pytest.fixture
async def outage(tmp_path: Path) -> AsyncIterator[Outage]:
    directory = tmp_path / "redis"
    server = start_embedded(directory)
    client = Redis(unix_socket_path=server.socket_path)
    ground = await Playground.open(
        Settings(data_dir=tmp_path / "data"), RedisStore(client), ManualClock(MONDAY)
    )
    await ground.start_bot()
    scene = Outage(directory, ground, server)
    yield scene
    await ground.close()
    await client.aclose()
    scene.server.stop()


async def _ops(ground: Playground, path: str) -> tuple[int, str]:
    runner = web.AppRunner(ops_app(ground.services.healthy, ground.services.metrics))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}{path}"
        async with closing_session() as session, session.get(url) as reply:
            return reply.status, await reply.text()
    finally:
        await runner.cleanup()


def _metric(exposition: str, name: str) -> float:
    for line in exposition.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not exposed")


async def test_messages_posted_while_the_store_is_down_are_counted_when_it_is_back(
    outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    ground = outage.ground
    sandbox = ground.sandbox
    boss = sandbox.add_user("主任")
    member = sandbox.add_user("网格员")
    group = sandbox.create_group("工作群", owner=boss, members=[member])
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(group, boss, "请各位今晚10点前上报台账", at=at(0, 9))
    await ground.drain()

    outage.stop_store()
    for minute in range(POSTED_DURING_OUTAGE):
        sandbox.post(group, member, f"收到 {minute}", at=at(0, 10, minute))
    with caplog.at_level(logging.INFO):
        assert await ground.drain() == POSTED_DURING_OUTAGE
        status, _ = await _ops(ground, HEALTH_PATH)
        assert status == 503
        _, exposition = await _ops(ground, METRICS_PATH)
        assert _metric(exposition, "fingertip_messages_queued") == POSTED_DURING_OUTAGE

        outage.start_store()
        await asyncio.wait_for(ground.services.outage.wait_until_replayed(), 120)

    week = await ground.store.week(group.id, "2025-W46")
    assert week.messages == 1 + POSTED_DURING_OUTAGE
    assert week.acknowledgements == POSTED_DURING_OUTAGE
    status, _ = await _ops(ground, HEALTH_PATH)
    assert status == 200
    _, exposition = await _ops(ground, METRICS_PATH)
    assert _metric(exposition, "fingertip_messages_queued") == 0
    assert _metric(exposition, "fingertip_messages_dropped_total") == 0
    # One line when it went away and one when it came back; no traceback, no message text.
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2
    assert warnings[0].getMessage().startswith("store unreachable (")
    assert warnings[1].getMessage().startswith("store back after ")
    assert all(r.exc_info is None for r in caplog.records)
    assert all("收到" not in r.getMessage() for r in caplog.records)


async def test_a_full_queue_drops_the_excess_and_counts_it(outage: Outage) -> None:
    ground = outage.ground
    sandbox = ground.sandbox
    boss = sandbox.add_user("主任")
    group = sandbox.create_group("工作群", owner=boss)
    sandbox.add_bot_to_group(group, by=boss)
    await ground.drain()
    ground.services.outage.limit = 5

    outage.stop_store()
    for minute in range(8):
        sandbox.post(group, boss, f"第{minute}条通知", at=at(1, 10, minute))
    await ground.drain()
    outage.start_store()
    await asyncio.wait_for(ground.services.outage.wait_until_replayed(), 120)

    assert (await ground.store.week(group.id, "2025-W46")).messages == 5
    _, exposition = await _ops(ground, METRICS_PATH)
    assert _metric(exposition, "fingertip_messages_dropped_total") == 3
