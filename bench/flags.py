"""Flag benchmark: what anonymity costs per flag, on the embedded store.

Prints, all measured in this run:
- masking: ``mask_flag_text`` (segmenter tags, names, places, numbers) per text, against the
  regex-only ``redact`` it builds on (floor);
- recording: ``RedisStore.record_flag`` including the append-only rewrite it starts, on a store
  already holding ``--messages`` counted messages, against a bare pipelined PFADD + ZADD (floor);
- the rewrite itself: how long until the rewritten file is in place.

A member flags a handful of times a week, so the goal is only that a flag stays well under a
second with a realistic store behind it. Run: python bench/flags.py [--messages 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.classifier import load_classifier
from bot.core.excerpt import redact
from bot.core.flags import WeekSalts, mask_flag_text
from bot.core.labels import ALL_LABELS
from bot.core.observation import IncomingMessage, SenderHasher, observe
from bot.core.worktime import WorkingTime, iso_week
from storage.factory import open_store

TEXTS = [
    "王主任让我们每天晚上十点前在学习强国打卡截图，周末也不例外",
    "刘科长要求把云溪街道的台账一周报两次，联系电话 13812345678",
    "Boss Alice wants photos of the ward log at 11pm every Sunday via DingTalk",
    "半夜还要在群里回1确认收到，北京来检查之前每天都要接龙",
]
FLAGS = 200


def bench_masking(rounds: int) -> tuple[float, float]:
    """Seconds per text for the full masking and for the regex floor."""
    mask_flag_text(TEXTS[0])  # load the dictionary outside the measurement
    started = time.perf_counter()
    for _ in range(rounds):
        for text in TEXTS:
            mask_flag_text(text)
    full = (time.perf_counter() - started) / (rounds * len(TEXTS))
    started = time.perf_counter()
    for _ in range(rounds):
        for text in TEXTS:
            redact(text)
    floor = (time.perf_counter() - started) / (rounds * len(TEXTS))
    return full, floor


async def bench_recording(messages: int) -> tuple[float, float, float]:
    """Seconds per recorded flag (with rewrite), per bare write, and per finished rewrite."""
    with tempfile.TemporaryDirectory(prefix="fingertip-bench-") as directory:
        store = await open_store(None, Path(directory))
        try:
            classifier = load_classifier([])
            hasher = SenderHasher(b"b" * 32)
            working_time = WorkingTime.from_strings()
            now = datetime.now(UTC)
            observations = [
                observe(
                    IncomingMessage(
                        group_id=-1_000_000 - i % 200,
                        message_id=i,
                        sent_at=now - timedelta(minutes=i % 5000),
                        text=TEXTS[i % len(TEXTS)],
                        sender_id=f"user{i % 40}",
                    ),
                    classifier,
                    working_time,
                    hasher,
                )
                for i in range(messages)
            ]
            for start in range(0, len(observations), 2000):
                await store.ingest_many(observations[start : start + 2000])
            await store.compact(wait=True)

            salts = WeekSalts()
            week = iso_week(working_time.local(now).date())
            started = time.perf_counter()
            for i in range(FLAGS):
                label = ALL_LABELS[i % len(ALL_LABELS)]
                entry = salts.entry(-42, week, label, i, TEXTS[i % 4], keep_weeks=8)
                await store.record_flag(entry)
            recorded = (time.perf_counter() - started) / FLAGS

            client = store.client
            started = time.perf_counter()
            for i in range(FLAGS):
                async with client.pipeline(transaction=False) as pipe:
                    pipe.pfadd("bench:hll", f"token{i}")
                    pipe.zadd("bench:texts", {f"{i}\t{TEXTS[i % 4]}": 0})
                    await pipe.execute()
            floor = (time.perf_counter() - started) / FLAGS

            started = time.perf_counter()
            await store.compact(wait=True)
            rewrite = time.perf_counter() - started
        finally:
            await store.close()
    return recorded, floor, rewrite


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=200)
    options = parser.parse_args()
    full, floor = bench_masking(options.rounds)
    print(
        f"masking: {full * 1e6:.0f} µs/text; regex floor {floor * 1e6:.0f} µs/text; "
        f"ratio {full / floor:.1f}x"
    )
    recorded, bare, rewrite = asyncio.run(bench_recording(options.messages))
    print(
        f"record_flag with AOF rewrite ({options.messages} messages stored): "
        f"{recorded * 1e3:.2f} ms/flag; bare PFADD+ZADD floor {bare * 1e3:.2f} ms; "
        f"ratio {recorded / bare:.1f}x"
    )
    print(f"a finished rewrite of that store: {rewrite * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
