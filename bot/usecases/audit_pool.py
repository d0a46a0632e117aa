"""Classify an export's messages in worker processes while the parent keeps file order.

A message's own classification does not depend on the conversation, so chunks of texts go to
a process pool; the parent takes the results back chunk by chunk in file order and decides each
message in context, counts it and stores it, exactly as the sequential path does.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

from bot.core.classifier import Classification, Classifier

CHUNK = 512
"""Texts sent to a worker at a time (large enough that pickling is a small share)."""
MAX_WORKERS = 64
Read = tuple[Classification, str]
"""A message's own classification and its folded text (``Classifier.classify_folded``)."""
T = TypeVar("T")

_worker_classifier: Classifier | None = None


class WorkersError(ValueError):
    """A ``--workers`` value that is not a usable number of processes."""


def default_workers() -> int:
    """The pool size when none is asked for: one worker per CPU this process may use."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def parse_workers(value: str | None) -> int:
    """``--workers`` as a number of processes (1: classify in this process); None: default."""
    if value is None:
        return default_workers()
    try:
        workers = int(value.strip())
    except ValueError:
        workers = 0
    if not 1 <= workers <= MAX_WORKERS:
        raise WorkersError(
            f"--workers takes a whole number of processes from 1 to {MAX_WORKERS} "
            f"(1 classifies in this process), not {value!r}"
        )
    return workers


def _start_worker(classifier: Classifier) -> None:
    global _worker_classifier  # noqa: PLW0603 - one classifier per worker process
    _worker_classifier = classifier


def _classify_chunk(texts: list[str]) -> list[Read]:
    assert _worker_classifier is not None, "worker started without a classifier"
    return shared_plain_reads(_worker_classifier.classify_many(texts))


def shared_plain_reads(reads: list[Read]) -> list[Read]:
    """``reads`` with every classification that has no hits replaced by the first equal one:
    most messages of a chat ask nothing and classify alike, and pickle sends an object once
    per chunk, so the parent unpickles a few instead of one per message (a third of the
    time). Classifications are immutable, so sharing one changes no result."""
    made: dict[Classification, Classification] = {}
    return [
        (made.setdefault(own, own), folded) if not own.hits else (own, folded)
        for own, folded in reads
    ]


class ClassifierPool:
    """Worker processes that each hold ``classifier``; ``close`` (or ``with``) stops them.

    Workers are forked, so they share the parent's loaded classifier instead of loading
    their own; where fork is unavailable the pool is not used (see ``usable``). The objects
    alive when the pool starts are frozen out of the garbage collector until it closes: a
    collection in a worker writes into every object it walks, and each page written is copied
    out of the parent's into the worker's own memory.
    """

    def __init__(self, classifier: Classifier, workers: int) -> None:
        self.workers = workers
        gc.collect()
        gc.freeze()
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(classifier,),
        )

    @staticmethod
    def usable(workers: int) -> bool:
        """Whether a pool of ``workers`` would run anything in other processes."""
        return workers > 1 and "fork" in multiprocessing.get_all_start_methods()

    def submit(self, texts: list[str]) -> Future[list[Read]]:
        """Classify ``texts`` in a worker; the future holds one ``Read`` per text, in order."""
        return self._executor.submit(_classify_chunk, texts)

    def close(self) -> None:
        """Stop the workers and wait for them to exit."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()

    def __enter__(self) -> ClassifierPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@contextlib.asynccontextmanager
async def classifier_pool(
    classifier: Classifier, workers: int
) -> AsyncIterator[ClassifierPool | None]:
    """A pool of ``workers`` processes for the duration, or None when classifying in this
    process (one worker, or no fork on this system); the workers are stopped on the way out."""
    if not ClassifierPool.usable(workers):
        yield None
        return
    pool = ClassifierPool(classifier, workers)
    try:
        yield pool
    finally:
        pool.close()


async def classified(
    items: Iterable[T],
    text_of: Callable[[T], str],
    pool: ClassifierPool,
    chunk: int | None = None,
) -> AsyncIterator[tuple[T, Read]]:
    """Every item of ``items`` with the classification of its text, in the order given (see
    ``classified_chunks``)."""
    async for batch, reads in classified_chunks(items, text_of, pool, chunk):
        for pair in zip(batch, reads, strict=True):
            yield pair


async def classified_chunks(
    items: Iterable[T],
    text_of: Callable[[T], str],
    pool: ClassifierPool,
    chunk: int | None = None,
) -> AsyncIterator[tuple[Sequence[T], list[Read]]]:
    """The items of ``items`` a chunk at a time, in the order given, each chunk with the
    classifications of its texts (one ``Read`` per item, in order).

    Up to two chunks per worker are classified ahead of the one being handed out, so the
    workers keep busy while the caller decides and stores; memory stays bounded by that.
    """
    size = chunk or CHUNK
    pending = iter(items)
    ahead: deque[tuple[Sequence[T], Future[list[Read]]]] = deque()
    depth = 2 * pool.workers

    def fill() -> None:
        while len(ahead) < depth:
            batch = list(islice(pending, size))
            if not batch:
                return
            ahead.append((batch, pool.submit([text_of(item) for item in batch])))

    fill()
    while ahead:
        batch, future = ahead.popleft()
        fill()
        yield batch, await asyncio.wrap_future(future)
