"""Every group message (text, captions, media, edits) -> classifier -> working time -> store."""

from __future__ import annotations

import logging
import re

from telegram import Chat, Message, Update
from telegram.ext import filters

from bot.core.context import Attachment
from bot.core.observation import IncomingMessage
from bot.usecases.context import context_message
from bot.usecases.counting import count_message
from bot.usecases.services import Services
from handlers.context import BotContext

log = logging.getLogger(__name__)

_GROUP_CHATS = frozenset({Chat.GROUP, Chat.SUPERGROUP})
# ``/flag`` is not counted: its "seen" entry would keep the sender's pseudonym next to the moment
# a member set out to flag.
_FLAG_COMMAND = re.compile(r"^/flag(@\w+)?(\s|$)")


class _CountedMessages(filters.UpdateFilter):
    """Ordinary group messages and edits, in one check rather than a tree of PTB filters (each
    node of ``GROUPS & (MESSAGE | EDITED_MESSAGE) & ...`` looks the message up again, about as
    costly as the rest of the dispatch)."""

    __slots__ = ()

    def filter(self, update: Update) -> bool:
        message = update.message or update.edited_message
        if message is None or message.chat.type not in _GROUP_CHATS:
            return False
        text = message.text
        # Telegram never puts text or a caption on a service message (a join, a pin, a new
        # title), so those are ordinary at once; only the rest are run through the ~45 checks
        # of StatusUpdate.ALL.
        if not text and not message.caption and filters.StatusUpdate.ALL.check_update(update):
            return False
        return not (text and _FLAG_COMMAND.search(text))


COUNTED_MESSAGES = _CountedMessages(name="COUNTED_MESSAGES")
"""Every ordinary group message and edit (no service messages such as joins, no ``/flag``)."""


def starts_with_command(message: Message) -> bool:
    """Whether ``message`` opens with a bot command (the only group messages that a command
    handler may take after they were counted)."""
    entities = message.entities
    return bool(entities) and entities[0].type == "bot_command" and entities[0].offset == 0


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
    return IncomingMessage(
        group_id=message.chat.id,
        message_id=message.message_id,
        sent_at=message.date,
        text=text,
        sender_id=sender,
        is_command=starts_with_command(message),
        edited_at=message.edit_date,
    )


def attachment(message: Message) -> Attachment | None:
    """The kind of what ``message`` carries besides text (context reads only the kind)."""
    if message.text is not None:  # a text message carries nothing else (media have captions)
        return None
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
    await handle_group_message(
        context.services,
        incoming(message),
        reply_to=message.reply_to_message.message_id if message.reply_to_message else None,
        attachment=attachment(message),
        forwarded=message.forward_origin is not None,
    )


async def handle_group_message(
    services: Services,
    seen: IncomingMessage,
    *,
    reply_to: int | None,
    attachment: Attachment | None,
    forwarded: bool,
) -> None:
    """``on_group_message`` once the message is read (by PTB, or by ``handlers.express``)."""
    in_context = context_message(
        seen, services.hasher, reply_to=reply_to, attachment=attachment, forwarded=forwarded
    )
    await count_message(services, seen, in_context)
    # Counts only: never the text, never the sender. (Checked first: the call costs even
    # when the level drops it, and it comes with every group message.)
    if log.isEnabledFor(logging.DEBUG):
        log.debug("group %s message handled", seen.group_id)
