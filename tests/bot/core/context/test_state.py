"""The conversation state: a pure update, bounded, idempotent and text-free."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.core.classifier import default_classifier
from bot.core.context import (
    ContextMessage,
    ConversationState,
    advance,
    decide,
    state_from_dict,
    state_to_dict,
)
from bot.core.context.state import MAX_DEMANDS, MAX_SEEN
from tests.support.builders import SHANGHAI

START = datetime(2025, 6, 2, 9, 0, tzinfo=SHANGHAI)


def _message(number: int, text: str, sender: str = "boss") -> ContextMessage:
    return ContextMessage(number, text, START + timedelta(minutes=number), sender)


def _step(state: ConversationState, message: ContextMessage) -> ConversationState:
    return advance(
        state, message, decide(message, default_classifier().classify(message.text), state)
    )


def test_a_redelivered_message_leaves_the_state_unchanged() -> None:
    demand = _message(1, "请各组今天下班前报送值班表")
    once = _step(ConversationState(), demand)
    assert _step(once, demand) == once
    assert once.history("boss").asks == 1


def test_the_state_stays_bounded_in_a_busy_group() -> None:
    state = ConversationState()
    for number in range(1, 200):
        state = _step(state, _message(number, f"请第{number}组周五前交走访表"))
        state = _step(state, _message(1000 + number, "好的", sender=f"m{number}"))
    assert len(state.demands) <= MAX_DEMANDS
    assert len(state.seen) <= MAX_SEEN


def test_the_stored_form_round_trips_and_holds_no_text() -> None:
    text = "请各组今天下班前报送独居老人走访表"
    state = _step(ConversationState(), _message(1, text))
    state = _step(state, _message(2, "第三组的走访表", sender="m1"))
    stored = json.dumps(state_to_dict(state), ensure_ascii=False)
    assert "走访" not in stored
    assert state_from_dict(json.loads(stored)) == state


def test_a_damaged_stored_form_is_refused() -> None:
    try:
        state_from_dict({"demands": [{"id": "x"}]})
    except ValueError as error:
        assert "damaged" in str(error)
    else:
        raise AssertionError("a damaged state was accepted")
