"""Live-bot benchmark: group updates through Fingertip's handlers vs a bare PTB handler.

Both applications process the same updates with ``Application.process_update``; the only
HTTP they do is the start-up ``getMe``, answered by the local Bot API sandbox on 127.0.0.1.
- floor: a python-telegram-bot Application whose only handler does nothing;
- ours: the real Fingertip application (classifier, working time, embedded Redis store).
Prints updates per second for both and the ratio. Run: python bench/live_bot.py [--updates 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Chat, Message, Update, User
from telegram.ext import Application, MessageHandler, filters

from bot.config.settings import Settings
from bot.demo.sandbox import Sandbox, SandboxServer
from bot.runtime.app import build_application, build_services
from storage.factory import open_store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
TOKEN = "123456:BENCH-token"
START = datetime(2025, 11, 10, 1, 0, tzinfo=UTC)


def texts() -> list[str]:
    """Corpus texts when available, else a few stand-ins."""
    if CORPUS.exists():
        lines = CORPUS.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["text"] for line in lines if line.strip()]
    return ["收到", "请各位今晚10点前把表格报上来，并截图发群里", "好的", "明天开会"]


def make_updates(count: int, groups: int) -> list[dict[str, Any]]:
    """Group message updates as Telegram would send them (as JSON dicts)."""
    corpus = texts()
    updates = []
    for index in range(count):
        chat = Chat(id=-1_000_000 - index % groups, type=Chat.SUPERGROUP, title="bench")
        sender = User(id=1000 + index % 7, first_name="member", is_bot=False)
        message = Message(
            message_id=index // groups + 1,
            date=START + timedelta(minutes=index),
            chat=chat,
            from_user=sender,
            text=f"{corpus[index % len(corpus)]} #{index}",
        )
        updates.append(Update(update_id=index + 1, message=message).to_dict())
    return updates


async def run(app: Any, raw: list[dict[str, Any]]) -> float:
    """Process every update with an initialised ``app``; return the seconds taken."""
    async with app:
        updates = [Update.de_json(data, app.bot) for data in raw]
        start = time.perf_counter()
        for update in updates:
            await app.process_update(update)
        return time.perf_counter() - start


async def main(count: int, groups: int) -> None:
    """Run both applications on the same updates and print the figures."""
    raw = make_updates(count, groups)

    async def nothing(update: Update, context: Any) -> None:
        del update, context

    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "bench_bot", can_read_all_group_messages=True)
    async with SandboxServer(sandbox) as server:
        bare = Application.builder().token(TOKEN).base_url(server.base_url).build()
        bare.add_handler(MessageHandler(filters.ALL, nothing))
        floor = await run(bare, raw)
        ours, stored = await run_fingertip(raw, server.base_url)

    print(f"updates: {count:,} group messages in {groups} groups ({stored:,} counted)")
    print(f"floor (bare PTB handler): {count / floor:>10,.0f} updates/s ({floor:.2f} s)")
    print(f"fingertip:                {count / ours:>10,.0f} updates/s ({ours:.2f} s)")
    print(f"ratio fingertip/floor:    {ours / floor:>10.1f} x")


async def run_fingertip(raw: list[dict[str, Any]], base_url: str) -> tuple[float, int]:
    """The real application on an embedded store; return seconds and messages counted."""
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(data_dir=Path(directory), redis_url=None)
        store = await open_store(None, settings.data_dir, settings.retention())
        try:
            services = build_services(settings, store)
            app = build_application(services, TOKEN, base_url=base_url, rate_limiter=False)
            ours = await run(app, raw)
            stored = 0
            for group in await store.groups():
                for week in await store.weeks(group):
                    stored += (await store.week(group, week)).messages
        finally:
            await store.close()
    return ours, stored


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.updates, arguments.groups))
