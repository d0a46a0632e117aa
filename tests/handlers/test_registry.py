"""The one handler table agrees with the command menus users see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from handlers.commands_menu import DESCRIPTIONS, MENUS
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
