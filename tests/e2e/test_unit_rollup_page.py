"""A unit's leader finds a signed link under the weekly roll-up; it opens every group, ranked."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp import web
from redis.asyncio import Redis

from bot.config.settings import Settings
from bot.core.page_links import unit_from_subject, unit_subject
from bot.demo.playground import Playground
from bot.demo.sandbox import ManualClock
from bot.runtime.pages import pages_app
from bot.usecases.pages import page_key
from handlers.rollup import JOB_NAME
from storage.redis_store import RedisStore
from tests.e2e.test_unit_rollup import UNIT, redeem_unit_link, two_groups_in_a_unit
from tests.support.http import closing_session
from tests.support.playground import MONDAY, SHANGHAI

PUBLIC = "https://digest.example.org"
LINK = re.compile(r'<a href="([^"]+)">')


@pytest.fixture
async def ground(redis_client: Redis, tmp_path: Path) -> AsyncIterator[Playground]:
    settings = Settings(data_dir=tmp_path / "data", pages_url=PUBLIC)
    opened = await Playground.open(settings, RedisStore(redis_client), ManualClock(MONDAY))
    await opened.start_bot()
    yield opened
    await opened.close()


def test_unit_subjects_round_trip_and_refuse_anything_else() -> None:
    subject = unit_subject(UNIT)
    assert "/" not in subject
    assert unit_from_subject(subject) == UNIT
    for bad in ("", "not base64!", "-1001", subject + "A", "x" * 1000):
        assert unit_from_subject(bad) != UNIT


async def test_the_leader_opens_the_unit_page_and_its_csv(ground: Playground) -> None:
    busy, calm, boss, leader = await two_groups_in_a_unit(ground)
    ground.sandbox.command(busy, boss, f"/subscribe unit {UNIT}")
    await ground.drain()
    await redeem_unit_link(ground, boss, leader)
    ground.clock.set(datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI))
    (job,) = ground.application.job_queue.get_jobs_by_name(JOB_NAME)
    await job.run(ground.application)
    links = [
        html.unescape(found.group(1))
        for sent in ground.sandbox.sent_to(leader)
        if sent.text and (found := LINK.search(sent.text))
    ]
    assert len(links) == 1
    assert links[0].startswith(f"{PUBLIC}/pages/unit/{unit_subject(UNIT)}/2025-W46?")

    runner = web.AppRunner(pages_app(ground.services, page_key(ground.settings)))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    local = links[0].replace(PUBLIC, f"http://127.0.0.1:{runner.addresses[0][1]}")
    path, query = local.split("?", 1)
    try:
        async with closing_session() as session:
            async with session.get(local) as reply:
                assert reply.status == 200
                page = await reply.text()
            async with session.get(f"{path}.csv?{query}") as reply:
                assert reply.status == 200
                rows = list(csv.DictReader(io.StringIO(await reply.text())))
            # Another unit, or the same link with its signature changed, is refused alike.
            other = local.replace(unit_subject(UNIT), unit_subject("城北区"))
            for refused in (other, local[:-1] + ("0" if local[-1] != "0" else "1")):
                async with session.get(refused) as reply:
                    assert reply.status == 403
                    assert "社区" not in await reply.text()
    finally:
        await runner.cleanup()
    busy_name, calm_name = busy.title or "", calm.title or ""
    assert busy_name in page and calm_name in page
    # The busier group (night pushes, app check-ins) ranks first, on the page and in the CSV.
    assert page.index(busy_name) < page.index(calm_name)
    assert [row["group"] for row in rows] == [busy_name, calm_name]
    assert [int(row["rank"]) for row in rows] == [1, 2]
    assert int(rows[0]["score"]) > int(rows[1]["score"])
