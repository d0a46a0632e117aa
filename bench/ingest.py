"""Ingest benchmark: 200,000 messages across 1,000 groups into the embedded store.

Prints, all measured in this run:
- store ingest: precomputed observations through ``RedisStore.ingest_many`` (codec + Lua script);
- floor: one pipelined HINCRBY per message (the least a count costs) on an identical server;
- end to end: message text -> classifier -> working time -> store;
- the time to build all 1,000 weekly digests, and Redis memory per group-week.

Goals (issue 3): >= 5,000 messages/s, <= 2x the floor, all digests <= 5 s, <= 16 KB/group-week.
Run: python bench/ingest.py [--messages 200000] [--groups 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config.settings import Settings
from bot.core.classifier import load_classifier
from bot.core.observation import IncomingMessage, Observation, SenderHasher, observe
from bot.sources.telegram_export import ChatSummary
from bot.usecases.audit import week_digests
from storage.cluster import RedisClient, connect
from storage.redis_store import RedisStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
FALLBACK = ["收到", "请各位今晚10点前把表格报上来，并截图发群里", "好的", "明天开会", "1"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK_START = datetime(2025, 9, 22, tzinfo=SHANGHAI)
BATCH = 2000


def load_texts() -> list[str]:
    """Corpus texts when the shared corpus is beside the repo, else a few stand-ins."""
    if CORPUS.exists():
        with CORPUS.open(encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle if line.strip()]
    return FALLBACK


def make_messages(total: int, groups: int) -> list[IncomingMessage]:
    """Messages spread over one week in ``groups`` groups, a few senders per group."""
    rng = random.Random(7)
    texts = load_texts()
    messages = []
    for index in range(total):
        group = -1_000_000 - index % groups
        offset = timedelta(seconds=rng.randrange(7 * 24 * 3600))
        messages.append(
            IncomingMessage(
                group_id=group,
                message_id=index // groups + 1,
                sent_at=(WEEK_START + offset).astimezone(UTC),
                text=texts[index % len(texts)],
                sender_id=f"user{rng.randrange(8)}",
            )
        )
    return messages


async def floor_writes(client: RedisClient, observations: list[Observation]) -> float:
    """The least Redis work that counts a message: one HINCRBY each, pipelined in the same
    batches as ours, on an identical server; return seconds taken."""
    start = time.perf_counter()
    for first in range(0, len(observations), BATCH):
        async with client.pipeline(transaction=False) as pipe:
            for o in observations[first : first + BATCH]:
                pipe.hincrby(f"floor:{{g{o.group_id}}}:{o.week}", "messages", 1)
            await pipe.execute()
    return time.perf_counter() - start


async def store_ingest(store: RedisStore, observations: list[Observation]) -> float:
    """Ingest ``observations`` through the store; return seconds taken."""
    start = time.perf_counter()
    for first in range(0, len(observations), BATCH):
        await store.ingest_many(observations[first : first + BATCH])
    return time.perf_counter() - start


async def main(total: int, groups: int) -> None:
    """Run the benchmark and print its figures."""
    settings = Settings()
    working_time = settings.working_time()
    classifier = load_classifier()
    hasher = SenderHasher(b"bench-key-0123456789abcdef")
    messages = make_messages(total, groups)

    start = time.perf_counter()
    observations = [observe(m, classifier, working_time, hasher) for m in messages]
    observe_seconds = time.perf_counter() - start

    sys.path.insert(0, str(ROOT))  # bench/ is not an installed package
    from bench.servers import redis_server

    # Two default-config servers (so memory is what a stock Redis uses), each stopped by its pid.
    with redis_server() as ours, redis_server() as theirs:
        store = RedisStore(await connect(ours))
        floor_client = await connect(theirs)
        try:
            ingest_seconds = await store_ingest(store, observations)
            floor_seconds = await floor_writes(floor_client, observations)
            # Redelivery of everything must change nothing and costs about the same.
            replay_seconds = await store_ingest(store, observations)

            week = observations[0].week
            chats = [ChatSummary(id=-1_000_000 - g, name=f"g{g}", type="x") for g in range(groups)]
            thresholds = settings.base_thresholds()
            now = datetime(2025, 10, 6, tzinfo=UTC)
            start = time.perf_counter()
            built = 0
            for chat in chats:
                built += len(
                    await week_digests(
                        store, chat, working_time, thresholds, settings, now, "zh", [week]
                    )
                )
            digest_seconds = time.perf_counter() - start
            sample = chats[: min(100, groups)]
            memory = [await store.memory_usage(chat.id, week) for chat in sample]
        finally:
            await store.close()
            await floor_client.aclose()

    per_group_week = sum(memory) / len(memory)
    rate = total / ingest_seconds
    floor_rate = total / floor_seconds
    end_to_end = total / (observe_seconds + ingest_seconds)
    print(f"messages: {total:,} in {groups:,} groups, one week")
    print(f"store ingest:      {rate:>10,.0f} messages/s  ({ingest_seconds:.2f} s)")
    print(f"floor (1 HINCRBY):{floor_rate:>10,.0f} messages/s  ({floor_seconds:.2f} s)")
    print(f"ratio ours/floor:  {ingest_seconds / floor_seconds:>10.2f} x   (goal <= 2)")
    print(f"redelivery:        {total / replay_seconds:>10,.0f} messages/s (no double count)")
    print(f"end to end:        {end_to_end:>10,.0f} messages/s  (classify+calendar+store)")
    print(f"digests:           {built:,} built in {digest_seconds:.2f} s   (goal <= 5 s)")
    print(f"memory:            {per_group_week / 1024:>10.1f} KB per group-week (goal <= 16)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--groups", type=int, default=1_000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.messages, arguments.groups))
