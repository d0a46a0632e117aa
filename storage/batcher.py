"""Coalesce concurrent ingests into one pipeline: many updates in flight, one round trip.

Each caller still waits for its own message's result, so nothing is acknowledged before it is
stored. Calls are sent in arrival order, which keeps each group's messages in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from bot.core.observation import Observation
from storage.base import IngestResult

IngestMany = Callable[[Sequence[Observation]], Awaitable[list[IngestResult]]]

MAX_BATCH = 256


class IngestBatcher:
    """Gathers the ingests that arrive while one batch is being written, and writes them next."""

    def __init__(self, ingest_many: IngestMany, max_batch: int = MAX_BATCH) -> None:
        self._ingest_many = ingest_many
        self._max_batch = max_batch
        self._waiting: list[tuple[Observation, asyncio.Future[IngestResult]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def ingest(self, observation: Observation) -> IngestResult:
        """Ingest one message together with whatever else is waiting; return its result."""
        future: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
        self._waiting.append((observation, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        # Yield once so the ingests started in the same event-loop turn join the first batch;
        # then keep writing while more arrived during the previous round trip.
        await asyncio.sleep(0)
        while self._waiting:
            batch, self._waiting = (
                self._waiting[: self._max_batch],
                self._waiting[self._max_batch :],
            )
            try:
                results = await self._ingest_many([observation for observation, _ in batch])
            except Exception as error:  # every caller gets the store's own error
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
