"""The test fixtures never empty a database that holds keys they did not create."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from storage.embedded import EmbeddedRedis
from tests.support import redis as fixtures
from tests.support.redis import SENTINEL_KEY, ForeignDatabaseError, claim_database

# A database of the session's embedded server that no other test uses.
SPARE_DB = 7


@pytest.fixture
async def spare(embedded_redis: EmbeddedRedis) -> AsyncIterator[Redis]:
    client = Redis(unix_socket_path=embedded_redis.socket_path, db=SPARE_DB)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


async def test_a_database_with_foreign_keys_is_left_alone(spare: Redis) -> None:
    await spare.set("someone:else", "live data")
    with pytest.raises(ForeignDatabaseError, match=f"refusing to empty Redis db {SPARE_DB}"):
        await claim_database(spare)
    assert await spare.get("someone:else") == b"live data"


async def test_an_empty_database_is_marked_and_then_reused(spare: Redis) -> None:
    await claim_database(spare)
    assert await spare.exists(SENTINEL_KEY)
    await spare.set("written:by:a:test", "1")
    await claim_database(spare)
    assert not await spare.exists("written:by:a:test")


def test_the_live_bot_variable_does_not_add_a_server_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(fixtures.SERVER_URL_VARIABLE, raising=False)
    # the cluster shape has a variable of its own, set in CI's cluster run
    monkeypatch.delenv(fixtures.CLUSTER_VARIABLE, raising=False)
    monkeypatch.setenv("FINGERTIP_REDIS_URL", "redis://127.0.0.1:6379/0")
    assert fixtures._shapes() == ["embedded"]
    monkeypatch.setenv(fixtures.SERVER_URL_VARIABLE, "redis://127.0.0.1:6379/15")
    assert fixtures._shapes() == ["embedded", "server"]
