"""Classify the messages the bot is handling at the same moment in one batch.

The live bot handles updates concurrently (one turn per group, many groups at once). A message's
own classification does not depend on its group's state, and ``Classifier.classify_many`` costs
less per text than one ``classify_folded`` call per text (its learned step sums the n-grams of
the whole batch in one numpy pass). So every handler that needs a classification queues its text
here and waits; the queue is classified once the event loop has run every handler that was ready
at the same moment, i.e. in the same loop iteration, typically those woken by one pipelined store
reply. Nothing waits for more texts to arrive: a text alone is classified at the next iteration.
"""

from __future__ import annotations

import asyncio

from bot.core.classifier import Classification, Classifier

BATCH_FROM = 4
"""The fewest texts classified as a batch: below, one call each costs less (measured on the dev
corpus on a quiet machine, three rounds: single calls 130-181 µs a text, batches of two 192-241,
four 150-163, eight 125-143, sixteen 117-154)."""

Read = tuple[Classification, str]
"""A message's own classification and its folded text (``Classifier.classify_folded``)."""


class ReadTogether:
    """``Classifier.classify_folded`` for concurrent callers, batched per loop iteration."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self._texts: list[str] = []
        self._waiting: list[asyncio.Future[Read]] = []
        self.batches = 0
        """Batches classified so far (for tests and benchmarks)."""

    async def classify_folded(self, text: str) -> Read:
        """The same result as ``classifier.classify_folded(text)``, classified together with
        the texts other handlers queue before the loop's next iteration."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Read] = loop.create_future()
        if not self._waiting:
            # after every callback already scheduled: the handlers woken with this one
            loop.call_soon(self._classify_waiting)
        self._texts.append(text)
        self._waiting.append(future)
        return await future

    def _classify_waiting(self) -> None:
        texts, waiting = self._texts, self._waiting
        self._texts, self._waiting = [], []
        self.batches += 1
        try:
            reads = (
                self.classifier.classify_many(texts)
                if len(texts) >= BATCH_FROM
                else [self.classifier.classify_folded(text) for text in texts]
            )
        except Exception as error:  # every waiter learns it, as a direct call would raise it
            for future in waiting:
                if not future.done():
                    future.set_exception(error)
            return
        for future, read in zip(waiting, reads, strict=True):
            if not future.done():  # a cancelled handler no longer waits
                future.set_result(read)
