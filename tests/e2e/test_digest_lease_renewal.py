"""A digest part goes out only under a live lease: the lease of a recipient served late may have
expired while the digest was built or the recipients before it were served (Telegram's pacing),
and a part sent then would be sent again by whoever resumes the digest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis
from telegram import Chat, User

from bot.config.settings import Settings
from bot.demo.playground import Playground
from bot.demo.sandbox import ManualClock
from handlers.digest_delivery import JOB_PREFIX, SWEEP_JOB
from storage.redis_store import RedisStore
from tests.e2e.test_digest_delivery import photos, post_week, subscribe, subscribed_leader, texts
from tests.support.playground import MONDAY, SHANGHAI, at

DUE = datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI)
LEASE_SECONDS = 1.7
"""Longer than one 429 pause of a second (each part renews the lease), shorter than two: the lease
taken at the start for the recipient served second runs out while the first is served."""


@pytest.fixture
async def short_lease(redis_client: Redis, tmp_path: Path) -> AsyncIterator[Playground]:
    ground = await Playground.open(
        Settings(data_dir=tmp_path / "data", digest_lease_seconds=LEASE_SECONDS),
        RedisStore(redis_client),
        ManualClock(MONDAY),
    )
    await ground.start_bot()
    yield ground
    await ground.close()


async def test_a_recipient_whose_lease_ran_out_meanwhile_gets_every_part_once(
    short_lease: Playground,
) -> None:
    ground = short_lease
    group, boss, member, leader = subscribed_leader(ground)
    await subscribe(ground, boss, leader)
    second = ground.sandbox.add_user("副区长", language_code="zh-hans")
    await subscribe_another(ground, boss, group, second)
    post_week(ground, group, boss, member)
    await ground.drain()
    before = {
        user.id: (len(texts(ground, user)), photos(ground, user)) for user in (leader, second)
    }

    # The first recipient's text and chart are each answered 429 with retry_after 1: the bot
    # waits both out, and meanwhile the lease it took for the recipient served next expires.
    ground.sandbox.fail_next("sendMessage", status=429, retry_after=1)
    ground.sandbox.fail_next("sendPhoto", status=429, retry_after=1)
    ground.clock.set(DUE)
    app = ground.application
    [weekly] = app.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}")
    await weekly.run(app)
    [sweep] = app.job_queue.get_jobs_by_name(SWEEP_JOB)
    for _ in range(100):  # the sweep resumes what the lapsed lease left (a hang guard)
        await sweep.run(app)
        await asyncio.sleep(LEASE_SECONDS / 3)
        if all(photos(ground, user) > before[user.id][1] for user in (leader, second)):
            break
    await sweep.run(app)
    for user in (leader, second):
        sent_texts, sent_photos = before[user.id]
        assert (len(texts(ground, user)), photos(ground, user)) == (
            sent_texts + 1,
            sent_photos + 1,
        )


async def subscribe_another(ground: Playground, boss: User, group: Chat, user: User) -> None:
    """Subscribe a second leader through a fresh one-time link."""
    ground.sandbox.command(group, boss, "/subscribe")
    await subscribe(ground, boss, user)


MANY_GROUPS = 90
"""Three times the overall send rate (30 a second): unpaced, the last sends would wait ~2 s."""
SHORT_LEASE = 0.8


@pytest.fixture
async def shorter_lease(redis_client: Redis, tmp_path: Path) -> AsyncIterator[Playground]:
    ground = await Playground.open(
        Settings(data_dir=tmp_path / "data", digest_lease_seconds=SHORT_LEASE, digest_chart=False),
        RedisStore(redis_client),
        ManualClock(MONDAY),
    )
    await ground.start_bot()
    yield ground
    await ground.close()


async def test_weekly_jobs_firing_together_send_every_digest_once(
    shorter_lease: Playground,
) -> None:
    ground = shorter_lease
    sandbox = ground.sandbox
    boss = sandbox.add_user("Boss")
    groups: list[Chat] = []
    for n in range(MANY_GROUPS):
        group = sandbox.create_group(f"Ward {n}", owner=boss)
        sandbox.add_bot_to_group(group, by=boss)
        sandbox.post(group, boss, "Everyone send a photo of the ward log by 9pm.", at=at(1, 22))
        groups.append(group)
    await ground.drain()
    ground.clock.set(DUE)
    app = ground.application
    # Every group's weekly job fires at the same local time, as on a Monday morning.
    weekly = [app.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{g.id}")[0] for g in groups]
    await asyncio.gather(*(job.run(app) for job in weekly))
    [sweep] = app.job_queue.get_jobs_by_name(SWEEP_JOB)
    for _ in range(100):  # what a lapsed lease left unfinished is resumed (a hang guard)
        await sweep.run(app)
        if all(week_texts(ground, g) for g in groups):
            break
        await asyncio.sleep(SHORT_LEASE / 2)
    await asyncio.sleep(SHORT_LEASE)  # any lease still held lapses: a wrong resend would show
    await sweep.run(app)
    assert [week_texts(ground, g) for g in groups] == [1] * MANY_GROUPS


def week_texts(ground: Playground, group: Chat) -> int:
    return sum("2025-W46" in text for text in texts(ground, group))
