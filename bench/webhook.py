"""End to end through the webhook: HTTP request in, counts stored, 200 out.

Runs, in this one run and against the same default-config ``redis-server``:
- ours: ``fingertip run --webhook`` as a real process (classifier, store, Lua), with 1 worker,
  then ``--workers`` workers behind a round-robin balancer;
- floor: a bare python-telegram-bot application behind the same aiohttp webhook code whose only
  handler does one ``INCR`` on the same Redis.
Both answer 200 only after the update was handled (stored). A client posts the same group
messages (built by the Bot API sandbox, which also answers the bots' API calls) with a fixed
number of requests in flight. Also prints Redis memory per group-week on the default config.

Goals (issue 12): >= 3,000 updates/s per process, <= 2x the floor's time per update, three
workers >= 2.5x one (needs at least three free cores).
Run: python bench/webhook.py [--updates 6000] [--groups 200] [--in-flight 32] [--workers 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import free_port, redis_server  # noqa: E402
from bot.demo.sandbox import Sandbox, SandboxServer  # noqa: E402
from bot.runtime.webhook import SECRET_HEADER  # noqa: E402
from bot.runtime.workers import shared_webhook_secret  # noqa: E402

TOKEN = "123456789:AAEfingertipBenchmarkTokenForWebhook1234"
TEXTS = [
    "请各网格今晚10点前把入户照片发群里",
    "收到",
    "今晚11点前每人下载政务App并打卡截图",
    "明天上午九点开会",
    "周末加班，周六上午到社区集合，拍照留痕",
    "好的",
]


def build_world(groups: int, updates: int) -> tuple[Sandbox, list[bytes]]:
    """A sandbox with ``groups`` groups and ``updates`` group messages as webhook bodies."""
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "fingertip_bot", can_read_all_group_messages=True)
    boss = sandbox.add_user("Boss")
    chats = []
    for n in range(groups):
        chat = sandbox.create_group(f"Ward {n}", owner=boss)
        sandbox.add_bot_to_group(chat, by=boss)
        chats.append(chat)
    queue = sandbox.world.bots[TOKEN].updates
    while joined := queue.take(limit=100):  # membership updates are not measured
        queue.confirm(joined[-1].update_id + 1)
    start = datetime(2025, 9, 23, 20, 0, tzinfo=UTC)
    for index in range(updates):
        sandbox.post(
            chats[index % groups],
            boss,
            TEXTS[index % len(TEXTS)],
            at=start + timedelta(seconds=index),
        )
    bodies = []
    while batch := queue.take(limit=100):
        bodies += [json.dumps(u.to_dict()).encode() for u in batch]
        queue.confirm(batch[-1].update_id + 1)
    return sandbox, bodies[:updates]


async def post_all(url: str, bodies: list[bytes], in_flight: int) -> float:
    """POST every body with ``in_flight`` requests at a time; seconds for all of them."""
    headers = {SECRET_HEADER: shared_webhook_secret(TOKEN), "Content-Type": "application/json"}
    pending = iter(bodies)
    failures = 0

    async def sender(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        for body in pending:
            async with session.post(url, data=body, headers=headers) as reply:
                await reply.read()
                failures += reply.status != 200

    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(sender(session) for _ in range(in_flight)))
        seconds = time.perf_counter() - start
    if failures:
        raise SystemExit(f"bench: {failures} updates were not answered 200")
    return seconds


async def healthy(url: str) -> bool:
    try:
        async with aiohttp.ClientSession() as session, session.get(url) as reply:
            return reply.status == 200
    except aiohttp.ClientError:
        return False


async def start(
    command: list[str], environment: dict[str, str], health: str
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        *command,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    for _ in range(600):
        if await healthy(health):
            return process
        if process.returncode is not None:
            raise SystemExit(f"bench: {' '.join(command)} exited at start")
        await asyncio.sleep(0.1)
    raise SystemExit(f"bench: {health} never answered")


async def stop(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        await asyncio.wait_for(process.wait(), 30)


async def run_ours(
    workers: int, api: str, redis_url: str, bodies: list[bytes], in_flight: int, data: Path
) -> float:
    from bench.balancer import serve_balancer

    ports = [free_port() for _ in range(workers)]
    balancer_port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FINGERTIP_")},
        "FINGERTIP_TELEGRAM_TOKEN": TOKEN,
        "FINGERTIP_TELEGRAM_API_URL": api,
        "FINGERTIP_REDIS_URL": redis_url,
        "FINGERTIP_DATA_DIR": str(data),
        "FINGERTIP_SHARED_WEBHOOK": "true",
        "PTB_TIMEDELTA": "1",
    }
    processes = []
    try:
        async with serve_balancer([f"http://127.0.0.1:{p}" for p in ports], balancer_port):
            for port in ports:
                command = [sys.executable, "-m", "bot.cli", "run", "--port", str(port)]
                command += ["--webhook", f"http://127.0.0.1:{balancer_port}/telegram"]
                processes.append(
                    await start(command, environment, f"http://127.0.0.1:{port}/healthz")
                )
            target = ports[0] if workers == 1 else balancer_port
            return await post_all(f"http://127.0.0.1:{target}/telegram", bodies, in_flight)
    finally:
        await stop(processes)


async def run_floor(api: str, redis_url: str, bodies: list[bytes], in_flight: int) -> float:
    port = free_port()
    command = [sys.executable, str(Path(__file__)), "--serve-floor", str(port), api, redis_url]
    environment = {**os.environ, "PTB_TIMEDELTA": "1"}
    process = await start(command, environment, f"http://127.0.0.1:{port}/healthz")
    try:
        return await post_all(f"http://127.0.0.1:{port}/telegram", bodies, in_flight)
    finally:
        await stop([process])


async def serve_floor(port: int, api: str, redis_url: str) -> None:
    """The floor: a bare PTB app, one INCR per message, behind our webhook HTTP code."""
    from aiohttp import web
    from redis.asyncio import Redis
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    from bot.runtime.webhook import webhook_app

    redis = Redis.from_url(redis_url)

    async def count(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        await redis.incr(f"floor:{chat.id if chat else 0}")

    application = Application.builder().token(TOKEN).base_url(api).build()
    application.add_handler(MessageHandler(filters.ALL, count))
    await application.initialize()
    await application.start()

    async def ok() -> bool:
        return True

    app = webhook_app(
        application, shared_webhook_secret(TOKEN), ok, deliver=application.process_update
    )
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stopped.set)
    await stopped.wait()
    await runner.cleanup()
    await application.stop()
    await application.shutdown()
    await redis.aclose()


async def memory_per_group_week(redis_url: str, groups: int) -> float:
    from storage.cluster import connect
    from storage.redis_store import RedisStore

    store = RedisStore(await connect(redis_url))
    try:
        setting = await store.client.config_get("hash-max-*-value")
        sample = (await store.groups())[: min(groups, 100)]
        sizes = [await store.memory_usage(group, "2025-W39") for group in sample]
        print(f"redis hash value limits (default config): {setting}")
    finally:
        await store.client.aclose()
    return sum(sizes) / max(1, len(sizes))


async def main(updates: int, groups: int, in_flight: int, workers: int) -> None:
    """Run the benchmark and print its figures."""
    import tempfile

    sandbox, bodies = build_world(groups, updates)
    print(f"{len(bodies)} updates in {groups} groups, {in_flight} requests in flight")
    async with SandboxServer(sandbox) as api:
        with redis_server() as redis_url, tempfile.TemporaryDirectory() as data:
            floor = await run_floor(api.base_url, redis_url, bodies, in_flight)
            one = await run_ours(1, api.base_url, redis_url, bodies, in_flight, Path(data))
            memory = await memory_per_group_week(redis_url, groups)
        with redis_server() as redis_url, tempfile.TemporaryDirectory() as data:
            many = await run_ours(workers, api.base_url, redis_url, bodies, in_flight, Path(data))
    n = len(bodies)
    rows = [
        ("floor (bare PTB + one INCR)", f"{n / floor:8.0f} updates/s {floor / n * 1e6:6.0f} µs"),
        ("ours, 1 worker", f"{n / one:8.0f} updates/s {one / n * 1e6:6.0f} µs"),
        (f"ours, {workers} workers", f"{n / many:8.0f} updates/s"),
        ("time per update vs floor", f"{one / floor:8.2f}x (goal <= 2x)"),
        (f"{workers} workers vs 1", f"{one / many:8.2f}x (goal >= 2.5x; {os.cpu_count()} cores)"),
        ("memory per group-week", f"{memory / 1024:8.1f} KB (default-config server)"),
    ]
    for name, figure in rows:
        print(f"{name:30} {figure}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=6000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--serve-floor", nargs=3, metavar=("PORT", "API", "REDIS"))
    options = parser.parse_args()
    if options.serve_floor:
        port, api, redis_url = options.serve_floor
        asyncio.run(serve_floor(int(port), api, redis_url))
    else:
        asyncio.run(main(options.updates, options.groups, options.in_flight, options.workers))
