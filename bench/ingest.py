"""Ingest benchmark: 200,000 messages across 1,000 groups into the embedded store.

Prints, all measured in this run:
- store ingest: precomputed observations through ``RedisStore.ingest_many`` (codec + Lua script);
- floor: the same Redis writes our ingest issues, sent raw and pipelined, without our logic;
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
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from bot.config.settings import Settings
from bot.core.classifier import load_classifier
from bot.core.observation import IncomingMessage, Observation, SenderHasher, observe
from bot.sources.telegram_export import ChatSummary
from bot.usecases.audit import week_digests
from storage import keys
from storage.codec import LABEL_CODES, counter_tokens, evidence_record
from storage.factory import open_store
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


async def floor_writes(client: Redis, observations: list[Observation]) -> float:
    """Send the writes a new message causes, raw and pipelined; return seconds taken."""
    commands = []
    for o in observations:
        counters = keys.week_counters(o.group_id, o.week)
        seen = keys.week_seen(o.group_id, o.week)
        evidence = keys.week_evidence(o.group_id, o.week)
        tokens = counter_tokens(o)
        line = evidence_record(o)
        commands.append((o, counters, seen, evidence, tokens, line))
    start = time.perf_counter()
    for first in range(0, len(commands), BATCH):
        async with client.pipeline(transaction=False) as pipe:
            for o, counters, seen, evidence, tokens, line in commands[first : first + BATCH]:
                pipe.hget(seen, o.message_id)
                for token in tokens:
                    pipe.hincrby(counters, token, 1)
                pipe.hset(seen, o.message_id, f"{o.sender_key}|{' '.join(tokens)}|")
                if line:
                    pipe.hset(evidence, o.message_id, line)
                    for label in o.labels:
                        pipe.hincrby(evidence, "#" + LABEL_CODES[label], 1)
                    pipe.expire(evidence, 3600)
                if o.report_subject:
                    subjects = keys.report_subjects(o.group_id)
                    pipe.hget(subjects, o.report_subject)
                    pipe.hset(subjects, o.report_subject, f"{o.message_id},0,")
                pipe.expire(counters, 3600)
                pipe.expire(seen, 3600)
                pipe.zadd(keys.weeks_index(o.group_id), {o.week: 1})
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

    with tempfile.TemporaryDirectory() as ours, tempfile.TemporaryDirectory() as theirs:
        store = await open_store(None, Path(ours))
        floor_store = await open_store(None, Path(theirs))
        # The figures need Redis itself (raw writes, memory usage), not just the Store protocol.
        assert isinstance(store, RedisStore) and isinstance(floor_store, RedisStore)
        try:
            ingest_seconds = await store_ingest(store, observations)
            floor_seconds = await floor_writes(floor_store.client, observations)
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
            await floor_store.close()

    per_group_week = sum(memory) / len(memory)
    rate = total / ingest_seconds
    floor_rate = total / floor_seconds
    end_to_end = total / (observe_seconds + ingest_seconds)
    print(f"messages: {total:,} in {groups:,} groups, one week")
    print(f"store ingest:      {rate:>10,.0f} messages/s  ({ingest_seconds:.2f} s)")
    print(f"floor (raw writes):{floor_rate:>10,.0f} messages/s  ({floor_seconds:.2f} s)")
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
