"""The stored conversation state: compact, encoded one new entry at a time, text-free, and
still read when an older worker wrote it in the previous form."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.context import (
    ContextMessage,
    ConversationState,
    Demand,
    InContext,
    Seen,
    SenderHistory,
    advance,
)
from bot.core.context.state import MAX_APP_NAME, MAX_DEMAND_APPS
from bot.core.labels import LABEL_TABLE, Label
from storage import keys
from storage.cluster import RedisClient
from storage.conversations import DecodedStates, decode_state, encode_state
from storage.redis_store import RedisStore
from tests.support.legacy_state import state_to_dict

GROUP = -1002
AT = datetime(2025, 9, 22, 9, tzinfo=UTC)

FULL = ConversationState(
    demands=(
        Demand(7, frozenset({Label.TASK_PUSH, Label.PROOF_DEMAND}), "k1", AT, "a1b2c3"),
        Demand(8, frozenset({Label.TASK_PUSH}), None, AT, exempt=True, apps=("政务App", 'a"b')),
    ),
    seen=(Seen(9, "k2", AT + timedelta(seconds=1.5), answers=7), Seen(10, None, AT)),
    senders=(("k1", SenderHistory(asks=2)), ("k2", SenderHistory(1, 3))),
    handled=(7, 8, 9, 10),
)


def _step(
    number: int, sender: int, demand: bool, answers: bool
) -> tuple[ContextMessage, InContext]:
    message = ContextMessage(
        message_id=number,
        text="请各组周五前交走访表" if demand else "好的",
        sent_at=AT + timedelta(minutes=number),
        sender_key=f"k{sender}",
    )
    decided = InContext(
        labels=frozenset({Label.TASK_PUSH}) if demand else frozenset(),
        exempt=False,
        hits=(),
        role="member",
        answers=number - 1 if answers and not demand else None,
        report_subject="走访表" if demand else None,
    )
    return message, decided


def test_the_stored_form_round_trips_and_holds_no_text() -> None:
    stored = encode_state(FULL)
    assert decode_state(stored) == FULL
    assert stored.isascii()  # app names escaped, never raw text
    state = ConversationState()
    for number in range(1, 6):
        message, decided = _step(number, number % 2, number == 1, True)
        state = advance(state, message, decided, ("走访App",))
    stored = encode_state(state)
    assert "走访".encode() not in stored and b"\\u8d70\\u8bbf\\u8868" not in stored
    assert decode_state(stored) == state


def test_an_alarm_is_remembered_and_older_workers_read_the_state() -> None:
    alarmed = ConversationState(seen=(Seen(3, "k1", AT, alarm=True), Seen(4, "k2", AT)))
    stored = encode_state(alarmed)
    assert decode_state(stored) == alarmed
    # the flag is an extra fifth field of its seen entry only: a reader of four fields (an
    # older worker) finds every other field where it was
    (entries,) = [section for section in json.loads(stored)[1:3] if section]
    assert [len(entry) for entry in entries] == [5, 4]
    assert decode_state(stored.replace(b",1]", b"]")) == ConversationState(
        seen=(Seen(3, "k1", AT), Seen(4, "k2", AT))
    )


def test_news_of_someone_at_risk_is_remembered_and_older_workers_read_no_alarm_in_it() -> None:
    concerned = ConversationState(
        seen=(Seen(3, "k1", AT, concern=True), Seen(4, "k2", AT, alarm=True))
    )
    stored = encode_state(concerned)
    assert decode_state(stored) == concerned
    # the same optional fifth field, 2 instead of 1: an older worker reads an alarm only in a 1
    (entries,) = [section for section in json.loads(stored)[1:3] if section]
    assert [entry[4] for entry in entries] == [2, 1]


def test_the_demand_a_chase_chased_is_remembered_and_older_workers_read_the_state() -> None:
    chased = ConversationState(
        demands=(
            Demand(7, frozenset({Label.TASK_PUSH, Label.PROOF_DEMAND}), "k1", AT),
            Demand(8, frozenset({Label.TASK_PUSH}), "k1", AT, chases=7),
            Demand(9, frozenset({Label.TASK_PUSH}), "k1", AT, apps=("钉钉",), chases=8),
        )
    )
    stored = encode_state(chased)
    assert decode_state(stored) == chased
    # an eighth field after the (maybe empty) app list: an older worker reads the first seven
    entries = json.loads(stored)[1]
    assert [len(entry) for entry in entries] == [6, 8, 8]
    assert entries[1][6] == []


LABEL_CODE = next(spec.code for spec in LABEL_TABLE if spec.label is Label.APP_DEMAND).encode()


def test_a_stored_state_keeps_only_a_few_short_app_names_per_demand() -> None:
    # written by no worker of ours (they keep MAX_DEMAND_APPS names of MAX_APP_NAME at most):
    # a damaged or planted state must not make every later step carry megabytes of names
    names = ["钉钉", "x" * (MAX_APP_NAME + 1), *(f"app{n}" for n in range(10_000))]
    stored = (
        b'[2,[[1,"'
        + LABEL_CODE
        + b'",null,0,null,0,'
        + json.dumps(names).encode()
        + b"]],[],[],[]]"
    )
    (demand,) = decode_state(stored).demands
    assert demand.apps == ("钉钉", *(f"app{n}" for n in range(MAX_DEMAND_APPS - 1)))


def test_a_state_written_in_the_previous_form_is_still_read() -> None:
    previous = json.dumps(state_to_dict(FULL), separators=(",", ":")).encode()
    assert decode_state(previous) == FULL
    states = DecodedStates()
    assert states.read(GROUP, previous) == FULL
    # the next write is in the new form, and only the new form is written from then on
    following = advance(FULL, *_step(11, 3, False, False))
    stored = states.encode(GROUP, following)
    assert stored == encode_state(following) and stored.startswith(b"[2,")


def test_damaged_states_of_the_new_form_decode_to_an_empty_state() -> None:
    for damaged in (
        b"[2,[],[],[]]",
        b'[2,[[1,"?",null,0,null,0]],[],[],[]]',  # no such label code
        b'[2,[],[["x",null,0,null]],[],[]]',  # id not a number
        b"[2,[],[],[[1,2,3]],[]]",  # key not a string
        b'[2,[],[],[],["1"]]',
        b"[3,[],[],[],[]]",
    ):
        assert decode_state(damaged) == ConversationState(), damaged


def _previous_form(**demand: object) -> bytes:
    entry = {"id": 3, "labels": ["task_push"], "sender": "k1", "at": 1758531600, **demand}
    return json.dumps({"demands": [entry], "handled": [3]}).encode()


def test_damaged_states_of_the_previous_form_decode_to_an_empty_state() -> None:
    # A time past what a datetime holds raised OverflowError out of the store (every message
    # of the group failed until the state expired); a sender or subject of another type was
    # taken in, written back in the new form, and that dropped on the next read.
    for damaged in (
        _previous_form(at=1e300),
        _previous_form(at="1e300"),
        b'{"demands": [{"id": 3, "labels": [], "sender": null, "at": Infinity}]}',
        _previous_form(sender=5),
        _previous_form(sender=["k1"]),
        _previous_form(subject={"k": 1}),
        json.dumps({"seen": [{"id": 1, "sender": 7, "at": 1758531600}]}).encode(),
    ):
        assert decode_state(damaged) == ConversationState(), damaged
    assert decode_state(_previous_form(subject="a1b2c3")).demands[0].subject == "a1b2c3"


async def test_a_damaged_state_is_dropped_with_one_line_that_tells_nothing_of_it(
    redis_client: RedisClient, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisStore(redis_client)
    secret_sender, secret_text = "user8123456789", "请今晚十点前上报走访台账"
    damaged = _previous_form(at=1e300, sender=secret_sender, subject=secret_text)
    await redis_client.set(keys.conversation(GROUP), damaged, ex=60)
    try:
        with caplog.at_level(logging.INFO):
            assert await store.conversation(GROUP) == ConversationState()
            assert await store.conversation(GROUP) == ConversationState()  # kept: no new line
    finally:
        await store.erase_group(GROUP)
    [line] = [record.getMessage() for record in caplog.records]
    assert str(GROUP) in line and "dropped" in line
    assert "8123456789" not in line and "走访" not in line and "k1" not in line


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.booleans(), st.booleans(), st.integers(0, 3)),
        min_size=1,
        max_size=120,
    )
)
def test_each_step_encodes_only_its_new_entries_into_the_same_bytes(
    steps: list[tuple[int, bool, bool, int]],
) -> None:
    states = DecodedStates()
    state = ConversationState()
    for number, (sender, demand, answers, redeliver) in enumerate(steps, start=1):
        # now and then a redelivery of an earlier message: the state stays as it was
        message, decided = _step(max(1, number - redeliver), sender, demand, answers)
        before = states.encoded_entries
        following = advance(state, message, decided)
        stored = states.encode(GROUP, following)
        assert stored == encode_state(following)
        assert decode_state(stored) == following
        states.written(GROUP, stored, following)
        # new entries only: the step's demand or seen entry, its sender, its id
        assert states.encoded_entries - before <= 3
        state = following


async def test_a_store_writes_the_new_form_and_reads_both(redis_client: RedisClient) -> None:
    store, other = RedisStore(redis_client), RedisStore(redis_client)
    key = keys.conversation(GROUP)
    await redis_client.set(key, json.dumps(state_to_dict(FULL)), ex=60)
    try:
        assert await store.conversation(GROUP) == FULL
        following = advance(FULL, *_step(11, 3, False, False))
        await store.save_conversation(GROUP, following, ttl_seconds=60)
        assert (await redis_client.get(key) or b"").startswith(b"[2,")
        assert 0 < await redis_client.ttl(key) <= 60
        assert await other.conversation(GROUP) == following
    finally:
        await store.erase_group(GROUP)
