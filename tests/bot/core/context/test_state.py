"""The conversation state: a pure update, bounded, idempotent and text-free."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.core.apps import NO_CHASE, ChasedApps
from bot.core.apps.trail import FOLLOW_WINDOW, chased_in_state
from bot.core.classifier import default_classifier
from bot.core.context import (
    ContextMessage,
    ConversationState,
    Demand,
    advance,
    decide,
    state_from_dict,
)
from bot.core.context.state import MAX_APP_NAME, MAX_DEMAND_APPS, MAX_DEMANDS, MAX_SEEN
from bot.core.labels import Label
from tests.support.builders import SHANGHAI
from tests.support.legacy_state import state_to_dict

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


def test_the_first_stored_form_round_trips_and_holds_no_text() -> None:
    text = "请各组今天下班前报送独居老人走访表"
    state = _step(ConversationState(), _message(1, text))
    state = _step(state, _message(2, "第三组的走访表", sender="m1"))
    stored = json.dumps(state_to_dict(state), ensure_ascii=False)
    assert "走访" not in stored
    assert state_from_dict(json.loads(stored)) == state


def test_a_damaged_first_stored_form_is_refused() -> None:
    try:
        state_from_dict({"demands": [{"id": "x"}]})
    except ValueError as error:
        assert "damaged" in str(error)
    else:
        raise AssertionError("a damaged state was accepted")


def test_a_demand_keeps_a_few_app_names_and_round_trips_them() -> None:
    message = _message(1, "请大家今天下载浙政钉并完成注册")
    decided = decide(message, default_classifier().classify(message.text), ConversationState())
    names = ["浙政钉", "浙政钉", "", "x" * (MAX_APP_NAME + 1), "a", "b", "c", "d"]
    state = advance(ConversationState(), message, decided, names)
    (demand,) = state.demands
    assert demand.apps == ("浙政钉", "a", "b", "c")[:MAX_DEMAND_APPS]
    stored = json.loads(json.dumps(state_to_dict(state), ensure_ascii=False))
    assert state_from_dict(stored) == state
    assert "下载" not in json.dumps(stored, ensure_ascii=False)


def test_the_apps_of_remembered_demands_are_chased_by_replies_and_follow_ups() -> None:
    early = datetime(2025, 6, 2, 9, tzinfo=SHANGHAI)
    demands = (
        Demand(1, frozenset({Label.APP_DEMAND}), "boss", early, apps=("浙政钉",)),
        Demand(2, frozenset({Label.REPORT_DEMAND}), "boss", early + timedelta(hours=1)),
        Demand(
            3, frozenset({Label.APP_DEMAND}), "boss", early + timedelta(hours=2), apps=("钉钉",)
        ),
    )
    later = early + timedelta(hours=3)
    assert chased_in_state(demands, 1, later) == ChasedApps(replied=("浙政钉",))
    # a reply is anchored to what it answers, even when a later demand named an app
    assert chased_in_state(demands, 2, later) == NO_CHASE
    assert chased_in_state(demands, 99, later) == NO_CHASE
    assert chased_in_state(demands, None, later) == ChasedApps(recent=("钉钉",))
    too_late = early + timedelta(hours=2) + FOLLOW_WINDOW + timedelta(minutes=1)
    assert chased_in_state(demands, None, too_late) == NO_CHASE
    assert chased_in_state(demands, None, early) == NO_CHASE


def test_damaged_app_names_in_a_stored_state_are_dropped() -> None:
    stored = {
        "demands": [
            {"id": 1, "labels": ["app_demand"], "sender": None, "at": 0, "apps": "浙政钉"},
            {"id": 2, "labels": ["app_demand"], "sender": None, "at": 1, "apps": [3, "钉钉"]},
        ]
    }
    first, second = state_from_dict(stored).demands
    assert first.apps == ()
    assert second.apps == ("钉钉",)
