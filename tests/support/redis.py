"""Redis fixtures: the embedded server by default, plus FINGERTIP_TEST_REDIS_URL when it is set.

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

from storage.embedded import EmbeddedRedis, start_embedded
from storage.redis_store import RedisStore

SERVER_URL_VARIABLE = "FINGERTIP_TEST_REDIS_URL"
SENTINEL_KEY = "fingertip:test-fixture-owns-this-db"


class ForeignDatabaseError(RuntimeError):
    """The test database holds keys the tests did not write: it may be someone's live data."""


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
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    """A client on an emptied database of the Redis under test (only a database we own)."""
    client = Redis.from_url(redis_url)
    await claim_database(client)
    yield client
    await claim_database(client)
    await client.aclose()


@pytest.fixture
async def store(redis_client: Redis) -> AsyncIterator[RedisStore]:
    """A ``RedisStore`` with default retention on the Redis under test."""
    yield RedisStore(redis_client)


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
