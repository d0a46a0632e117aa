"""The conversation state: a pure update, bounded, idempotent and text-free."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.apps import NO_CHASE, ChasedApps
from bot.core.apps.trail import FOLLOW_WINDOW, chased_in_state
from bot.core.classifier import default_classifier
from bot.core.context import (
    ContextMessage,
    ConversationState,
    Demand,
    InContext,
    SenderHistory,
    advance,
    decide,
    state_from_dict,
)
from bot.core.context.state import (
    MAX_APP_NAME,
    MAX_DEMAND_APPS,
    MAX_DEMANDS,
    MAX_HANDLED,
    MAX_SEEN,
    MAX_SENDERS,
)
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


def _walk_step(
    state: ConversationState, number: int, sender: str | None, asks: bool, forwarded: bool
) -> ConversationState:
    message = ContextMessage(
        number, "", START + timedelta(minutes=number), sender, forwarded=forwarded
    )
    labels = frozenset({Label.TASK_PUSH}) if asks else frozenset()
    answers = None if asks else number - 1
    decided = InContext(labels, False, (), "asker", answers=answers)
    return advance(state, message, decided)


def _expected(
    state: ConversationState, number: int, sender: str | None, asks: bool, forwarded: bool
) -> tuple[tuple[tuple[str, SenderHistory], ...], tuple[int, ...]]:
    """The senders and handled ids after a step, straight from their definition."""
    if number in state.handled:
        return state.senders, state.handled
    senders = state.senders
    if sender is not None and not forwarded:
        mine = [entry[1] for entry in senders if entry[0] == sender]
        old = mine[0] if mine else SenderHistory()
        new = SenderHistory(old.asks + asks, old.answers + (not asks))
        others = [entry for entry in senders if entry[0] != sender]
        senders = (*others[-(MAX_SENDERS - 1) :], (sender, new))
    return senders, (*state.handled[-(MAX_HANDLED - 1) :], number)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 40),
            st.sampled_from(["a", "b", "c", "d", None]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=60,
    )
)
def test_the_look_up_index_changes_no_state(
    steps: list[tuple[int, str | None, bool, bool]],
) -> None:
    # one state handed on from step to step (its index with it), another rebuilt at each step
    # from its fields alone: both stay what the definition says, redeliveries included
    handed_on = rebuilt = ConversationState()
    for number, sender, asks, forwarded in steps:
        expected = _expected(handed_on, number, sender, asks, forwarded)
        handed_on = _walk_step(handed_on, number, sender, asks, forwarded)
        fresh = ConversationState(rebuilt.demands, rebuilt.seen, rebuilt.senders, rebuilt.handled)
        rebuilt = _walk_step(fresh, number, sender, asks, forwarded)
        assert (handed_on.senders, handed_on.handled) == expected
        assert rebuilt == handed_on
        for key in ("a", "b", "c", "d", None):
            assert handed_on.history(key) == fresh_history(handed_on, key)


def fresh_history(state: ConversationState, key: str | None) -> SenderHistory:
    mine = [entry[1] for entry in state.senders if entry[0] == key]
    return mine[0] if mine and key is not None else SenderHistory()


def test_the_index_follows_a_busy_group_past_its_bounds() -> None:
    state = ConversationState()
    for number in range(1, 3 * MAX_HANDLED):
        sender = f"m{number % (MAX_SENDERS + 40)}"
        expected = _expected(state, number, sender, number % 3 == 0, False)
        earlier = state
        state = _walk_step(state, number, sender, number % 3 == 0, False)
        assert (state.senders, state.handled) == expected
        # the state the index left behind still reads and advances as before
        assert earlier.history(sender) == fresh_history(earlier, sender)
    assert len(state.handled) == MAX_HANDLED and len(state.senders) == MAX_SENDERS
    # an id that fell out of the handled ones long ago counts as new again
    again = _walk_step(state, 1, "m1", True, False)
    assert again.handled[-1] == 1 and again.handled[:-1] == state.handled[1:]


def test_a_state_repeating_ids_and_senders_is_read_as_stored() -> None:
    # never made by advance, but a stored state could hold it: the first entry counts, and a
    # step drops every entry of the sender
    state = ConversationState(
        senders=(("a", SenderHistory(2, 0)), ("b", SenderHistory()), ("a", SenderHistory(9, 9))),
        handled=(1, 1, 2),
    )
    assert state.history("a") == SenderHistory(2, 0)
    assert _walk_step(state, 2, "a", True, False) is state
    moved = _walk_step(state, 3, "a", True, False)
    assert moved.senders == (("b", SenderHistory()), ("a", SenderHistory(3, 0)))
    assert moved.handled == (1, 1, 2, 3)
