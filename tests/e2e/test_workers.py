"""Three ``fingertip run`` workers behind one webhook URL, sharing one Redis; one is killed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Chat

from bot.config.settings import Settings
from bot.core.schedule import due_week
from bot.core.worktime import week_start
from bot.demo.sandbox import Sandbox, SandboxServer
from storage import keys
from storage.cluster import RedisClient
from storage.redis_store import RedisStore
from tests.e2e.test_cli_run import TOKEN, free_port, scrape, until
from tests.support.balancer import RoundRobinBalancer

WORKERS = 3
GROUPS = 10
MESSAGES_PER_GROUP = 8
LEASE_SECONDS = 2.0
SWEEP_SECONDS = 0.5


def the_due_week() -> str:
    """The week whose digest the workers owe now (default schedule, default time zone)."""
    settings = Settings()
    zone = ZoneInfo(settings.timezone)
    return due_week(datetime.now(zone), 0, time(9, 0))


async def start_worker(
    environment: dict[str, str], webhook: str, port: int, cwd: Path
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot.cli", "run", "--webhook", webhook, "--port", str(port)),
        env=environment,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def healthy(port: int) -> bool:
    try:
        return (await scrape(f"http://127.0.0.1:{port}/healthz")) == '{"ok": true}'
    except (OSError, AssertionError):
        return False


async def until_async(check: object, seconds: float = 60.0) -> bool:
    """Poll an async ``check()`` until true (a hang guard, not a timing test)."""
    for _ in range(int(seconds / 0.1)):
        if await check():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.1)
    return False


async def leased_by(client: RedisClient, pid: int, week: str, groups: list[Chat]) -> set[int]:
    """The groups whose digest lease the worker ``pid`` of this host held (worker_name's form)."""
    prefix = f"{socket.gethostname()}:{pid}:".encode()
    found = set()
    for group in groups:
        holder = await client.get(keys.digest_lease(group.id, week, group.id))
        if holder is not None and holder.startswith(prefix):
            found.add(group.id)
    return found


async def test_three_workers_count_every_update_and_send_every_digest_once(
    tmp_path: Path, redis_url: str, redis_client: RedisClient
) -> None:
    week = the_due_week()
    zone = ZoneInfo(Settings().timezone)
    tuesday_night = datetime.combine(week_start(week) + timedelta(days=1), time(22), zone)
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "fingertip_bot", can_read_all_group_messages=True)
    ports = [free_port() for _ in range(WORKERS)]
    processes: list[asyncio.subprocess.Process] = []
    async with (
        SandboxServer(sandbox) as server,
        RoundRobinBalancer([f"http://127.0.0.1:{p}" for p in ports]) as balancer,
    ):
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FINGERTIP_")},
            "FINGERTIP_TELEGRAM_TOKEN": TOKEN,
            "FINGERTIP_TELEGRAM_API_URL": server.base_url,
            # One data directory: the workers share its pseudonym keys, as a deployment must.
            "FINGERTIP_DATA_DIR": str(tmp_path / "data"),
            "FINGERTIP_SECRET": "one-deployment-secret-shared-by-every-worker",
            "FINGERTIP_REDIS_URL": redis_url,
            "FINGERTIP_LANGUAGE": "en",
            "FINGERTIP_DIGEST_CHART": "false",
            "FINGERTIP_SHARED_WEBHOOK": "true",
            "FINGERTIP_DIGEST_LEASE_SECONDS": str(LEASE_SECONDS),
            "FINGERTIP_DIGEST_SWEEP_SECONDS": str(SWEEP_SECONDS),
            "PTB_TIMEDELTA": "1",
        }
        webhook = f"{balancer.url}/telegram"
        try:
            # One at a time, so the first creates the shared keys before the others read them.
            for port in ports:
                processes.append(await start_worker(environment, webhook, port, tmp_path))
                assert await until_async(lambda port=port: healthy(port))
            assert await until(lambda: sandbox.webhook()[0] == webhook)

            groups = []
            for n in range(GROUPS):
                boss = sandbox.add_user(f"Boss {n}")
                group = sandbox.create_group(f"Ward {n}", owner=boss)
                sandbox.add_bot_to_group(group, by=boss)
                for m in range(MESSAGES_PER_GROUP):
                    sandbox.post(
                        group,
                        boss,
                        f"Everyone send a photo of ward log {m} by 9pm tonight.",
                        at=tuesday_night + timedelta(minutes=m),
                    )
                groups.append(group)

            def digests(group: object) -> int:
                return sum(week in (m.plain_text or "") for m in sandbox.sent_to(group))  # type: ignore[arg-type]

            delivered = await sandbox.deliver_webhook()
            assert delivered and all(status == 200 for status in delivered)
            # Kill one worker while digests are going out (lease and all), without warning.
            assert await until(lambda: any(digests(g) for g in groups), 60)
            processes[0].send_signal(signal.SIGKILL)
            await processes[0].wait()
            # A part whose send was in flight at the kill may have reached Telegram unrecorded;
            # whoever resumes that digest sends the part again (at least once, never lost).
            in_flight = await leased_by(redis_client, processes[0].pid, week, groups)
            for _ in range(100):  # deliver the rest; a failed request stays pending and returns
                if not await sandbox.deliver_webhook():
                    break

            assert await until(lambda: all(digests(g) for g in groups), 60)
            # Give every survivor several sweeps and one lease period to (wrongly) send again.
            await asyncio.sleep(LEASE_SECONDS + 4 * SWEEP_SECONDS)
            sent = [digests(g) for g in groups]
            print("digests per group", sent, "leased by the killed worker", in_flight)
            assert all(
                count == 1 or (count == 2 and group.id in in_flight)
                for group, count in zip(groups, sent, strict=True)
            )

            store = RedisStore(redis_client)
            for group in groups:
                counted = await store.week(group.id, week)
                assert counted.messages == MESSAGES_PER_GROUP
        finally:
            logs = []
            for process in processes:
                if process.returncode is None:
                    process.send_signal(signal.SIGINT)
                    _, errors = await asyncio.wait_for(process.communicate(), 30)
                    logs.append((process.returncode, errors.decode()))
                    print(errors.decode()[-4000:])  # shown when the test fails
        for returncode, log in logs:
            assert returncode == 0, log
            assert "Traceback" not in log, log
        assert sandbox.webhook()[0] == webhook  # a shared webhook outlives its workers
