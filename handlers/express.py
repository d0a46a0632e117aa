"""The express path: an ordinary group message counted straight from the webhook's JSON.

Nearly every update a busy bot receives is an ordinary message in a group: text, or a photo,
video or file with or without a caption. For those, python-telegram-bot's dispatch ends in
``count_group_message`` and nothing else (no handler before it takes such a message, and it
stops the dispatch: ``handlers/registry.py``), yet ``Update.de_json`` builds some 200 attributes
of a dozen objects to get there, about a third of what handling the update cost.
``express_message`` reads the few fields counting needs from the decoded JSON and
``ExpressCounting`` counts the message with the same ``handle_group_message`` that the PTB
handler calls; the reading is the PTB path's (``tests/handlers/test_express.py`` compares both,
handler table included, on every kind of update it takes).

It declines (None: the update goes through PTB as before) anything else: other update kinds,
private chats and channels, service messages, texts that open with ``/`` (commands, ``/flag``),
media other than those listed, fields it does not know (a field a later Bot API adds is read by
PTB until it is listed here), and any value counting reads that has an unexpected type. What it
does not read it does not check: a nested object PTB could not parse (the webhook would ignore
that update) is counted here, which only a hand-made request bearing the secret could cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeGuard

from telegram import Update

from bot.core.context import Attachment
from bot.core.observation import IncomingMessage
from handlers.context import App
from handlers.group_messages import handle_group_message

MEDIA = {
    "photo": Attachment.PHOTO,
    "video": Attachment.VIDEO,
    "video_note": Attachment.VIDEO,
    "animation": Attachment.VIDEO,
    "document": Attachment.FILE,
    "voice": Attachment.OTHER,
    "audio": Attachment.OTHER,
    "sticker": Attachment.OTHER,
}
"""The media the express path takes, with the kind ``group_messages.attachment`` gives them
(in its order: a photo first, then video kinds, then a file)."""
_MEDIA_KEYS = frozenset(MEDIA)
_ANIMATION = frozenset({"animation", "document"})  # Telegram sends a GIF as both
_SERVICE_FLAGS = (
    "channel_chat_created",
    "delete_chat_photo",
    "group_chat_created",
    "supergroup_chat_created",
)
"""Service flags PTB's ``to_dict`` writes as false on every message: taken only when false."""
MESSAGE_FIELDS = frozenset(
    {
        # read here
        "message_id",
        "date",
        "edit_date",
        "chat",
        "from",
        "sender_chat",
        "text",
        "caption",
        "entities",
        "reply_to_message",
        "forward_origin",
        *_MEDIA_KEYS,
        *_SERVICE_FLAGS,
        # ignored by counting, whatever their value
        "caption_entities",
        "show_caption_above_media",
        "has_media_spoiler",
        "media_group_id",
        "message_thread_id",
        "is_topic_message",
        "is_automatic_forward",
        "has_protected_content",
        "is_from_offline",
        "author_signature",
        "sender_boost_count",
        "link_preview_options",
        "effect_id",
        "quote",
        "external_reply",
        "via_bot",
        "reply_markup",
        "business_connection_id",
        "sender_business_bot",
    }
)
"""The Bot API fields of a message the express path knows; any other sends it through PTB."""


@dataclass(frozen=True, slots=True)
class ExpressMessage:
    """What counting needs of one ordinary group message (see ``handle_group_message``)."""

    chat_id: int
    incoming: IncomingMessage
    reply_to: int | None
    attachment: Attachment | None
    forwarded: bool


_MALFORMED = object()
_CAPTIONED = frozenset({"caption", *_MEDIA_KEYS})


def _integer(value: object) -> TypeGuard[int]:
    return type(value) is int  # not bool, not float: as Telegram sends ids and dates


def express_message(update: Mapping[str, Any], zone: tzinfo = UTC) -> ExpressMessage | None:
    """The ordinary group message in a decoded update, or None for anything else.

    ``zone`` is the time zone PTB would give the dates (the bot's defaults; UTC without).
    """
    message = _group_message(update)
    if message is None:
        return None
    content = _content(message)
    sender = _sender(message)
    replied, forward = message.get("reply_to_message"), message.get("forward_origin")
    reply_to = None if type(replied) is not dict else replied.get("message_id")
    if (
        content is None
        or sender is _MALFORMED
        or (replied is not None and not _integer(reply_to))
        or (forward is not None and type(forward) is not dict)
    ):
        return None
    chat_id, edited = message["chat"]["id"], message.get("edit_date")
    try:
        sent_at = datetime.fromtimestamp(message["date"], tz=zone)
        edited_at = None if edited is None else datetime.fromtimestamp(edited, tz=zone)
    except (OverflowError, ValueError, OSError):  # no date: PTB's path ignores the update
        return None
    incoming = IncomingMessage(
        group_id=chat_id,
        message_id=message["message_id"],
        sent_at=sent_at,
        text=content[0],
        sender_id=None if sender is None else str(sender),
        is_command=False,  # a command opens with "/": declined
        edited_at=edited_at,
    )
    return ExpressMessage(chat_id, incoming, reply_to, content[1], forward is not None)


