"""Messages handled at the same moment are classified in one batch, with unchanged results."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.core.classifier import Classifier, default_classifier
from bot.usecases.read_together import BATCH_FROM, Read, ReadTogether

TEXTS = (
    "请各村今晚10点前把入户照片发群里",
    "收到",
    "下载政务App并每天打卡，明早8点前截图给我",
    "今天的会改到下午三点",
    "Please fill in the attached sheet by 5pm today",
    "还差2、6网格，抓紧",
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return default_classifier()


async def test_concurrent_callers_share_one_batch_and_get_what_one_call_gives(
    classifier: Classifier,
) -> None:
    reader = ReadTogether(classifier)
    reads = await asyncio.gather(*(reader.classify_folded(text) for text in TEXTS))
    assert reader.batches == 1
    assert reads == [classifier.classify_folded(text) for text in TEXTS]


async def test_callers_of_different_moments_get_batches_of_their_own(
    classifier: Classifier,
) -> None:
    reader = ReadTogether(classifier)
    first = await reader.classify_folded(TEXTS[0])
    second = await asyncio.gather(*(reader.classify_folded(text) for text in TEXTS[1:]))
    assert reader.batches == 2
    assert [first, *second] == [classifier.classify_folded(text) for text in TEXTS]


async def test_a_cancelled_caller_leaves_the_others_their_results(
    classifier: Classifier,
) -> None:
    reader = ReadTogether(classifier)
    tasks = [asyncio.create_task(reader.classify_folded(text)) for text in TEXTS[:3]]
    await asyncio.sleep(0)  # every task has queued its text
    tasks[1].cancel()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(done[1], asyncio.CancelledError)
    assert [done[0], done[2]] == [classifier.classify_folded(TEXTS[i]) for i in (0, 2)]


class _Failing(Classifier):
    """A real classifier whose batch pass fails, as a bug in it would."""

    def classify_many(self, texts: Sequence[str]) -> list[Read]:
        raise RuntimeError("batch pass failed")


async def test_a_failing_batch_reaches_every_caller_and_the_next_batch_runs(
    classifier: Classifier,
) -> None:
    failing = _Failing(classifier._engine)
    reader = ReadTogether(failing)
    results = await asyncio.gather(
        *(reader.classify_folded(text) for text in TEXTS[:BATCH_FROM]), return_exceptions=True
    )
    assert all(isinstance(result, RuntimeError) for result in results)
    # fewer texts take the single path, which still works: the reader is not stuck
    assert await reader.classify_folded(TEXTS[3]) == classifier.classify_folded(TEXTS[3])
