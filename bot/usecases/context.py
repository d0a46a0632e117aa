"""Conversation context for the bot and the audit: messages in, labels decided in context out."""

from __future__ import annotations

from bot.core.context import Attachment, ContextMessage
from bot.core.fast_init import maker
from bot.core.observation import IncomingMessage, SenderHasher
from bot.sources.telegram_export import ExportedMessage

# Telegram export ``media_type`` values (and the keys the reader maps) to attachment kinds.
_EXPORT_MEDIA = {
    "photo": Attachment.PHOTO,
    "video_file": Attachment.VIDEO,
    "video_message": Attachment.VIDEO,
    "animation": Attachment.VIDEO,
    "file": Attachment.FILE,
    "voice_message": Attachment.OTHER,
    "audio_file": Attachment.OTHER,
    "sticker": Attachment.OTHER,
}


def export_attachment(message: ExportedMessage) -> Attachment | None:
    """The attachment kind of an exported message (a named file counts as a file)."""
    if message.media is not None:
        kind = _EXPORT_MEDIA.get(message.media, Attachment.OTHER)
        if kind is Attachment.OTHER and message.file_name:
            return Attachment.FILE
        return kind
    return Attachment.FILE if message.file_name else None


def context_message(
    incoming: IncomingMessage,
    hasher: SenderHasher,
    reply_to: int | None,
    attachment: Attachment | None,
    forwarded: bool,
) -> ContextMessage:
    """The context view of ``incoming``: its sender only as the group's pseudonym."""
    sender_key = hasher(incoming.group_id, incoming.sender_id) if incoming.sender_id else None
    return _context_message(
        message_id=incoming.message_id,
        text=incoming.text,
        sent_at=incoming.sent_at,
        sender_key=sender_key,
        reply_to=reply_to,
        attachment=attachment,
        forwarded=forwarded,
    )


def exported_context_message(
    incoming: IncomingMessage, message: ExportedMessage, hasher: SenderHasher
) -> ContextMessage:
    """The context view of an exported message (reply, attachment and forward as exported)."""
    return context_message(
        incoming,
        hasher,
        reply_to=message.reply_to_message_id,
        attachment=export_attachment(message),
        forwarded=message.forwarded_from is not None,
    )


_context_message = maker(ContextMessage)
"""``ContextMessage(...)`` at half the cost: the audit makes one per message."""
