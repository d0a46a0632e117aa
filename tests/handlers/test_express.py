"""The express path reads an ordinary group message as PTB's path would, and takes nothing else.

For every update it takes, PTB's dispatch over the real handler table must end in the counting
handler and nothing else, and the message must be read into the same ``IncomingMessage``, reply,
attachment and forward as ``handlers.group_messages`` reads PTB's ``Message``.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from handlers import express
from handlers.express import ExpressCounting, express_message
from handlers.group_messages import attachment, incoming, starts_with_command
from handlers.registry import COUNT_GROUP, count_group_message, registrations

BOT = Bot("123456:EXPRESS-token")
SENT = 1_758_657_600  # 2025-09-23 20:00 UTC


def message(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": 5,
        "date": SENT,
        "chat": {"id": -1001, "type": "supergroup", "title": "Ward 1"},
        "from": {"id": 7, "is_bot": False, "first_name": "Boss"},
        "text": "请各网格今晚10点前把入户照片发群里",
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


def update(edited: bool = False, **fields: Any) -> dict[str, Any]:
    return {"update_id": 11, "edited_message" if edited else "message": message(**fields)}


PHOTO = {"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}
FILE = {"file_id": "f", "file_unique_id": "u"}
REPLIED = {
    "message_id": 4,
    "date": SENT - 60,
    "chat": {"id": -1001, "type": "supergroup", "title": "Ward 1"},
    "text": "请报送",
}
TAKEN = [
    update(),
    update(edited=True, edit_date=SENT + 30),
    update(text="收到", chat={"id": -5, "type": "group", "title": "Ward 5"}),
    update(sender_chat={"id": -1001, "type": "supergroup", "title": "Ward 1"}),
    update(**{"from": None}),  # no sender at all
    update(reply_to_message=REPLIED, text="还差西岭、南岭"),
    update(forward_origin={"type": "hidden_user", "date": SENT - 99, "sender_user_name": "A"}),
    update(
        text="请看 /settings",
        entities=[{"type": "bot_command", "offset": 3, "length": 9}],
    ),
    update(entities=[{"type": "bold", "offset": 0, "length": 2}]),
    update(
        message_thread_id=3,
        is_topic_message=True,
        link_preview_options={"is_disabled": True},
        has_protected_content=True,
        author_signature="Boss",
    ),
    # how PTB's own ``to_dict`` (and the bench's sandbox) writes a text message
    update(
        channel_chat_created=False,
        delete_chat_photo=False,
        group_chat_created=False,
        supergroup_chat_created=False,
    ),
    update(text=None, caption="现场照片", photo=[PHOTO, {**PHOTO, "width": 90}]),
    update(text=None, photo=[PHOTO], delete_chat_photo=False, media_group_id="7"),
    update(text=None, caption="/flag 不是命令", photo=[PHOTO]),  # commands are texts only
    update(text=None, caption="", photo=[PHOTO]),
    update(text=None, video={**FILE, "width": 1, "height": 1, "duration": 3}),
    update(text=None, video_note={**FILE, "length": 1, "duration": 3}, caption="到岗"),
    update(text=None, document={**FILE, "file_name": "台账.xlsx"}),
    update(text=None, caption="请填报", document={**FILE, "file_name": "台账.xlsx"}),
    update(text=None, caption="请填报", document={**FILE, "file_name": ""}),
    update(text=None, document=FILE),
    update(
        text=None,
        animation={**FILE, "width": 1, "height": 1, "duration": 1, "file_name": "a.mp4"},
        document={**FILE, "file_name": "a.mp4"},
    ),
    update(text=None, voice={**FILE, "duration": 2}),
    update(text=None, audio={**FILE, "duration": 2}, caption="录音"),
    update(
        text=None,
        sticker={
            **FILE,
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        },
    ),
]
DECLINED = [
    update(chat={"id": 7, "type": "private", "first_name": "Boss"}),
    update(chat={"id": -100, "type": "channel", "title": "News"}),
    update(text="/settings", entities=[{"type": "bot_command", "offset": 0, "length": 9}]),
    update(text="/flag", entities=[{"type": "bot_command", "offset": 0, "length": 5}]),
    update(text="/flag"),
    update(document={**FILE, "file_name": "台账.xlsx"}),  # text with a file: never sent
    update(caption="also a caption"),
    update(photo=[PHOTO]),
    update(text=None),  # nothing at all
    update(text=None, caption="no media"),
    update(text=None, photo=[]),
    update(text=None, photo=PHOTO),
    update(text=None, photo=["f"]),
    update(text=None, video="f"),
    update(text=None, document="f"),
    update(text=None, animation=FILE, document="f"),
    update(chat={"id": -1001, "type": ["group"]}),  # unhashable: no TypeError either
    update(text=None, photo=[PHOTO], video=FILE),
    {"update_id": 11, "message": {**message(text=None, photo=[PHOTO]), "caption": None}},
    update(text=None, document={**FILE, "file_name": 5}),
    update(text=None, location={"latitude": 1.0, "longitude": 2.0}),
    update(text=None, poll={"id": "p"}),
    update(text=None, delete_chat_photo=True),
    update(text=None, photo=[PHOTO], group_chat_created=True),
    update(text=None, new_chat_title="Ward 1 (new)"),
    update(text=None, new_chat_members=[{"id": 8, "is_bot": False, "first_name": "New"}]),
    update(text=None, pinned_message=REPLIED),
    update(text=""),
    update(some_future_field=1),
    update(date=0),
    update(date=float(SENT)),
    update(message_id=True),
    update(edit_date="soon"),
    update(**{"from": {"id": "7"}}),
    update(sender_chat=[1]),
    update(reply_to_message={"text": "no id"}),
    update(forward_origin="someone"),
    update(entities={"type": "bold"}),
    update(entities=["bold"]),
    {"update_id": 11},
    {"update_id": 11, "message": message(), "edited_message": message()},
    {"update_id": "11", "message": message()},
    {"update_id": 11, "channel_post": message()},
    {"update_id": 11, "message": "text"},
]


def ptb_reading(data: dict[str, Any]) -> tuple[Any, ...] | None:
    """What PTB's path does with ``data``: the counting handler's reading of the message when
    the dispatch ends there, else None."""
    parsed = Update.de_json(copy.deepcopy(data), BOT)
    entries = sorted(registrations(), key=lambda entry: entry.group)
    first = next((entry for entry in entries if entry.handler.check_update(parsed)), None)
    if first is None or first.handler.callback is not count_group_message:  # type: ignore[attr-defined]
        return None
    assert first.group == COUNT_GROUP
    found = parsed.effective_message
    assert found is not None
    if starts_with_command(found):  # the dispatch goes on to the command handlers
        return None
    replied = found.reply_to_message
    return (
        incoming(found),
        replied.message_id if replied else None,
        attachment(found),
        found.forward_origin is not None,
    )


def express_reading(data: dict[str, Any]) -> tuple[Any, ...] | None:
    taken = express_message(data)
    if taken is None:
        return None
    assert taken.chat_id == taken.incoming.group_id
    return (taken.incoming, taken.reply_to, taken.attachment, taken.forwarded)


@pytest.mark.parametrize("data", TAKEN)
def test_what_it_takes_is_read_as_ptbs_path_reads_it(data: dict[str, Any]) -> None:
    before = copy.deepcopy(data)
    reading = express_reading(data)
    assert reading is not None
    assert reading == ptb_reading(data)
    assert data == before  # the update is not changed on the way


@pytest.mark.parametrize("data", DECLINED)
def test_anything_else_goes_to_ptb(data: dict[str, Any]) -> None:
    assert express_message(data) is None


def test_dates_take_the_zone_ptb_gives_them() -> None:
    zone = timezone(timedelta(hours=8))
    taken = express_message(update(edited=True, edit_date=SENT + 30), zone)
    assert taken is not None
    assert taken.incoming.sent_at == datetime(2025, 9, 24, 4, 0, tzinfo=zone)
    assert taken.incoming.sent_at.tzinfo is zone
    assert taken.incoming.edited_at == datetime(2025, 9, 23, 20, 0, 30, tzinfo=UTC)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
users = st.fixed_dictionaries(
    {"id": st.integers(-(2**40), 2**40), "is_bot": st.booleans(), "first_name": st.just("A")}
)
chats = st.fixed_dictionaries(
    {
        "id": st.integers(-(2**45), 2**40),
        "type": st.sampled_from(["group", "supergroup", "private", "channel"]),
    }
)
entities = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["bot_command", "bold", "url"]),
        "offset": st.integers(0, 3),
        "length": st.integers(1, 4),
    }
)
messages = st.fixed_dictionaries(
    {"message_id": st.integers(1, 2**31), "date": st.integers(1, 2**32), "chat": chats},
    optional={
        "text": st.text(max_size=6) | st.sampled_from(["/flag", "/settings x", "收到"]),
        "from": users,
        "sender_chat": chats,
        "edit_date": st.integers(1, 2**32),
        "entities": st.lists(entities, max_size=2),
        "reply_to_message": st.fixed_dictionaries(
            {"message_id": st.integers(1, 99), "date": st.integers(1, 99), "chat": chats}
        ),
        "caption": st.text(max_size=4) | st.just("/flag"),
        "is_topic_message": st.booleans(),
        "delete_chat_photo": st.booleans(),
        "group_chat_created": st.booleans(),
        "new_chat_title": st.text(min_size=1, max_size=4),
        "photo": st.lists(st.just(PHOTO), max_size=2),
        "document": st.fixed_dictionaries(
            {"file_id": st.just("f"), "file_unique_id": st.just("u")},
            optional={"file_name": st.text(max_size=3)},
        ),
        "video": st.just({**FILE, "width": 1, "height": 1, "duration": 3}),
        "video_note": st.just({**FILE, "length": 1, "duration": 3}),
        "animation": st.just({**FILE, "width": 1, "height": 1, "duration": 1}),
        "voice": st.just({**FILE, "duration": 2}),
        "location": st.just({"latitude": 1.0, "longitude": 2.0}),
        "odd": json_values,
    },
)
READ = {"message_id", "date", "from", "sender_chat", "edit_date", "entities", "reply_to_message"}
group_chats = st.fixed_dictionaries(
    {"id": st.integers(-(2**45), -1), "type": st.sampled_from(["group", "supergroup"])}
)
media_fields = st.one_of(
    st.fixed_dictionaries({"photo": st.lists(st.just(PHOTO), max_size=2)}),
    st.fixed_dictionaries(
        {
            "document": st.fixed_dictionaries(
                {"file_id": st.just("f"), "file_unique_id": st.just("u")},
                optional={"file_name": st.text(max_size=3)},
            )
        }
    ),
    st.just({"video": {**FILE, "width": 1, "height": 1, "duration": 3}}),
    st.just({"animation": {**FILE, "width": 1, "height": 1, "duration": 1}, "document": FILE}),
    st.just({"voice": {**FILE, "duration": 2}}),
)
texts = st.text(max_size=6) | st.sampled_from(["/flag", "/settings x", "收到"])
# Mostly what Telegram sends: a text, or one medium with or without a caption, in a group, with
# the fields counting reads; now and then anything of ``messages`` (mostly declined).
plausible = st.builds(
    lambda body, chat, content, flag: {
        **{k: v for k, v in body.items() if k not in {"text", "caption", "chat"}},
        "chat": chat,
        **content,
        **({"delete_chat_photo": flag} if flag is not None else {}),
    },
    messages.map(lambda body: {k: v for k, v in body.items() if k in READ}),
    group_chats,
    st.fixed_dictionaries({"text": texts})
    | st.builds(
        lambda medium, caption: {**medium, **caption},
        media_fields,
        st.fixed_dictionaries({}, optional={"caption": st.text(max_size=4)}),
    ),
    st.none() | st.booleans(),
)
updates = st.builds(
    lambda kind, body: {"update_id": 3, kind: body},
    st.sampled_from(["message", "edited_message", "message", "channel_post"]),
    plausible | plausible | messages,
)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(updates)
def test_whenever_it_takes_an_update_ptbs_path_reads_the_same(data: dict[str, Any]) -> None:
    reading = express_reading(data)
    if reading is not None:
        assert reading == ptb_reading(data)


def test_a_bench_update_is_taken() -> None:
    # the shape ``bench/webhook.py`` posts (its sandbox writes updates with PTB's ``to_dict``)
    data = json.loads(json.dumps(Update.de_json(update(), BOT).to_dict()))  # type: ignore[union-attr]
    assert express_reading(data) == ptb_reading(data)
    assert express_reading(data) is not None


async def test_a_failure_goes_to_the_error_handlers_with_ptbs_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failure = RuntimeError("store on fire")

    async def fails(*_: object, **__: object) -> None:
        raise failure

    reported: list[tuple[object, BaseException]] = []

    async def process_error(update: object, error: BaseException) -> bool:
        reported.append((update, error))
        return False

    monkeypatch.setattr(express, "handle_group_message", fails)
    application = SimpleNamespace(
        bot=SimpleNamespace(defaults=None),
        bot_data=SimpleNamespace(services=object()),
        process_error=process_error,
    )
    counting = ExpressCounting(application)  # type: ignore[arg-type]
    data = update()
    taken = counting.read(data)
    assert taken is not None
    await counting.count(taken, data)
    ((reported_update, error),) = reported
    assert error is failure
    assert isinstance(reported_update, Update)
    assert reported_update.update_id == 11


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)
field_names = st.sampled_from(sorted(express.MESSAGE_FIELDS))
odd_messages = st.builds(
    lambda body, odd: {**body, **odd},
    messages,
    st.dictionaries(field_names, anything, max_size=4),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.builds(
        lambda kind, body: {"update_id": 3, kind: body},
        st.sampled_from(["message", "edited_message"]),
        odd_messages,
    )
    | st.dictionaries(st.text(max_size=8), anything)
)
def test_any_decoded_update_is_taken_or_declined_never_an_error(data: dict[str, Any]) -> None:
    # the webhook calls it on any JSON object with an update id: an exception would be a 500
    reading = express_reading(data)
    if reading is None:
        return
    try:
        parsed = ptb_reading(data)
    except (TypeError, ValueError, KeyError, AttributeError):
        # a nested object PTB cannot build (a medium without its sizes, say): the webhook would
        # ignore the update, the express path counts it (handlers/express.py says so)
        return
    assert reading == parsed


@pytest.mark.parametrize("date", [2**62, -(2**62), 10**20])
def test_a_date_no_datetime_holds_is_declined(date: int) -> None:
    assert express_message(update(date=date)) is None
    assert express_message(update(edit_date=date)) is None
