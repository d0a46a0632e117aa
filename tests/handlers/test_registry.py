"""The one handler table agrees with the command menus users see, and a counted group message
that is no command needs no handler after counting."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Chat, Document, Message, MessageEntity, PhotoSize, Update, User
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from handlers.commands_menu import DESCRIPTIONS, MENUS
from handlers.group_messages import starts_with_command
from handlers.registry import COUNT_GROUP, registrations


def _commands(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> set[str]:
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            found |= set(handler.commands)
        elif isinstance(handler, ConversationHandler):
            found |= _commands(handler.entry_points)
    return found


def test_every_menu_command_has_a_handler_and_every_command_a_description() -> None:
    registered = _commands(entry.handler for entry in registrations())
    assert registered == set(DESCRIPTIONS)
    assert {name for _, names in MENUS for name in names} <= registered


def test_counting_runs_before_any_command() -> None:
    entries = registrations()
    counting = [entry for entry in entries if entry.group == COUNT_GROUP]
    assert len(counting) == 1
    commands = [
        entry
        for entry in entries
        if isinstance(entry.handler, CommandHandler | ConversationHandler)
    ]
    assert commands
    assert all(entry.group > COUNT_GROUP for entry in commands)


AT = datetime(2025, 9, 23, 20, 0, tzinfo=UTC)
GROUP = Chat(id=-1001, type=Chat.SUPERGROUP, title="Ward 1")
BOSS = User(id=7, first_name="Boss", is_bot=False)


def _group_update(edited: bool = False, **fields: Any) -> Update:
    message = Message(message_id=5, date=AT, chat=GROUP, from_user=BOSS, **fields)
    return Update(1, edited_message=message) if edited else Update(1, message=message)


@pytest.mark.parametrize(
    "counted",
    [
        _group_update(text="请各网格今晚10点前把入户照片发群里"),
        _group_update(text="收到", edited=True),
        _group_update(photo=(PhotoSize("f", "u", 10, 10),), caption="/settings 现场照片"),
        _group_update(photo=(PhotoSize("f", "u", 10, 10),)),
        _group_update(document=Document("f", "u", file_name="台账.xlsx")),
        _group_update(
            text="请看 /settings",
            entities=(MessageEntity(MessageEntity.BOT_COMMAND, 3, 9),),
        ),
        _group_update(
            text="好的", reply_to_message=Message(4, AT, GROUP, from_user=BOSS, text="请报送")
        ),
    ],
)
def test_counting_is_the_last_stop_of_a_group_message_that_is_no_command(
    counted: Update,
) -> None:
    # ``count_group_message`` ends the dispatch for these: no later handler may want them.
    entries = registrations()
    (counting,) = (entry.handler for entry in entries if entry.group == COUNT_GROUP)
    assert counting.check_update(counted)
    message = counted.effective_message
    assert message is not None and not starts_with_command(message)
    later = [entry.handler for entry in entries if entry.group > COUNT_GROUP]
    assert later
    assert not [handler for handler in later if handler.check_update(counted)]
