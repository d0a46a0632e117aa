"""Which updates are counted: ordinary group messages and edits, never service messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Chat, Message, MessageEntity, PhotoSize, Update, User

from handlers.group_messages import COUNTED_MESSAGES

AT = datetime(2025, 9, 23, 20, 0, tzinfo=UTC)
GROUP = Chat(id=-1001, type=Chat.SUPERGROUP, title="Ward 1")
BOSS = User(id=7, first_name="Boss", is_bot=False)
NEWCOMER = User(id=8, first_name="New", is_bot=False)
PHOTO = PhotoSize("file", "unique", 10, 10)


def update(chat: Chat = GROUP, edited: bool = False, **fields: Any) -> Update:
    message = Message(message_id=5, date=AT, chat=chat, from_user=BOSS, **fields)
    if edited:
        return Update(update_id=1, edited_message=message)
    return Update(update_id=1, message=message)


@pytest.mark.parametrize(
    "counted",
    [
        update(text="请各网格今晚10点前把入户照片发群里"),
        update(text="收到", edited=True),
        update(photo=(PHOTO,), caption="现场照片"),
        update(photo=(PHOTO,)),  # no text and no caption: still an ordinary message
        update(
            text="/start@fingertip_bot",
            entities=(MessageEntity(MessageEntity.BOT_COMMAND, 0, 20),),
        ),
    ],
)
def test_ordinary_group_messages_and_edits_are_counted(counted: Update) -> None:
    assert COUNTED_MESSAGES.check_update(counted)


@pytest.mark.parametrize(
    "ignored",
    [
        update(new_chat_members=(NEWCOMER,)),
        update(left_chat_member=NEWCOMER),
        update(new_chat_title="Ward 1 (new)"),
        update(pinned_message=Message(message_id=4, date=AT, chat=GROUP, text="置顶")),
        update(migrate_to_chat_id=-1002),
        update(delete_chat_photo=True),
        update(text="收到", chat=Chat(id=7, type=Chat.PRIVATE)),
        update(text="/flag", entities=(MessageEntity(MessageEntity.BOT_COMMAND, 0, 5),)),
    ],
)
def test_service_messages_private_chats_and_flag_commands_are_not(ignored: Update) -> None:
    assert not COUNTED_MESSAGES.check_update(ignored)
