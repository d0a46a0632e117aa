"""Every group message (text, captions, media, edits) -> classifier -> working time -> store."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import filters

from bot.core.context import Attachment
from bot.core.observation import IncomingMessage
from bot.usecases.context import context_message
from bot.usecases.counting import count_message
from handlers.context import BotContext

log = logging.getLogger(__name__)

# ``/flag`` is not counted: its "seen" entry would keep the sender's pseudonym next to the moment
# a member set out to flag.
_FLAG_COMMAND = filters.Regex(r"^/flag(@\w+)?(\s|$)")

# Telegram never puts text or a caption on a service message (a join, a pin, a new title), so
# those are ordinary at once; only the rest are run through the ~45 checks of StatusUpdate.ALL,
# which cost about as much as storing the message.
_ORDINARY = filters.TEXT | filters.CAPTION | ~filters.StatusUpdate.ALL

COUNTED_MESSAGES = (
    filters.ChatType.GROUPS
    & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
    & _ORDINARY
    & ~_FLAG_COMMAND
)
"""Every ordinary group message and edit (no service messages such as joins)."""


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


def attachment(message: Message) -> Attachment | None:
    """The kind of what ``message`` carries besides text (context reads only the kind)."""
    if message.photo:
        return Attachment.PHOTO
    if message.video or message.video_note or message.animation:
        return Attachment.VIDEO
    if message.document is not None:
        return Attachment.FILE
    if message.effective_attachment is not None:
        return Attachment.OTHER
    return None


async def on_group_message(update: Update, context: BotContext) -> None:
    """Observe and count one message in its conversation; an edit re-labels it (the store
    moves its counts). While the store is unreachable the message is held and counted when
    it is back."""
    message = update.effective_message
    if message is None:
        return
    found = context.services
    seen = incoming(message)
    in_context = context_message(
        seen,
        found.hasher,
        reply_to=message.reply_to_message.message_id if message.reply_to_message else None,
        attachment=attachment(message),
        forwarded=message.forward_origin is not None,
    )
    await count_message(found, seen, in_context)
    # Counts only: never the text, never the sender.
    log.debug("group %s message handled", message.chat.id)
