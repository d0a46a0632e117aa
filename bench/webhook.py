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
     [--paired] [--block 500] [--against DIR]
       (paired: floor and ours, one worker each, both started once and fed the updates in
       alternating blocks, each block's CPU read to the nanosecond; prints every pair and the
       medians, so one run gives a ratio the neighbours' jobs disturb little. --against DIR
       adds a third server, ``fingertip run`` from another checkout, for before/after runs)
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


def cpu_nanoseconds(pid: int) -> int:
    """Nanoseconds on a CPU so far of every thread of ``pid`` (``/proc/PID/task/*/schedstat``:
    exact, where the tick counts of ``/proc/PID/stat`` come in steps of 10 ms)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except FileNotFoundError:  # the thread ended meanwhile
            continue
    return total


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
    command: list[str], environment: dict[str, str], health: str, cwd: Path | None = None
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        *command,
        env=environment,
        cwd=cwd,
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


def ours_environment(api: str, redis_url: str, data: Path) -> dict[str, str]:
    """The environment of ``fingertip run`` in this bench (no FINGERTIP_ setting of the caller)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FINGERTIP_")},
        "FINGERTIP_TELEGRAM_TOKEN": TOKEN,
        "FINGERTIP_TELEGRAM_API_URL": api,
        "FINGERTIP_REDIS_URL": redis_url,
        "FINGERTIP_DATA_DIR": str(data),
        "FINGERTIP_SHARED_WEBHOOK": "true",
        "FINGERTIP_SECRET": "fingertip-bench-webhook-secret-0123456789abcdef",
        "PTB_TIMEDELTA": "1",
    }


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
    environment = ours_environment(api, redis_url, data)
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


@dataclass(frozen=True)
class Server:
    """One server of the paired mode: its name, its process and where it takes updates."""

    name: str
    process: asyncio.subprocess.Process
    url: str


@dataclass(frozen=True)
class Block:
    """One block of updates posted to one server: wall seconds, CPU seconds of the server
    (to the nanosecond) and of Redis."""

    updates: int
    wall: float
    server_cpu: float
    redis_cpu: float

    def server_us(self) -> float:
        """CPU µs of the server per update."""
        return self.server_cpu / self.updates * 1e6

    def wall_us(self) -> float:
        """Wall-clock µs per update."""
        return self.wall / self.updates * 1e6


def median(values: list[float]) -> float:
    """The median of ``values`` (the mean of the middle two for an even count)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        raise ValueError("median of nothing")
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def blocks_of(bodies: list[bytes], size: int) -> list[list[bytes]]:
    """``bodies`` cut into blocks of ``size`` in order (the last one may be shorter)."""
    return [bodies[first : first + size] for first in range(0, len(bodies), size)]


def turn_order(names: list[str], block: int) -> list[str]:
    """Who gets block ``block`` first: the order turns round from one block to the next
    (A B, B A, A B, ...), so a server never always goes first after the same one."""
    return names if block % 2 == 0 else names[::-1]


async def timed_block(
    server: Server, bodies: list[bytes], in_flight: int, redis_url: str
) -> Block:
    """``post_all`` of one block to ``server`` with its CPU and Redis's meanwhile."""
    pid = server.process.pid
    cpu, redis = cpu_nanoseconds(pid), await redis_cpu_seconds(redis_url)
    wall = await post_all(server.url, bodies, in_flight)
    return Block(
        updates=len(bodies),
        wall=wall,
        server_cpu=(cpu_nanoseconds(pid) - cpu) / 1e9,
        redis_cpu=await redis_cpu_seconds(redis_url) - redis,
    )


async def start_paired(api: str, redis_url: str, data: Path, against: Path | None) -> list[Server]:
    """The floor and ours (one worker each), and ours from ``against`` when given; each
    ``fingertip run`` on its own Redis database of the same server (they would see each
    other's updates as redeliveries), the floor's ``INCR``s on the first."""
    servers = []
    try:
        port = free_port()
        command = [sys.executable, str(Path(__file__)), "--serve-floor", str(port), api, redis_url]
        environment = {**os.environ, "PTB_TIMEDELTA": "1"}
        process = await start(command, environment, f"http://127.0.0.1:{port}/healthz")
        servers.append(Server("floor", process, f"http://127.0.0.1:{port}/telegram"))
        checkouts = [("ours", ROOT), *([("against", against)] if against else [])]
        for database, (name, checkout) in enumerate(checkouts, 1):
            port, own = free_port(), free_port()
            url = f"{redis_url.rsplit('/', 1)[0]}/{database}"
            folder = data / name
            environment = ours_environment(api, url, folder)
            # ``-m`` puts the working directory first on the path: the checkout's code runs.
            environment["PYTHONPATH"] = str(checkout)
            command = [sys.executable, "-m", "bot.cli", "run", "--port", str(port)]
            command += ["--metrics-port", str(own)]
            command += ["--webhook", f"http://127.0.0.1:{port}/telegram"]
            health = f"http://127.0.0.1:{own}/healthz"
            process = await start(command, environment, health, cwd=checkout)
            servers.append(Server(name, process, f"http://127.0.0.1:{port}/telegram"))
    except BaseException:
        await stop([server.process for server in servers])
        raise
    return servers