def _group_message(update: Mapping[str, Any]) -> dict[str, Any] | None:
    """The message of ``update`` if it is a group message of known fields, no service message,
    with the ids, dates and entities counting reads well formed and no command."""
    if len(update) != 2 or not _integer(update.get("update_id")):
        return None
    message = update.get("message")
    if message is None:
        message = update.get("edited_message")
    if type(message) is not dict or not message.keys() <= MESSAGE_FIELDS:
        return None
    chat, date = message.get("chat"), message.get("date")
    edited, entities = message.get("edit_date"), message.get("entities")
    well_formed = (
        type(chat) is dict
        and (chat.get("type") == "group" or chat.get("type") == "supergroup")
        and _integer(chat.get("id"))
        and _integer(message.get("message_id"))
        and _integer(date)
        and date > 0  # 0 stands for an inaccessible message
        and (edited is None or _integer(edited))
        and (entities is None or (type(entities) is list and _no_command(entities)))
        and all(message.get(flag, False) is False for flag in _SERVICE_FLAGS)
    )
    return message if well_formed else None


def _content(message: Mapping[str, Any]) -> tuple[str, Attachment | None] | None:
    """The text counted and the attachment kind, as ``group_messages.incoming`` and
    ``attachment`` read them, or None when the message is not one the express path takes."""
    text = message.get("text")
    if text is None:
        return _media(message)
    if type(text) is not str or text == "" or text[0] == "/":  # commands go through PTB
        return None
    # a text message carries nothing else (a caption or media on one: through PTB)
    return (text, None) if message.keys().isdisjoint(_CAPTIONED) else None


def _media(message: Mapping[str, Any]) -> tuple[str, Attachment] | None:
    """``_content`` of a message without text: one of ``MEDIA``, with or without a caption."""
    caption = message.get("caption", "")
    media = message.keys() & _MEDIA_KEYS
    if type(caption) is not str or not (len(media) == 1 or media == _ANIMATION):
        return None
    kind = next(MEDIA[key] for key in MEDIA if key in media)  # in attachment()'s order
    photo = message.get("photo")
    well_formed = (
        type(photo) is list and bool(photo) and type(photo[0]) is dict
        if kind is Attachment.PHOTO
        else all(type(message[key]) is dict for key in media)
    )
    if not well_formed:
        return None
    name = message["document"].get("file_name") if "document" in media else None
    if name is not None and type(name) is not str:
        return None
    if not name:
        return caption, kind
    return (f"{caption}\n{name}" if caption else name), kind


def _no_command(entities: list[Any]) -> bool:
    """Whether ``entities`` do not open with a command (``group_messages.starts_with_command``;
    Telegram never marks one without a leading "/", but PTB's path would trust the entity)."""
    if not entities:
        return True
    first = entities[0]
    if type(first) is not dict:
        return False
    return not (first.get("type") == "bot_command" and first.get("offset") == 0)


def _sender(message: Mapping[str, Any]) -> str | object | None:
    """``handlers.group_messages.incoming``'s sender, or ``_MALFORMED``."""
    for field, prefix in (("sender_chat", "chat"), ("from", "user")):
        who = message.get(field)
        if who is None:
            continue
        if type(who) is not dict or not _integer(who.get("id")):
            return _MALFORMED
        return f"{prefix}{who['id']}"
    return None


class ExpressCounting:
    """Counts the updates ``express_message`` takes, as ``count_group_message`` would."""

    def __init__(self, application: App) -> None:
        self._application = application
        defaults = application.bot.defaults  # as PTB's de_json: the defaults' zone, or UTC
        self._zone = defaults.tzinfo if defaults is not None and defaults.tzinfo else UTC

    def read(self, update: Mapping[str, Any]) -> ExpressMessage | None:
        """The express message in ``update`` (see ``express_message``)."""
        return express_message(update, self._zone)

    async def count(self, message: ExpressMessage, update: Mapping[str, Any]) -> None:
        """Count ``message`` (read from ``update``); a failure goes to the application's error
        handlers with the update PTB makes of ``update``, as ``process_update`` would do."""
        application = self._application
        try:
            await handle_group_message(
                application.bot_data.services,
                message.incoming,
                reply_to=message.reply_to,
                attachment=message.attachment,
                forwarded=message.forwarded,
            )
        except Exception as error:  # as PTB: every handler error goes to the error handlers
            await application.process_error(_ptb_update(update, application), error)


def _ptb_update(update: Mapping[str, Any], application: App) -> Update | None:
    """The update as PTB reads it, for the error handlers (None if it cannot read it)."""
    try:
        return Update.de_json(dict(update), application.bot)
    except Exception:  # the error handlers then see no update, and still the error
        return None
