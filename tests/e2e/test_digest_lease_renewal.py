"""A digest part goes out only under a live lease: the lease of a recipient served late may have
expired while the digest was built or the recipients before it were served (Telegram's pacing),
and a part sent then would be sent again by whoever resumes the digest."""

from __future__ import annotations

import asyncio

from telegram import Chat, User

from bot.demo.playground import Playground
from handlers.digest_delivery import JOB_PREFIX, SWEEP_JOB
from tests.e2e.test_digest_delivery import (
    digests_of_week,
    groups_with_a_demand,
    photos,
    post_week,
    subscribe,
    subscribed_leader,
    texts,
)
from tests.support.playground import DIGEST_DUE, WEEK

LEASE_SECONDS = 1.7
"""Longer than one 429 pause of a second (each part renews the lease), shorter than two: the lease
taken at the start for the recipient served second runs out while the first is served."""


def shorten_leases(ground: Playground, seconds: float, *, charts: bool = True) -> None:
    """Digest leases of ``seconds`` from now on (the delivery reads them from the settings)."""
    found = ground.services
    found.settings = found.settings.model_copy(
        update={"digest_lease_seconds": seconds, "digest_chart": charts}
    )


async def test_a_recipient_whose_lease_ran_out_meanwhile_gets_every_part_once(
    playground: Playground,
) -> None:
    ground = playground
    shorten_leases(ground, LEASE_SECONDS)
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
    ground.clock.set(DIGEST_DUE)
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


async def test_weekly_jobs_firing_together_send_every_digest_once(
    playground: Playground,
) -> None:
    ground = playground
    shorten_leases(ground, SHORT_LEASE, charts=False)
    groups = groups_with_a_demand(ground, MANY_GROUPS)
    await ground.drain()
    ground.clock.set(DIGEST_DUE)
    app = ground.application
    # Every group's weekly job fires at the same local time, as on a Monday morning.
    weekly = [app.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{g.id}")[0] for g in groups]
    await asyncio.gather(*(job.run(app) for job in weekly))
    [sweep] = app.job_queue.get_jobs_by_name(SWEEP_JOB)
    for _ in range(100):  # what a lapsed lease left unfinished is resumed (a hang guard)
        await sweep.run(app)
        if all(digests_of_week(ground, g, WEEK) for g in groups):
            break
        await asyncio.sleep(SHORT_LEASE / 2)
    await asyncio.sleep(SHORT_LEASE)  # any lease still held lapses: a wrong resend would show
    await sweep.run(app)
    assert [digests_of_week(ground, g, WEEK) for g in groups] == [1] * MANY_GROUPS
