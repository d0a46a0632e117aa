"""Redis fixtures: the embedded server by default, plus FINGERTIP_TEST_REDIS_URL when it is set,
plus a three-master Redis Cluster on loopback ports when FINGERTIP_TEST_CLUSTER=1 (cluster.py).

Store tests take the ``store`` fixture and so run once per deployment shape. The tests read
their own variable, never ``FINGERTIP_REDIS_URL`` (the live bot's), and they only empty a
database they marked as theirs: one that is empty, or that holds their sentinel key.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from storage.cluster import RedisClient, connect
from storage.embedded import EmbeddedRedis, start_embedded
from storage.redis_store import RedisStore
from tests.support.cluster import LocalCluster, start_cluster

SERVER_URL_VARIABLE = "FINGERTIP_TEST_REDIS_URL"
CLUSTER_VARIABLE = "FINGERTIP_TEST_CLUSTER"
SENTINEL_KEY = "fingertip:test-fixture-owns-this-db"


class ForeignDatabaseError(RuntimeError):
    """The test database holds keys the tests did not write: it may be someone's live data."""


def _shapes() -> list[str]:
    shapes = ["embedded", "server"] if os.environ.get(SERVER_URL_VARIABLE) else ["embedded"]
    if os.environ.get(CLUSTER_VARIABLE) == "1":
        shapes.append("cluster")
    return shapes


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """One embedded Redis for the whole test session."""
    server = start_embedded(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """One three-master Redis Cluster for the whole test session, always stopped afterwards."""
    cluster = start_cluster(tmp_path_factory.mktemp("cluster"))
    yield cluster
    cluster.stop()


@pytest.fixture(params=_shapes())
def redis_url(request: pytest.FixtureRequest) -> str:
    """The URL of the Redis a test should use, for each deployment shape in turn."""
    if request.param == "server":
        return os.environ[SERVER_URL_VARIABLE]
    if request.param == "cluster":
        cluster: LocalCluster = request.getfixturevalue("redis_cluster")
        return cluster.url
    embedded: EmbeddedRedis = request.getfixturevalue("embedded_redis")
    return embedded.url


async def claim_database(client: Redis) -> None:
    """Empty the database for a test, refusing when it holds keys the tests did not create.

    An empty database is marked with the sentinel key; a database with the sentinel is ours.
    Anything else may be live data and raises ``ForeignDatabaseError`` without touching it.
    """
    if await client.exists(SENTINEL_KEY):
        await client.flushdb()
    elif await client.dbsize():
        connection = client.connection_pool.connection_kwargs
        raise ForeignDatabaseError(
            f"refusing to empty Redis db {connection.get('db', 0)}: it holds keys these tests "
            f"did not create; point {SERVER_URL_VARIABLE} at an empty database"
        )
    await client.set(SENTINEL_KEY, "owned by the tests")


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[RedisClient]:
    """A client on an emptied database of the Redis under test: only a database we own, or
    every master of the cluster the tests started themselves."""
    client = await connect(redis_url)
    await _claim(client)
    yield client
    await _claim(client)
    await client.aclose()


async def _claim(client: RedisClient) -> None:
    if isinstance(client, RedisCluster):
        await client.flushdb(target_nodes=RedisCluster.PRIMARIES)
    else:
        await claim_database(client)


@pytest.fixture
async def store(redis_client: RedisClient) -> AsyncIterator[RedisStore]:
    """A ``RedisStore`` with default retention on the Redis under test; settled before its
    client is closed, so a background write never runs on after the test's loop."""
    opened = RedisStore(redis_client)
    yield opened
    await opened.settle()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data directory."""
    return tmp_path / "data"


def servers_under(directory: Path) -> list[int]:
    """Pids of Valkey/Redis servers whose command line names a path under ``directory``."""
    marker = os.fsencode(directory)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        name = command.split(b" ", 1)[0]
        if name.endswith((b"valkey-server", b"redis-server")) and marker in command:
            found.append(int(entry.name))
    return found
