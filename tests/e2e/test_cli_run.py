"""``fingertip run`` as a real process, talking to a Bot API server on 127.0.0.1 (the sandbox)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo.sandbox import Sandbox, SandboxServer
from tests.support.http import closing_session

TOKEN = "123456789:AAEfingertipEndToEndTokenForTests12345"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until(condition: object, seconds: float = 20.0) -> bool:
    """Poll ``condition()`` until true or ``seconds`` pass (a hang guard, not a timing test)."""
    for _ in range(int(seconds / 0.05)):
        if condition():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


async def scrape(url: str) -> str:
    async with closing_session() as session, session.get(url) as reply:
        assert reply.status == 200
        return await reply.text()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_run_serves_a_group_until_interrupted(tmp_path: Path, mode: str) -> None:
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "fingertip_bot", can_read_all_group_messages=True)
    async with SandboxServer(sandbox) as server:
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FINGERTIP_")},
            "FINGERTIP_TELEGRAM_TOKEN": TOKEN,
            "FINGERTIP_TELEGRAM_API_URL": server.base_url,
            "FINGERTIP_DATA_DIR": str(tmp_path / "data"),
            "FINGERTIP_LANGUAGE": "en",
            "FINGERTIP_SECRET": "a-deployment-secret-kept-outside-the-data-dir",
            "PTB_TIMEDELTA": "1",
        }
        port, webhook_port = free_port(), free_port()
        arguments = ["-m", "bot.cli", "run", "--metrics-port", str(port)]
        if mode == "webhook":
            arguments += [
                "--webhook",
                f"http://127.0.0.1:{webhook_port}/telegram",
                "--port",
                str(webhook_port),
            ]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *arguments,
            env=environment,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            boss = sandbox.add_user("Boss")
            group = sandbox.create_group("Ward 7", owner=boss)
            if mode == "webhook":
                assert await until(lambda: sandbox.webhook()[0] is not None)
            sandbox.add_bot_to_group(group, by=boss)
            sandbox.post(group, boss, "Everyone send a photo of the ward log by 9pm tonight.")
            if mode == "webhook":
                assert await sandbox.deliver_webhook() == [200, 200, 200]
            assert await until(lambda: bool(sandbox.sent_to(group)))
            counted = 'fingertip_messages_total{result="new"} 1.0'
            for _ in range(400):  # the update is handled asynchronously; bounded wait
                metrics = await scrape(f"http://127.0.0.1:{port}/metrics")
                if counted in metrics:
                    break
                await asyncio.sleep(0.05)
            assert counted in metrics
            assert (
                'fingertip_burden_labels_total{exempt="false",label="proof_demand"} 1.0' in metrics
            )
            assert (await scrape(f"http://127.0.0.1:{port}/healthz")) == '{"ok": true}'
            if mode == "webhook":
                # The public webhook listener serves no counters.
                url = f"http://127.0.0.1:{webhook_port}/metrics"
                async with closing_session() as session, session.get(url) as reply:
                    assert reply.status == 404
        finally:
            process.send_signal(signal.SIGINT)
            _, errors = await asyncio.wait_for(process.communicate(), 30)
        log = errors.decode()
        assert process.returncode == 0, log
        assert "Fingertip" in (sandbox.sent_to(group)[0].plain_text or "")
        assert TOKEN.split(":")[1] not in log
        assert "Traceback" not in log
        if mode == "webhook":
            assert sandbox.webhook()[0] is None
        data = tmp_path / "data"
        assert data.stat().st_mode & 0o777 == 0o700
        files = [p for p in data.rglob("*") if p.is_file()]
        assert files
        assert {p.stat().st_mode & 0o777 for p in files} == {0o600}


def test_run_without_a_deployment_secret_says_so_in_one_line(tmp_path: Path) -> None:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FINGERTIP_")},
        "FINGERTIP_TELEGRAM_TOKEN": TOKEN,
        "FINGERTIP_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "FINGERTIP_SECRET" in lines[0]
    assert not (tmp_path / "data").exists()


async def _line_with(stream: asyncio.StreamReader, fragment: str, seen: list[str]) -> None:
    """Read log lines into ``seen`` until one contains ``fragment`` (bounded by the caller)."""
    while True:
        line = (await stream.readline()).decode()
        if not line:
            raise AssertionError(f"the process ended before logging {fragment!r}: {seen}")
        seen.append(line)
        if fragment in line:
            return


async def test_run_waits_for_telegram_in_one_line_and_starts_when_it_is_back(
    tmp_path: Path,
) -> None:
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "fingertip_bot", can_read_all_group_messages=True)
    api_port = free_port()  # nothing listens there yet: Telegram is unreachable
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FINGERTIP_")},
        "FINGERTIP_TELEGRAM_TOKEN": TOKEN,
        "FINGERTIP_TELEGRAM_API_URL": f"http://127.0.0.1:{api_port}/bot",
        "FINGERTIP_DATA_DIR": str(tmp_path / "data"),
        "FINGERTIP_SECRET": "a-deployment-secret-kept-outside-the-data-dir",
        "PTB_TIMEDELTA": "1",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=environment,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen: list[str] = []
    try:
        await asyncio.wait_for(_line_with(process.stderr, "cannot be reached", seen), 60)
        async with SandboxServer(sandbox, port=api_port):
            await asyncio.wait_for(_line_with(process.stderr, "polling for updates", seen), 60)
            process.send_signal(signal.SIGINT)
            _, rest = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = "".join(seen) + rest.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    failures = [line for line in log.splitlines() if "cannot be reached" in line]
    assert 1 <= len(failures) <= 3, log  # one line per attempt, and the attempts back off
    assert all(len(line) < 300 for line in failures)
    assert TOKEN.split(":")[1] not in log
