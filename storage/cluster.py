"""Connect to a single Redis server or a Redis Cluster from one URL, whichever answers.

A deployment only sets ``FINGERTIP_REDIS_URL`` to any node; when that node reports
``cluster_enabled:1`` we reconnect with the cluster client, which discovers the other nodes and
routes each command by its key's hash slot. Every key of one group shares the ``{g<id>}`` hash
tag, so every multi-key script and pipeline of one group stays on one slot.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

RedisClient: TypeAlias = Redis | RedisCluster


async def connect(url: str) -> RedisClient:
    """A client for ``url``: a ``RedisCluster`` when the server there runs in cluster mode.

    Raises ``redis.RedisError`` or ``OSError`` when the server cannot be reached.
    """
    single = Redis.from_url(url, decode_responses=False)
    try:
        info: dict[str, Any] = await single.info("cluster")
    except BaseException:
        await single.aclose()
        raise
    if not info.get("cluster_enabled"):
        return single
    await single.aclose()
    cluster = RedisCluster.from_url(url, decode_responses=False)
    try:
        await cluster.initialize()
    except BaseException:
        await cluster.aclose()
        raise
    return cluster


def is_cluster(client: RedisClient) -> bool:
    """True when ``client`` talks to a Redis Cluster."""
    return isinstance(client, RedisCluster)
