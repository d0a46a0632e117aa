"""A real three-master Redis Cluster on loopback ports, for tests and benchmarks.

The nodes are ``redis-server`` processes (Debian's package, or any binary named by
``FINGERTIP_TEST_REDIS_SERVER``) on ports chosen free at start; the cluster is formed with
``redis-cli --cluster create``. ``stop()`` always ends every node it started, by process id.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SERVER_BINARY_VARIABLE = "FINGERTIP_TEST_REDIS_SERVER"
_MASTERS = 3
_START_TIMEOUT_S = 30.0


class ClusterUnavailable(RuntimeError):
    """No server binary to build a cluster from, or the cluster did not form."""


def server_binary() -> str | None:
    """The ``redis-server`` binary to run, or None when the machine has none."""
    return os.environ.get(SERVER_BINARY_VARIABLE) or shutil.which("redis-server")


def _cli_binary(server: str) -> str:
    sibling = Path(server).with_name("redis-cli")
    found = str(sibling) if sibling.exists() else shutil.which("redis-cli")
    if found is None:
        raise ClusterUnavailable("redis-cli is not installed next to redis-server")
    return found


def _free_port() -> int:
    # A cluster node also listens on port + 10000 (the cluster bus), so both must be free.
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port + 10000 < 65536 and _port_is_free(port + 10000):
            return port
    raise ClusterUnavailable("no free port pair for a cluster node")


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class LocalCluster:
    """A running cluster: its node ports and processes."""

    directory: Path
    ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """A URL of one node; a cluster client discovers the rest from it."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def stop(self) -> None:
        """End every node this cluster started (and wait, so no process is left behind)."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.processes.clear()


def start_cluster(directory: Path) -> LocalCluster:
    """Start three masters in ``directory``, form a cluster and wait until it serves every slot."""
    server = server_binary()
    if server is None:
        raise ClusterUnavailable("redis-server is not installed (apt-get install redis-server)")
    cluster = LocalCluster(directory)
    try:
        for _ in range(_MASTERS):
            _start_node(cluster, server)
        _form(cluster, _cli_binary(server))
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start_node(cluster: LocalCluster, server: str) -> None:
    port = _free_port()
    node_dir = cluster.directory / str(port)
    node_dir.mkdir(parents=True, exist_ok=True)
    command = [
        server,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(node_dir),
        "--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf",
        "--cluster-node-timeout", "2000",
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
        "--logfile", str(node_dir / "redis.log"),
    ]  # fmt: skip
    cluster.processes.append(subprocess.Popen(command, stdin=subprocess.DEVNULL))
    cluster.ports.append(port)
    _wait_for_ping(cluster, port)


def _wait_for_ping(cluster: LocalCluster, port: int) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in cluster.processes):
            raise ClusterUnavailable(f"a cluster node exited at start (see {cluster.directory})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise ClusterUnavailable(f"cluster node on port {port} did not answer")


def _form(cluster: LocalCluster, cli: str) -> None:
    nodes = [f"127.0.0.1:{port}" for port in cluster.ports]
    subprocess.run(
        [cli, "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
        check=True,
        capture_output=True,
        timeout=_START_TIMEOUT_S,
    )
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        states = [
            subprocess.run(
                [cli, "-p", str(port), "cluster", "info"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout
            for port in cluster.ports
        ]
        if all("cluster_state:ok" in state for state in states):
            return
        time.sleep(0.1)
    raise ClusterUnavailable("the cluster did not reach cluster_state:ok")


@contextmanager
def running_cluster(directory: Path) -> Iterator[LocalCluster]:
    """A cluster for the duration of a ``with`` block, always stopped afterwards."""
    cluster = start_cluster(directory)
    try:
        yield cluster
    finally:
        cluster.stop()
