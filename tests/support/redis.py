"""Redis fixtures: the embedded server by default, plus FINGERTIP_REDIS_URL when it is set, plus a
three-master Redis Cluster on loopback ports when FINGERTIP_TEST_CLUSTER=1 (see cluster.py).

Store tests take the ``store`` fixture and so run once per deployment shape.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio.cluster import RedisCluster

from storage.cluster import RedisClient, connect
from storage.embedded import EmbeddedRedis, start_embedded
from storage.redis_store import RedisStore
from tests.support.cluster import LocalCluster, start_cluster

SERVER_URL_VARIABLE = "FINGERTIP_REDIS_URL"
CLUSTER_VARIABLE = "FINGERTIP_TEST_CLUSTER"


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


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[RedisClient]:
    """A client on an emptied database of the Redis under test (every master of a cluster)."""
    client = await connect(redis_url)
    await _flush(client)
    yield client
    await _flush(client)
    await client.aclose()


async def _flush(client: RedisClient) -> None:
    if isinstance(client, RedisCluster):
        await client.flushdb(target_nodes=RedisCluster.PRIMARIES)
    else:
        await client.flushdb()


@pytest.fixture
async def store(redis_client: RedisClient) -> AsyncIterator[RedisStore]:
    """A ``RedisStore`` with default retention on the Redis under test."""
    yield RedisStore(redis_client)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data directory."""
    return tmp_path / "data"
