"""Roll-up benchmark: a leader's roll-up of 1,000, 5,000 and 10,000 groups, embedded store.

Each group gets five weeks of aggregates (the roll-up week and four trend weeks), written
straight into the counter hashes our ingest produces (the codec's tokens of synthetic
observations, including app demands and a few anonymous flags), and settings with a unit path.

Prints, all measured in this run, per size (wall time, and the CPU time of this process, which a
busy machine disturbs less):
- roll-up: ``unit_members`` + ``load_rollup`` over every group (settings, aggregates, digests,
  scores, ranking), the path ``/overview`` and the weekly roll-up take;
- floor: the same keys read raw the same way (settings; the roll-up week's counters, the trend
  weeks' headline counters and the flag epochs; then the flagged groups' named apps and flag
  counters), one
  pipelined round trip per 1,000 groups, nothing decoded;
- ratio roll-up / floor, and wall and CPU seconds per 1,000 groups for both (flat when the
  cost is linear); the load average before and after the run (2 shared CPUs: report it).

Goal (issue 10): 10,000 groups in <= 10 s.
Run: python bench/rollup.py [--sizes 1000,5000,10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from bot.config.group_settings import GroupSettings
from bot.config.settings import Settings
from bot.core.apps import AppDemand, DemandKind
from bot.core.labels import Label
from bot.core.observation import Observation
from bot.core.worktime import Band, iso_week, previous_weeks, week_start
from bot.usecases.rollup import load_rollup, unit_members
from storage import keys
from storage.codec import HEADLINE_FIELDS, counter_tokens
from storage.factory import open_store
from storage.redis_store import BULK_GROUPS, RedisStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = "2025-W39"
WEEKS = [WEEK, *previous_weeks(WEEK, 4)]
NOW = datetime(2025, 10, 1, tzinfo=UTC)
MESSAGES_PER_WEEK = 40
FLAG_EPOCH = "e0e0e0e0"
APPS = ["学习强国", "浙政钉", "国家反诈中心", "浙里办", "青禾网格通"]
LABEL_SETS = [
    frozenset(),
    frozenset({Label.TASK_PUSH}),
    frozenset({Label.TASK_PUSH, Label.PROOF_DEMAND}),
    frozenset({Label.TASK_PUSH, Label.REPORT_DEMAND}),
    frozenset({Label.TASK_PUSH, Label.APP_DEMAND}),
    frozenset({Label.ACK_DEMAND}),
]


def week_counters(group: int, week: str, rng: random.Random) -> Counter[str]:
    """The counter hash of one group-week: the tokens of ``MESSAGES_PER_WEEK`` observations."""
    counters: Counter[str] = Counter()
    monday = datetime.combine(week_start(week), datetime.min.time(), SHANGHAI)
    for number in range(MESSAGES_PER_WEEK):
        at = monday + timedelta(minutes=rng.randrange(7 * 24 * 60))
        labels = rng.choice(LABEL_SETS)
        band = Band.WORK if 9 <= at.hour < 18 and at.weekday() < 5 else Band.AFTER_HOURS
        apps: tuple[AppDemand, ...] = ()
        if Label.APP_DEMAND in labels:
            apps = (AppDemand(rng.choice(APPS), frozenset(rng.sample(list(DemandKind), 2))),)
        o = Observation(
            group_id=group,
            message_id=number,
            sent_at=at,
            week=iso_week(at.date()),
            band=band,
            weekday=at.weekday(),
            hour=at.hour,
            rest_day=at.date() if at.weekday() >= 5 else None,
            labels=labels,
            exempt=False,
            acknowledgement=False,
            sender_key=None,
            report_subject=None,
            excerpt=None,
            apps=apps,
        )
        counters.update(counter_tokens(o))
    return counters


async def populate(client: Redis, groups: range, rng: random.Random) -> None:
    """Write settings, five weeks of counters and a few flags for ``groups``."""
    for first in range(groups.start, groups.stop, BULK_GROUPS):
        async with client.pipeline(transaction=False) as pipe:
            for index in range(first, min(first + BULK_GROUPS, groups.stop)):
                group = -1_000_000 - index
                unit = f"城南区/街道{index % 20}/社区{index % 200}"
                pipe.sadd(keys.GROUPS, str(group))
                pipe.set(
                    keys.group_settings(group),
                    GroupSettings(title=f"网格群{index}", unit=unit).model_dump_json(),
                )
                for week in WEEKS:
                    pipe.hset(
                        keys.week_counters(group, week),
                        mapping=dict(week_counters(group, week, rng)),
                    )
                if index % 7 == 0:
                    # three members flagged proof demands in one salt epoch (as record_flag does)
                    pipe.sadd(keys.week_flag_epochs(group, WEEK), FLAG_EPOCH)
                    pipe.pfadd(
                        keys.week_flag_kind(group, WEEK, FLAG_EPOCH, Label.PROOF_DEMAND.value),
                        *(f"t{group}{n}" for n in range(3)),
                    )
                    # and named an app in those flags
                    pipe.sadd(keys.week_flag_apps(group, WEEK), APPS[index % len(APPS)])
                    pipe.pfadd(
                        keys.week_flag_app(group, WEEK, FLAG_EPOCH, APPS[index % len(APPS)]),
                        *(f"a{group}{n}" for n in range(3)),
                    )
            await pipe.execute()


async def floor_read(client: Redis, group_ids: list[int]) -> tuple[float, float]:
    """Read the same keys raw the same way, one pipelined round trip per 1,000 groups.

    Per group: its settings, the roll-up week's counters, the trend weeks' headline counters
    and the week's flag epochs; then, for the flagged groups, the apps named in flags and the
    flag counters (kinds and apps). Nothing decoded.
    Returns (wall seconds, CPU seconds of this process).
    """
    started, cpu = time.perf_counter(), time.process_time()
    await client.smembers(keys.GROUPS)
    for first in range(0, len(group_ids), BULK_GROUPS):
        chunk = group_ids[first : first + BULK_GROUPS]
        async with client.pipeline(transaction=False) as pipe:
            for group in chunk:
                pipe.get(keys.group_settings(group))
            await pipe.execute()
        async with client.pipeline(transaction=False) as pipe:
            for group in chunk:
                pipe.hgetall(keys.week_counters(group, WEEK))
                for week in WEEKS[1:]:
                    pipe.hmget(keys.week_counters(group, week), HEADLINE_FIELDS)
                pipe.smembers(keys.week_flag_epochs(group, WEEK))
            replies = await pipe.execute()
        epochs = replies[len(WEEKS) :: len(WEEKS) + 1]
        flagged = [(group, found) for group, found in zip(chunk, epochs, strict=True) if found]
        async with client.pipeline(transaction=False) as pipe:
            for group, _ in flagged:
                pipe.smembers(keys.week_flag_apps(group, WEEK))
            named = await pipe.execute()
        async with client.pipeline(transaction=False) as pipe:
            for (group, found), apps in zip(flagged, named, strict=True):
                for epoch in found:
                    for label in Label:
                        pipe.pfcount(keys.week_flag_kind(group, WEEK, epoch.decode(), label.value))
                    for app in apps:
                        pipe.pfcount(keys.week_flag_app(group, WEEK, epoch.decode(), app.decode()))
            await pipe.execute()
    return time.perf_counter() - started, time.process_time() - cpu


async def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="fingertip-bench-") as directory:
        settings = Settings(data_dir=Path(directory))
        store = await open_store(None, Path(directory))
        assert isinstance(store, RedisStore)
        client = store.client
        rng = random.Random(10)
        done = 0
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print(
            f"{'groups':>7} {'roll-up s':>10} {'floor s':>8} {'ratio':>6} {'s/1k':>6}"
            f" {'floor s/1k':>10} {'roll-up cpu s':>14} {'floor cpu s':>12} {'cpu s/1k':>9}"
            f" {'floor cpu s/1k':>14}"
        )
        for size in sizes:
            await populate(client, range(done, size), rng)
            done = size
            group_ids = [-1_000_000 - i for i in range(size)]
            floor, floor_cpu = await floor_read(client, group_ids)
            started, cpu = time.perf_counter(), time.process_time()
            members = await unit_members(store, settings, "城南区")
            rollup = await load_rollup(store, members, WEEK, NOW, "城南区")
            elapsed, used = time.perf_counter() - started, time.process_time() - cpu
            assert len(rollup.groups) == size
            per_k = 1000 / size
            print(
                f"{size:>7} {elapsed:>10.2f} {floor:>8.2f} {elapsed / floor:>6.1f} "
                f"{elapsed * per_k:>6.3f} {floor * per_k:>10.3f} {used:>14.2f} "
                f"{floor_cpu:>12.2f} {used * per_k:>9.3f} {floor_cpu * per_k:>14.3f}"
            )
        top = rollup.groups[0]
        print(
            f"top group {top.name} score {top.score}; apps across groups: "
            + ", ".join(f"{a.app} {a.groups}" for a in rollup.apps)
            + "; named in flags: "
            + ", ".join(f"{a.app} {a.flagged} in {a.flag_groups} groups" for a in rollup.apps)
        )
        goal = "met" if elapsed <= 10 else "NOT met"
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
        print(
            f"goal: {sizes[-1]} groups in <= 10 s: {goal} ({elapsed:.2f} s wall, {used:.2f} s CPU "
            f"of this process; load average after {load} on {os.cpu_count()} CPUs)"
        )
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    arguments = parser.parse_args()
    asyncio.run(main([int(n) for n in arguments.sizes.split(",")]))
