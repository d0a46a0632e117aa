"""Oversized messages: only the opening part is analysed, and the result says so."""

from __future__ import annotations

from bot.core.classifier import classify
from bot.core.classifier.engine import MAX_ANALYSED_CHARS
from bot.core.labels import Label
from tests.support.classification import assert_invariants

_DEMAND = "今晚十点前把现场截图发群里"


def _padding(length: int) -> str:
    """Filler that changes no label: full stops, which only end (empty) sentences."""
    return "。" * length


def test_a_message_within_the_cap_is_analysed_whole() -> None:
    text = _padding(MAX_ANALYSED_CHARS - len(_DEMAND)) + _DEMAND
    assert len(text) == MAX_ANALYSED_CHARS
    result = classify(text)
    assert not result.truncated
    assert Label.PROOF_DEMAND in result.labels
    assert_invariants(text, result)


def test_what_lies_beyond_the_cap_is_not_analysed() -> None:
    text = _padding(MAX_ANALYSED_CHARS) + _DEMAND
    result = classify(text)
    assert result.truncated
    assert result.labels == frozenset()
    assert result.hits == ()


def test_a_truncated_message_keeps_the_labels_of_its_opening_part() -> None:
    text = _DEMAND + _padding(200_000)
    result = classify(text)
    assert result.truncated
    assert Label.PROOF_DEMAND in result.labels
    assert all(hit.end <= MAX_ANALYSED_CHARS for hit in result.hits)
    assert_invariants(text, result)


def test_short_messages_are_not_marked_truncated() -> None:
    assert not classify(_DEMAND).truncated
    assert not classify("").truncated
