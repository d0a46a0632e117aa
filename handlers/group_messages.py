"""Every group message (text, captions, media, edits) -> classifier -> working time -> store."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.core.observation import IncomingMessage
from bot.usecases.counting import count_message
from handlers.common import App, services

log = logging.getLogger(__name__)

# Runs before the command handlers (group 0) so that commands are counted as messages too.
INGEST_GROUP = -1

_COUNTED = (
    filters.ChatType.GROUPS
    & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
    & ~filters.StatusUpdate.ALL
)


def register(app: App) -> None:
    """Count every ordinary message of the groups the bot is in."""
    app.add_handler(MessageHandler(_COUNTED, on_group_message), group=INGEST_GROUP)


def incoming(message: Message) -> IncomingMessage:
    """The Telegram-free view of a group message, for ``bot.core.observation.observe``."""
    text = message.text or message.caption or ""
    if message.document is not None and message.document.file_name:
        # Attachment names ("走访台账.xlsx") say what a message asks for.
        text = f"{text}\n{message.document.file_name}" if text else message.document.file_name
    if message.sender_chat is not None:
        sender = f"chat{message.sender_chat.id}"
    elif message.from_user is not None:
        sender = f"user{message.from_user.id}"
    else:
        sender = None
    command = bool(message.entities) and message.entities[0].type == "bot_command"
    return IncomingMessage(
        group_id=message.chat.id,
        message_id=message.message_id,
        sent_at=message.date,
        text=text,
        sender_id=sender,
        is_command=command and message.entities[0].offset == 0,
        edited_at=message.edit_date,
    )


async def on_group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Observe and count one message; an edit re-labels it (the store moves its counts).

    While the store is unreachable the message is held and counted when it is back.
    """
    message = update.effective_message
    if message is None:
        return
    await count_message(services(context), incoming(message))
    # Counts only: never the text, never the sender.
    log.debug("group %s message handled", message.chat.id)
