"""Coalesce the Redis commands of concurrent callers into one pipeline: one round trip for many.

A webhook worker has many updates in flight. Each of them reads its group's context, runs the
ingest script and saves the context, and each waits for its own reply, so nothing is
acknowledged before it is stored. Commands queued while one pipeline is out (or within
``window`` seconds) go out together in the next, in the order they were queued: a caller that
waits for one command before queueing the next keeps its own order.

Scripts are called by ``EVALSHA`` directly: they are loaded once, and loaded again only when a
server answers ``NOSCRIPT`` (a restart or failover emptied its script cache), after which just
the commands it refused are sent again.

On a single server the batch is written as one packed request on a pooled connection and the
replies are read raw: redis-py's pipeline object costs more per command than Redis spends
running our script. A cluster batch goes through the cluster pipeline, which routes each
command to its slot's node.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeAlias

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisClusterException, RedisError, ResponseError

from storage.base import StoreError
from storage.cluster import RedisClient

try:
    # Private to redis-py (absent from 5.0.0, free to change in any release) and optional
    # (hiredis is an extra): without them every reply goes through the public read_response
    # and redis-py packs the commands.
    import hiredis
    from redis._parsers.hiredis import NOT_ENOUGH_DATA, _AsyncHiredisParser
except ImportError:
    HIREDIS_FAST_PATH = False
else:
    HIREDIS_FAST_PATH = True

Command: TypeAlias = tuple[str | bytes | int | float, ...]
"""One Redis command as its words, e.g. ``("GET", key)``; its reply comes back raw (bytes)."""

MAX_BATCH = 512
SETTLE_SECONDS = 5.0


class Coalescer:
    """Sends the commands queued by concurrent callers in shared pipelines, one at a time."""

    def __init__(
        self,
        client: RedisClient,
        scripts: Sequence[str] = (),
        *,
        window: float = 0.0,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._client = client
        self._scripts = tuple(scripts)
        self._scripts_loaded = False
        self._window = window
        self._max_batch = max_batch
        self._waiting: list[tuple[Command, asyncio.Future[Any]]] = []
        self._sender: asyncio.Task[None] | None = None
        self.batches = 0
        """Pipelines sent so far (for benchmarks and tests)."""

    async def call(self, command: Command) -> Any:
        """Queue ``command`` with whatever else is waiting; return its own reply.

        Raises ``StoreError`` when Redis cannot be reached or refuses this command: a failed
        pipeline fails each of its callers, none of them is told its write was stored.
        """
        return await self.queue(command)

    def queue(self, command: Command) -> asyncio.Future[Any]:
        """Queue ``command`` now and return the future of its reply (see ``call``), so that a
        caller can queue several commands back to back, in order, before awaiting any."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append((command, future))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_all())
        return future

    def busy(self) -> bool:
        """Whether commands are queued or a pipeline is out."""
        return bool(self._waiting) or (self._sender is not None and not self._sender.done())

    async def settle(self) -> None:
        """Wait until every queued command has been sent and answered (or failed), at most
        ``SETTLE_SECONDS``: closing the client under a pipeline in flight would drop writes
        that their callers are still waiting to see stored."""
        sender = self._sender
        if sender is None or sender.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(sender), SETTLE_SECONDS)
        except asyncio.CancelledError:
            if not sender.cancelled():  # we are being cancelled ourselves
                raise
        except Exception:  # its callers hear of it through their own futures
            return

    async def _send_all(self) -> None:
        # Wait a loop turn (or the window) so the commands queued by updates handled in the
        # same turn share the first pipeline; then keep sending what queued up meanwhile.
        await asyncio.sleep(self._window)
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            try:
                replies = await self._send(batch)
            except (RedisError, RedisClusterException, OSError) as error:
                failure = StoreError(f"could not reach Redis: {error}")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                continue
            except BaseException as error:  # cancelled: nobody may wait forever
                for _, future in batch:
                    if not future.done():
                        future.set_exception(StoreError(f"Redis call abandoned: {error!r}"))
                raise
            for (_, future), reply in zip(batch, replies, strict=True):
                if future.done():  # its caller was cancelled
                    continue
                if isinstance(reply, Exception):
                    future.set_exception(StoreError(f"Redis refused a command: {reply}"))
                else:
                    future.set_result(reply)

    async def _send(self, batch: Sequence[tuple[Command, asyncio.Future[Any]]]) -> list[Any]:
        """One pipeline for ``batch``; errors of single commands come back as replies."""
        if not self._scripts_loaded:
            await self._load_scripts()
        replies = await self._pipeline([command for command, _ in batch])
        refused = [n for n, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if refused:
            # The commands refused did nothing; the others ran and must not run twice.
            await self._load_scripts()
            again = await self._pipeline([batch[n][0] for n in refused])
            for n, reply in zip(refused, again, strict=True):
                replies[n] = reply
        return replies

    async def _pipeline(self, commands: Sequence[Command]) -> list[Any]:
        self.batches += 1
        if isinstance(self._client, Redis):
            return await _packed(self._client, commands)
        async with self._client.pipeline(transaction=False) as pipe:
            for command in commands:
                pipe.execute_command(*command)
            return list(await pipe.execute(raise_on_error=False))

    async def _load_scripts(self) -> None:
        for script in self._scripts:
            await self._client.script_load(script)
        self._scripts_loaded = True


async def _packed(client: Redis, commands: Sequence[Command]) -> list[Any]:
    """Send ``commands`` in one write on one pooled connection; their replies, in order, with
    a refusal (``ResponseError``) in place of the reply it stands for."""
    pool = client.connection_pool
    connection = await pool.get_connection()  # type: ignore[no-untyped-call]  # untyped in redis-py
    try:
        # hiredis packs the words in C, several times faster than redis-py's per-word encoder
        packed = (
            b"".join(map(_pack, commands))
            if HIREDIS_FAST_PATH
            else connection.pack_commands(commands)
        )
        await connection.send_packed_command(packed)
        replies = await _read_replies(connection, len(commands))
    except BaseException:
        # Replies may still be on the socket: drop the connection rather than hand them to
        # the next caller that borrows it.
        await connection.disconnect(nowait=True)
        raise
    finally:
        await pool.release(connection)
    return replies


async def _read_replies(connection: Any, count: int) -> list[Any]:
    """``count`` replies from ``connection``, a refusal (``ResponseError``) in place of the reply
    it stands for.

    ``read_response`` waits for data when none is parsed yet; the replies already in the
    buffer behind it (usually the rest of the batch) are taken straight from the hiredis
    reader, without ``read_response``'s machinery around each one (three coroutines, its error
    text, the exception a refusal is raised as), which cost more than reading them.
    """
    replies: list[Any] = []
    parser = _hiredis_parser(connection)
    reader = parser._reader if parser is not None else None
    push = getattr(parser, "_hiredis_PushNotificationType", None)
    while len(replies) < count:
        try:
            replies.append(await connection.read_response())
        except ResponseError as refused:
            replies.append(refused)
        while reader is not None and len(replies) < count:
            reply = reader.gets()
            if reply is NOT_ENOUGH_DATA:
                break
            if push is not None and isinstance(reply, push):
                # RESP3 push data (none is asked for on these connections): as read_response
                await parser.handle_push_response(reply)
                continue
            if isinstance(reply, Exception) and not isinstance(reply, ResponseError):
                raise reply  # as read_response does: a lost or loading server
            replies.append(reply)
    return replies


def _hiredis_parser(connection: Any) -> _AsyncHiredisParser | None:
    """redis-py's hiredis parser of ``connection``, or None when it has another or its private
    API is not the one known here (then every reply goes through ``read_response``)."""
    parser = getattr(connection, "_parser", None)
    if not HIREDIS_FAST_PATH or not isinstance(parser, _AsyncHiredisParser):
        return None
    return parser if isinstance(getattr(parser, "_reader", None), hiredis.Reader) else None


def _pack(command: Command) -> bytes:
    """``command`` in the Redis protocol."""
    # hiredis's stub declares a one-word tuple; it takes any number of words
    packed: bytes = hiredis.pack_command(command)  # type: ignore[arg-type]
    return packed
