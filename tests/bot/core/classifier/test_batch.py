"""The batch entry points give exactly what one call per text gives."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.classifier import Classifier, default_classifier, load_classifier
from bot.core.classifier.engine import MAX_ANALYSED_CHARS

# Words of the shipped lexicon and the model's n-grams, glued with noise, names and numbers.
_PIECES = st.sampled_from(
    ["请", "今天", "下午5点前", "上报", "拍照", "截图", "发群里", "收到", "不用", "@张三 ", "謝謝",
     "please send", "photos", "by 5pm", "表格.xlsx", "接龙", "！", "\n", " ", "👍", "12"]
)  # fmt: skip
_TEXTS = st.lists(st.lists(_PIECES, max_size=12).map("".join), min_size=1, max_size=12)
# Very short texts, many of them repeated: both entry points keep their results in a cache.
_SHORT_TEXTS = st.lists(
    st.lists(_PIECES, max_size=3).map("".join).filter(lambda text: len(text) <= 12),
    min_size=1,
    max_size=30,
)


@lru_cache(maxsize=1)
def _apart() -> Classifier:
    """A classifier of its own: its short-text cache never holds the batch's results."""
    return load_classifier()


@settings(max_examples=60, deadline=None)
@given(_TEXTS)
def test_classify_many_equals_classify(texts: list[str]) -> None:
    classifier = default_classifier()
    read = classifier.classify_many(texts)
    assert [own for own, _folded in read] == [_apart().classify(text) for text in texts]
    assert [folded for _own, folded in read] == [classifier.normalise(text) for text in texts]


@settings(max_examples=60, deadline=None)
@given(_SHORT_TEXTS)
def test_repeated_short_texts_in_a_batch_equal_classify(texts: list[str]) -> None:
    read = default_classifier().classify_many(texts + texts)
    assert [own for own, _folded in read] == [_apart().classify(text) for text in texts + texts]


def test_a_truncated_text_is_folded_whole() -> None:
    classifier = default_classifier()
    text = "请今天上报表格。" * (MAX_ANALYSED_CHARS // 4)
    ((own, folded),) = classifier.classify_many([text])
    assert own == classifier.classify(text)
    assert own.truncated
    assert folded == classifier.normalise(text)
    assert classifier.classify_folded(text) == (own, folded)
