"""The embedded server never outlives its owner, restarts after a crash and loses no data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from storage.base import StoreError
from storage.embedded import PID_NAME, SOCKET_NAME, start_embedded
from tests.support.paths import REPO_ROOT
from tests.support.redis import servers_under

# A bot stand-in: starts the embedded server, writes one key fsynced to the append-only file,
# prints the server's pid, then exits, waits to be killed, or stops politely, as told.
# Ctrl-C is a KeyboardInterrupt, as in a terminal (and as the bot's own handler makes it): a
# shell that starts the tests in the background has them inherit SIGINT ignored, and Python
# then leaves it ignored, so SIGINT would not end the stand-in at all.
OWNER = """
import signal, sys, time
from pathlib import Path
import redis
from storage.embedded import start_embedded
signal.signal(signal.SIGINT, signal.default_int_handler)
server = start_embedded(Path(sys.argv[1]))
client = redis.Redis(unix_socket_path=server.socket_path)
client.set("counted", sys.argv[2])
client.execute_command("WAITAOF", 1, 0, 5000)
print(server.pid, flush=True)
if sys.argv[3] == "wait":
    time.sleep(600)
"""


def _gone(pid: int, within: float = 20.0) -> bool:
    """Whether ``pid`` ends within the bound (a bound on waiting, not a speed claim)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def owner(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    data = tmp_path / "data"
    processes: list[subprocess.Popen[str]] = []

    def start(value: str, mode: str) -> tuple[subprocess.Popen[str], int]:
        process = subprocess.Popen(
            [sys.executable, "-c", OWNER, str(data), value, mode],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        return process, int(process.stdout.readline())

    yield start, data  # type: ignore[misc]
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
    for pid in servers_under(tmp_path):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("ending", ["exit", signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_the_server_ends_with_its_owner(owner, ending) -> None:  # type: ignore[no-untyped-def]
    start, data = owner
    process, server = start("1", "exit" if ending == "exit" else "wait")
    if ending != "exit":
        process.send_signal(ending)
    process.wait(30)
    assert _gone(server)
    assert servers_under(data) == []


def test_a_restart_after_kill_9_of_owner_and_server_loses_no_data(owner) -> None:  # type: ignore[no-untyped-def]
    start, data = owner
    process, server = start("42", "wait")
    os.kill(server, signal.SIGKILL)
    process.kill()
    process.wait(30)
    assert _gone(server)
    assert (data / SOCKET_NAME).exists() and (data / PID_NAME).exists()  # what a crash leaves

    restarted = start_embedded(data)
    try:
        assert redis.Redis(unix_socket_path=restarted.socket_path).get("counted") == b"42"
    finally:
        restarted.stop()
    assert _gone(restarted.pid)


def test_an_orphaned_server_is_stopped_and_replaced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = start_embedded(data)
    redis.Redis(unix_socket_path=first.socket_path).set("kept", "yes")
    # Orphan it: forget it without stopping, and drop our lock as a dead owner would.
    from storage import embedded

    embedded._running.pop(first.data_dir)
    first.lock.close()
    orphan = first.pid

    second = start_embedded(data)
    try:
        assert second.pid != orphan
        assert _gone(orphan)
        assert redis.Redis(unix_socket_path=second.socket_path).get("kept") == b"yes"
    finally:
        second.stop()
        first.process.wait(30)


def test_two_owners_of_one_data_directory_are_refused(owner) -> None:  # type: ignore[no-untyped-def]
    start, data = owner
    start("1", "wait")
    with pytest.raises(StoreError, match="in use by another fingertip process"):
        start_embedded(data)


def test_the_same_process_joins_its_running_server(tmp_path: Path) -> None:
    first = start_embedded(tmp_path / "data")
    second = start_embedded(tmp_path / "data")
    assert second is first
    first.stop()
    assert redis.Redis(unix_socket_path=second.socket_path).ping()
    second.stop()
    assert _gone(first.pid)


def test_the_server_listens_on_no_tcp_port_and_keeps_files_private(tmp_path: Path) -> None:
    server = start_embedded(tmp_path / "data")
    try:
        client = redis.Redis(unix_socket_path=server.socket_path)
        assert client.config_get("port") == {"port": "0"}
        assert client.config_get("hash-max-listpack-entries") == {
            "hash-max-listpack-entries": "1024"
        }
        client.set("x", "y")
        client.execute_command("WAITAOF", 1, 0, 5000)
    finally:
        server.stop()
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "data").rglob("*")}
    assert modes, "the server wrote no files"
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes
