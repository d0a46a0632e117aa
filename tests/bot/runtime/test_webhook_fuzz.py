"""Fuzzing the webhook's body reader: any bytes give an update or None, never an exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot.runtime.webhook import read_update

BOT = Bot("123456:FUZZ-token")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
message_like = st.fixed_dictionaries(
    {},
    optional={
        "message_id": st.integers() | st.text(max_size=4),
        "date": st.integers() | st.text(max_size=4) | st.floats(allow_nan=False),
        "chat": st.fixed_dictionaries(
            {"id": st.integers(), "type": st.sampled_from(["group", "private", "odd", ""])}
        )
        | json_values,
        "text": st.text(max_size=20) | json_values,
        "from": json_values,
        "entities": json_values,
    },
)
update_like = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=-(2**63), max_value=2**63)},
    optional={
        "message": message_like | json_values,
        "edited_message": message_like,
        "callback_query": json_values,
        "my_chat_member": json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=64),
    json_values.map(lambda value: json.dumps(value).encode()),
    update_like.map(lambda value: json.dumps(value).encode()),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_any_body_gives_an_update_or_none(body: bytes) -> None:
    result = read_update(body, BOT)
    assert result is None or isinstance(result, Update)


def test_deep_nesting_is_refused_without_an_exception() -> None:
    assert read_update(b"[" * 100_000 + b"]" * 100_000, BOT) is None


def test_a_real_update_is_read() -> None:
    body = {
        "update_id": 9,
        "message": {
            "message_id": 3,
            "date": 1_763_000_000,
            "chat": {"id": -100, "type": "supergroup", "title": "工作群"},
            "text": "收到",
        },
    }
    update = read_update(json.dumps(body).encode(), BOT)
    assert update is not None
    assert update.update_id == 9
    assert update.effective_message is not None
    assert update.effective_message.text == "收到"
