"""End to end through the webhook: HTTP request in, counts stored, 200 out.

Runs, in this one run and against the same default-config ``redis-server``:
- ours: ``fingertip run --webhook`` as a real process (classifier, store, Lua), with 1 worker,
  then ``--workers`` workers sharing one port (``--reuse-port``: the kernel spreads the
  client's connections over them, no balancer process in between);
- floor: a bare python-telegram-bot application behind the same aiohttp webhook code whose only
  handler does one ``INCR`` on the same Redis.
Both answer 200 only after the update was handled (stored). One client (one aiohttp session,
keep-alive connections, a fixed number of requests in flight) posts the same group messages
(built by the Bot API sandbox, which also answers the bots' API calls). Besides wall time it
prints the CPU time of the server processes, of the client and of Redis, and the load average:
the machine may be shared, and CPU time says what the code costs when wall time does not.
Also prints Redis memory per group-week on the default config.

Goals (issue 12): >= 3,000 updates/s per process, <= 2x the floor's time per update, three
workers >= 2.5x one (needs at least three free cores besides the client's and Redis's).
Run: python bench/webhook.py [--updates 6000] [--groups 200] [--in-flight 32] [--workers 3]
     [--rounds 1]  (each round: floor, ours with one worker, ours with --workers, fresh Redis)
     [--profile FILE]  (cProfile stats of the one-worker run; its figures are then not timings)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Run:
    """One timed run: wall seconds and CPU seconds of the servers, the client and Redis."""

    updates: int
    wall: float
    server_cpu: float
    client_cpu: float
    redis_cpu: float

    def per_second(self) -> float:
        """Updates per wall-clock second."""
        return self.updates / self.wall

    def wall_us(self) -> float:
        """Wall-clock µs per update."""
        return self.wall / self.updates * 1e6

    def server_us(self) -> float:
        """CPU µs of the server process(es) per update."""
        return self.server_cpu / self.updates * 1e6


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the processes ``pids`` (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


async def redis_cpu_seconds(redis_url: str) -> float:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        info = await client.info("cpu")
    finally:
        await client.aclose()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def load_average() -> str:
    """The 1-minute load average (other jobs on a shared machine show here)."""
    return Path("/proc/loadavg").read_text().split()[0]


async def post_all(url: str, bodies: list[bytes], in_flight: int) -> float:
    """POST every body with ``in_flight`` requests at a time; seconds for all of them.

    One session, ``in_flight`` keep-alive connections each sending its next body as soon as
    the last one was answered, no cookie jar: the client should cost little next to a server.
    """
    headers = {SECRET_HEADER: shared_webhook_secret(TOKEN), "Content-Type": "application/json"}
    pending = iter(bodies)
    failures = 0

    async def sender(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        for body in pending:
            async with session.post(url, data=body, headers=headers) as reply:
                await reply.read()
                failures += reply.status != 200

    connector = aiohttp.TCPConnector(limit=in_flight, force_close=False)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        start = time.perf_counter()
        await asyncio.gather(*(sender(session) for _ in range(in_flight)))
        seconds = time.perf_counter() - start
    if failures:
        raise SystemExit(f"bench: {failures} updates were not answered 200")
    return seconds


async def timed(
    url: str, bodies: list[bytes], in_flight: int, pids: list[int], redis_url: str
) -> Run:
    """``post_all`` with the CPU time each side spent meanwhile."""
    servers, client, redis = (
        cpu_seconds(pids),
        time.process_time(),
        await redis_cpu_seconds(redis_url),
    )
    wall = await post_all(url, bodies, in_flight)
    return Run(
        updates=len(bodies),
        wall=wall,
        server_cpu=cpu_seconds(pids) - servers,
        client_cpu=time.process_time() - client,
        redis_cpu=await redis_cpu_seconds(redis_url) - redis,
    )


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
    workers: int,
    api: str,
    redis_url: str,
    bodies: list[bytes],
    in_flight: int,
    data: Path,
    profile: str | None = None,
) -> Run:
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FINGERTIP_")},
        "FINGERTIP_TELEGRAM_TOKEN": TOKEN,
        "FINGERTIP_TELEGRAM_API_URL": api,
        "FINGERTIP_REDIS_URL": redis_url,
        "FINGERTIP_DATA_DIR": str(data),
        "FINGERTIP_SHARED_WEBHOOK": "true",
        "FINGERTIP_SECRET": "fingertip-bench-webhook-secret-0123456789abcdef",
        "PTB_TIMEDELTA": "1",
    }
    processes = []
    try:
        for _ in range(workers):
            # Every worker binds the same webhook port; each answers /healthz on its own port.
            own = free_port()
            command = [sys.executable, "-m", "bot.cli", "run", "--port", str(port)]
            command += ["--reuse-port", "--metrics-port", str(own)]
            command += ["--webhook", f"http://127.0.0.1:{port}/telegram"]
            if profile:  # cProfile writes its stats when the worker stops on SIGINT
                command = [sys.executable, "-m", "cProfile", "-o", profile, *command[1:]]
            processes.append(await start(command, environment, f"http://127.0.0.1:{own}/healthz"))
        url = f"http://127.0.0.1:{port}/telegram"
        return await timed(url, bodies, in_flight, [p.pid for p in processes], redis_url)
    finally:
        await stop(processes)


async def run_floor(api: str, redis_url: str, bodies: list[bytes], in_flight: int) -> Run:
    port = free_port()
    command = [sys.executable, str(Path(__file__)), "--serve-floor", str(port), api, redis_url]
    environment = {**os.environ, "PTB_TIMEDELTA": "1"}
    process = await start(command, environment, f"http://127.0.0.1:{port}/healthz")
    try:
        url = f"http://127.0.0.1:{port}/telegram"
        return await timed(url, bodies, in_flight, [process.pid], redis_url)
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
    runner = web.AppRunner(app, access_log=None)  # as ours: no line per request
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


async def main(
    updates: int, groups: int, in_flight: int, workers: int, rounds: int, profile: str | None
) -> None:
    """Run the benchmark and print its figures."""
    import tempfile

    sandbox, bodies = build_world(groups, updates)
    print(f"{len(bodies)} updates in {groups} groups, {in_flight} requests in flight")
    print(
        f"{'':34} {'updates/s':>9} {'wall µs':>8} {'server CPU µs':>14} "
        f"{'client CPU µs':>14} {'Redis CPU µs':>13}"
    )
    summary = []
    async with SandboxServer(sandbox) as api:
        for round_ in range(1, rounds + 1):
            # A fresh Redis each round: a second pass over the same updates would be redeliveries.
            load = load_average()
            with redis_server() as redis_url, tempfile.TemporaryDirectory() as data:
                floor = await run_floor(api.base_url, redis_url, bodies, in_flight)
                one = await run_ours(
                    1, api.base_url, redis_url, bodies, in_flight, Path(data), profile
                )
                memory = await memory_per_group_week(redis_url, groups)
            with redis_server() as redis_url, tempfile.TemporaryDirectory() as data:
                many = await run_ours(
                    workers, api.base_url, redis_url, bodies, in_flight, Path(data)
                )
            for name, run in [
                (f"{round_}: floor (PTB + one INCR)", floor),
                (f"{round_}: ours, 1 worker", one),
                (f"{round_}: ours, {workers} workers, one port", many),
            ]:
                print(
                    f"{name:34} {run.per_second():9.0f} {run.wall_us():8.0f} "
                    f"{run.server_us():14.0f} {run.client_cpu / run.updates * 1e6:14.0f} "
                    f"{run.redis_cpu / run.updates * 1e6:13.0f}"
                )
            summary.append(
                (
                    one.wall / floor.wall,
                    one.server_cpu / floor.server_cpu,
                    one.wall / many.wall,
                    f"{load} -> {load_average()}",
                )
            )
    for round_, (wall, cpu, scale, load) in enumerate(summary, 1):
        print(
            f"round {round_}: ours / floor {wall:.2f}x wall (goal <= 2x), {cpu:.2f}x server CPU; "
            f"{workers} workers / 1: {scale:.2f}x (goal >= 2.5x; {os.cpu_count()} cores); "
            f"load {load}"
        )
    print(f"memory per group-week {memory / 1024:.1f} KB (default-config server)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=6000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="repeat, each on a fresh Redis")
    parser.add_argument("--profile", metavar="FILE", help="cProfile stats of the 1-worker run")
    parser.add_argument("--serve-floor", nargs=3, metavar=("PORT", "API", "REDIS"))
    options = parser.parse_args()
    if options.serve_floor:
        port, api, redis_url = options.serve_floor
        asyncio.run(serve_floor(int(port), api, redis_url))
    else:
        asyncio.run(
            main(
                options.updates,
                options.groups,
                options.in_flight,
                options.workers,
                options.rounds,
                options.profile,
            )
        )
