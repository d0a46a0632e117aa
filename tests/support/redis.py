"""Redis fixtures: the embedded server by default, plus FINGERTIP_REDIS_URL when it is set.

Store tests take the ``store`` fixture and so run once per deployment shape.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from storage.embedded import EmbeddedRedis, start_embedded
from storage.redis_store import RedisStore

SERVER_URL_VARIABLE = "FINGERTIP_REDIS_URL"


def _shapes() -> list[str]:
    return ["embedded", "server"] if os.environ.get(SERVER_URL_VARIABLE) else ["embedded"]


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """One embedded Redis for the whole test session."""
    server = start_embedded(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=_shapes())
def redis_url(request: pytest.FixtureRequest) -> str:
    """The URL of the Redis a test should use, for each deployment shape in turn."""
    if request.param == "server":
        return os.environ[SERVER_URL_VARIABLE]
    embedded: EmbeddedRedis = request.getfixturevalue("embedded_redis")
    return embedded.url


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    """A client on an emptied database of the Redis under test."""
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture
async def store(redis_client: Redis) -> AsyncIterator[RedisStore]:
    """A ``RedisStore`` with default retention on the Redis under test."""
    yield RedisStore(redis_client)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data directory."""
    return tmp_path / "data"
