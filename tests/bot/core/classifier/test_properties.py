"""Invariants of the classifier that must hold for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.classifier import classify
from tests.support.classification import assert_invariants

_WORDS = st.sampled_from(
    [
        "请", "各位", "截图", "拍照", "填表", "接龙", "收到", "回复", "下载", "App", "今晚",
        "立即",
        "不用", "吗", "？", "，", "。", "\n", "@张三 ", "@所有人 ", "我", "已报", "😩", "👍",
        "please ", "send ", "photo ", "screenshot ", "form ", "tonight ", "no need ", "reply ",
        "https://example.org/vote ", "附件：表.xlsx", "１０点前", "表", "呢", "?", "扣1", "點讚",
    ]
)  # fmt: skip
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_WORDS, max_size=25).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_invariants_hold_for_any_text(text: str) -> None:
    assert_invariants(text, classify(text))


_BASES = [
    "请各村今晚十点前把台账报上来",
    "请大家下载App并注册，注册后截图发群里",
    "收到请回复",
    "Please send me a photo of the signed form by 5pm today.",
    "不用截图了，直接填表周四前交",
    "收到，马上办",
    "规定不得要求截图留痕",
]
_NOISE = st.sampled_from(
    ["😀", "🙏🙏", " https://example.org/vote/123 ", " www.example.com/like ", "@王五 ", "@Tom "]
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_BASES), _NOISE, st.booleans())
def test_noise_does_not_change_labels(base: str, noise: str, at_end: bool) -> None:
    noisy = base + noise if at_end else noise + base
    assert classify(noisy).labels == classify(base).labels


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_full_width_forms_do_not_change_labels() -> None:
    for base in _BASES:
        assert classify(_full_width(base)).labels == classify(base).labels, base
