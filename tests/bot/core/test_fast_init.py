"""The fast constructors give what the dataclasses' own give, and fail as they do."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from bot.core.context import Attachment, ContextMessage
from bot.core.fast_init import maker
from bot.core.observation import IncomingMessage
from bot.sources.telegram_export import ExportedMessage

AT = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class _Slotted:
    a: int
    b: str = "b"


@dataclasses.dataclass(frozen=True)
class _Plain:
    a: int
    b: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class _Factory:
    a: list[int] = dataclasses.field(default_factory=list)


CASES = [
    (_Slotted, {"a": 1}),
    (_Slotted, {"a": 1, "b": "c"}),
    (_Plain, {"a": 2}),
    (_Plain, {"a": 2, "b": (3,)}),
    (IncomingMessage, {"group_id": -1, "message_id": 2, "sent_at": AT, "text": "收到"}),
    (
        ContextMessage,
        {"message_id": 3, "text": "表呢", "sent_at": AT, "attachment": Attachment.FILE},
    ),
    (
        ExportedMessage,
        {
            "id": 4,
            "kind": "message",
            "sent_at": AT,
            "edited_at": None,
            "sender_id": "user1",
            "sender_name": "A",
            "text": "好的",
            "media": None,
            "file_name": None,
            "forwarded_from": None,
            "reply_to_message_id": 3,
            "via_bot": None,
        },
    ),
]


@pytest.mark.parametrize(("cls", "fields"), CASES)
def test_made_objects_equal_the_dataclasses_own(cls: type, fields: dict[str, object]) -> None:
    made: object = maker(cls)(**fields)
    own = cls(**fields)
    assert type(made) is cls
    assert made == own
    assert hash(made) == hash(own)
    assert repr(made) == repr(own)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, dataclasses.fields(own)[0].name, 0)


@pytest.mark.parametrize("cls", [_Slotted, IncomingMessage, ExportedMessage])
def test_a_missing_or_unknown_field_fails_as_the_dataclass_does(cls: type) -> None:
    with pytest.raises(TypeError):
        maker(cls)()
    with pytest.raises(TypeError):
        maker(cls)(**{f.name: None for f in dataclasses.fields(cls)}, unknown=1)


def test_a_default_factory_keeps_the_dataclass_itself() -> None:
    assert maker(_Factory) is _Factory


def test_fields_may_be_given_in_order_as_to_the_dataclass() -> None:
    assert maker(_Slotted)(1, "c") == _Slotted(1, "c")
    assert maker(_Plain)(2) == _Plain(2)
