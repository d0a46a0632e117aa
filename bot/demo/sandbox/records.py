"""What the sandbox lets tests inspect: recorded calls, sent messages, answers, limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message

from bot.demo.sandbox.errors import SandboxUsageError
from bot.demo.sandbox.params import UploadedFile

GROUP_ANONYMOUS_BOT_ID = 1087968824
"""The user id Telegram puts in ``from`` for messages of anonymous group admins."""


@dataclass(frozen=True)
class RecordedCall:
    """One Bot API call the sandbox served, successful or not."""

    method: str
    token: str
    bot_id: int | None
    params: Mapping[str, Any]
    files: Mapping[str, UploadedFile]
    at: datetime
    result: Any = None
    error_code: int | None = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.error_code is None

    @property
    def chat_id(self) -> int | str | None:
        """The ``chat_id`` parameter as sent (an int for numeric ids), if any."""
        value = self.params.get("chat_id")
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        return value if isinstance(value, int | str) else None


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent, in its current state (after any edits).

    ``text`` is the text or caption exactly as the bot sent it (with its markup);
    ``message.text``/``message.caption`` is what Telegram shows after parsing ``parse_mode``.
    """

    chat_id: int
    message_id: int
    kind: str  # "text", "photo" or "document"
    text: str | None
    parse_mode: str | None
    reply_markup: InlineKeyboardMarkup | None
    message: Message
    edit_count: int = 0

    @property
    def plain_text(self) -> str | None:
        """The text or caption as members see it, markup removed."""
        return self.message.text if self.kind == "text" else self.message.caption

    @property
    def callback_data(self) -> list[str]:
        """The callback_data of every inline button, row by row."""
        if self.reply_markup is None:
            return []
        return [
            str(button.callback_data)
            for row in self.reply_markup.inline_keyboard
            for button in row
            if button.callback_data is not None
        ]


@dataclass(frozen=True)
class CallbackAnswer:
    """How the bot answered a callback query (``answerCallbackQuery``)."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class RateLimit:
    """At most ``messages`` sending calls per chat (and bot) within any ``per`` window.

    Exceeding it answers 429 with ``retry_after``, the seconds until the window frees a slot.
    """

    messages: int
    per: timedelta = field(default=timedelta(seconds=1))

    def __post_init__(self) -> None:
        if self.messages < 1 or self.per <= timedelta(0):
            raise SandboxUsageError(
                "A rate limit needs messages >= 1 and a positive window; pass e.g. "
                "RateLimit(messages=20, per=timedelta(minutes=1))."
            )


@dataclass(frozen=True)
class StoredFile:
    """A file known to the sandbox, uploaded by the bot or posted by a member."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    content: bytes

    @property
    def size(self) -> int:
        """The file size in bytes."""
        return len(self.content)
