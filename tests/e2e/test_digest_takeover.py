"""A worker that dies mid-digest is taken over by another once its lease expires."""

from __future__ import annotations

import asyncio

from bot.demo.playground import Playground
from handlers.digest_delivery import JOB_PREFIX, SWEEP_JOB
from tests.e2e.test_digest_delivery import leader_with_a_week, photos, texts
from tests.support.playground import DIGEST_DUE, WEEK


async def test_a_digest_half_sent_by_a_dead_worker_is_finished_once(
    playground: Playground,
) -> None:
    group, leader = await leader_with_a_week(playground)
    store = playground.services.store
    # Another worker leased the leader's digest, sent its text (part 1 of 2), then died.
    dead = await store.take_digest_lease(group.id, WEEK, leader.id, "dead-worker", 0.3)
    assert dead is not None
    assert await store.record_digest_parts(group.id, WEEK, leader.id, dead, 1, 0.3)
    before = (len(texts(playground, leader)), photos(playground, leader))

    playground.clock.set(DIGEST_DUE)
    app = playground.application
    [weekly] = app.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}")
    await weekly.run(app)
    # Its lease is still alive: this worker leaves the digest alone.
    assert (len(texts(playground, leader)), photos(playground, leader)) == before

    [sweep] = app.job_queue.get_jobs_by_name(SWEEP_JOB)
    for _ in range(200):  # until the dead worker's lease expires (a hang guard)
        await sweep.run(app)
        if photos(playground, leader) > before[1]:
            break
        await asyncio.sleep(0.02)
    # Only the missing part (the chart) is sent: the text already arrived before the death.
    assert (len(texts(playground, leader)), photos(playground, leader)) == (
        before[0],
        before[1] + 1,
    )
    await sweep.run(app)
    await weekly.run(app)
    assert photos(playground, leader) == before[1] + 1


async def test_a_restarted_worker_keeps_one_sweep_job(playground: Playground) -> None:
    await playground.restart_bot()
    assert len(playground.application.job_queue.get_jobs_by_name(SWEEP_JOB)) == 1


async def test_the_weekly_job_and_a_sweep_at_once_in_one_worker_send_the_digest_once(
    playground: Playground,
) -> None:
    group, leader = await leader_with_a_week(playground)
    before = (len(texts(playground, leader)), photos(playground, leader))

    playground.clock.set(DIGEST_DUE)
    app = playground.application
    [weekly] = app.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}")
    [sweep] = app.job_queue.get_jobs_by_name(SWEEP_JOB)
    # At the digest moment a running sweep meets the group's own weekly job in the same
    # worker: only a lease holder per delivery, not per worker, keeps them apart.
    await asyncio.gather(weekly.run(app), sweep.run(app))

    after = (len(texts(playground, leader)), photos(playground, leader))
    assert after[1] == before[1] + 1
    assert after[0] > before[0]
    await asyncio.gather(weekly.run(app), sweep.run(app))
    assert (len(texts(playground, leader)), photos(playground, leader)) == after