async def paired(
    api: str, bodies: list[bytes], in_flight: int, block: int, against: Path | None
) -> None:
    """Floor and ours fed the same blocks of updates in turn; prints each block and medians.

    Both servers run the whole time, so a neighbour's job slows both about alike; each block's
    ratio compares two runs seconds apart. The first block of each (start-up: first look-ups,
    first groups) is printed but left out of the medians.
    """
    import tempfile

    with redis_server() as redis_url, tempfile.TemporaryDirectory() as data:
        servers = await start_paired(api, redis_url, Path(data), against)
        try:
            names = [server.name for server in servers]
            by_name = {server.name: server for server in servers}
            results: dict[str, list[Block]] = {name: [] for name in names}
            print(
                f"paired: {len(bodies)} updates in blocks of {block}, {in_flight} in flight; "
                f"load {load_average()}"
            )
            header = "  ".join(f"{name + ' CPU µs':>15} {'wall µs':>8}" for name in names)
            print(f"{'block':>5}  {header}  {'ours/floor CPU':>14}")
            for index, chunk in enumerate(blocks_of(bodies, block)):
                for name in turn_order(names, index):
                    results[name].append(
                        await timed_block(by_name[name], chunk, in_flight, redis_url)
                    )
                row = "  ".join(
                    f"{results[name][-1].server_us():15.0f} {results[name][-1].wall_us():8.0f}"
                    for name in names
                )
                ratio = results["ours"][-1].server_cpu / results["floor"][-1].server_cpu
                note = "  (warm-up)" if index == 0 else ""
                print(f"{index + 1:>5}  {row}  {ratio:14.2f}{note}")
            load = load_average()
        finally:
            await stop([server.process for server in servers])
    print_paired_summary(results, load)


def print_paired_summary(results: dict[str, list[Block]], load: str) -> None:
    """Over the blocks after the first: the median CPU and wall µs per update, updates/s and
    Redis CPU, the median of each block's ratio to the floor, and the ratio of the totals.

    The median of the blocks' ratios shrugs off a block a neighbour's job disturbed; the
    ratio of the totals also counts a cost that comes once in many updates (a collection, a
    cache refill), which a median leaves out. Both are printed: they agree when neither of
    those happened.
    """
    floor = results["floor"][1:] or results["floor"]
    for name, blocks in results.items():
        measured = blocks[1:] or blocks
        cpu = median([b.server_us() for b in measured])
        wall = median([b.wall_us() for b in measured])
        redis = median([b.redis_cpu / b.updates * 1e6 for b in measured])
        total = sum(b.server_cpu for b in measured) / sum(b.updates for b in measured) * 1e6
        line = (
            f"{name:>8}: server CPU median {cpu:.0f} µs/update (all blocks {total:.0f}), "
            f"wall {wall:.0f} µs ({1e6 / wall:,.0f} updates/s), Redis CPU {redis:.0f} µs"
        )
        if name != "floor":
            line += "; / floor: " + _ratios(measured, floor)
        print(line)
    if "against" in results:
        ours, against = results["ours"][1:], results["against"][1:]
        print("ours / against: " + _ratios(ours, against))
    print(f"load at the end {load} ({os.cpu_count()} cores); goal: ours / floor <= 2x")


def _ratios(blocks: list[Block], others: list[Block]) -> str:
    pairs = list(zip(blocks, others, strict=True))
    cpu = median([b.server_cpu / o.server_cpu for b, o in pairs])
    wall = median([b.wall / o.wall for b, o in pairs])
    total = sum(b.server_cpu for b in blocks) / sum(o.server_cpu for o in others)
    return (
        f"{cpu:.2f}x CPU, {wall:.2f}x wall (medians of {len(pairs)} pairs), "
        f"{total:.2f}x CPU in all"
    )


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


async def main_paired(
    updates: int, groups: int, in_flight: int, block: int, against: Path | None
) -> None:
    """The paired mode (``--paired``): see ``paired``."""
    if block < 1:
        raise SystemExit("bench: --block must be at least 1")
    if against is not None and not (against / "bot" / "cli" / "__main__.py").is_file():
        raise SystemExit(f"bench: --against {against} is not a Fingertip checkout (no bot/cli)")
    sandbox, bodies = build_world(groups, updates)
    async with SandboxServer(sandbox) as api:
        await paired(api.base_url, bodies, in_flight, block, against)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=6000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="repeat, each on a fresh Redis")
    parser.add_argument("--profile", metavar="FILE", help="cProfile stats of the 1-worker run")
    parser.add_argument(
        "--paired", action="store_true", help="floor and ours in alternating blocks, one run"
    )
    parser.add_argument("--block", type=int, default=500, help="updates per paired block")
    parser.add_argument(
        "--against", type=Path, metavar="DIR", help="paired: also ours from this checkout"
    )
    parser.add_argument("--serve-floor", nargs=3, metavar=("PORT", "API", "REDIS"))
    options = parser.parse_args()
    if options.serve_floor:
        port, api, redis_url = options.serve_floor
        asyncio.run(serve_floor(int(port), api, redis_url))
    elif options.paired or options.against:
        asyncio.run(
            main_paired(
                options.updates, options.groups, options.in_flight, options.block, options.against
            )
        )
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
