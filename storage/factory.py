"""Open the store a deployment asked for: a Redis URL, or the embedded server."""

from __future__ import annotations

from pathlib import Path

from redis.exceptions import RedisClusterException, RedisError

from bot.core.retention import Retention
from storage.base import Store, StoreError
from storage.cluster import connect
from storage.embedded import start_embedded_async
from storage.redis_store import RedisStore


async def open_store(
    redis_url: str | None,
    data_dir: Path,
    retention: Retention | None = None,
    *,
    persistent: bool = True,
) -> Store:
    """Connect to ``redis_url``, or start the embedded Redis in ``data_dir`` when it is None.

    ``persistent=False``: the embedded server keeps its data in memory only (a scratch store
    whose directory is removed afterwards); it changes nothing for a server reached by URL.

    Raises ``StoreError`` with one clear sentence when the server cannot be reached.
    """
    embedded = None
    if redis_url is None:
        embedded = await start_embedded_async(data_dir, persistent=persistent)
        url = embedded.url
    else:
        url = redis_url
    try:
        # A single server or any node of a Redis Cluster: ``connect`` asks which.
        client = await connect(url)
    except (RedisError, RedisClusterException, OSError) as error:
        if embedded is not None:
            embedded.stop()
        raise StoreError(
            f"cannot reach Redis at {redis_url or url} ({error}); check FINGERTIP_REDIS_URL "
            "or unset it to use the embedded store"
        ) from None
    store = RedisStore(client, retention)
    if embedded is not None:
        store.on_close(embedded.stop)
    await store.resume_compaction()
    return store
