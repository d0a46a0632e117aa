"""The express path: a plain group text message counted straight from the webhook's JSON.

Nearly every update a busy bot receives is an ordinary text message in a group. For those,
python-telegram-bot's dispatch ends in ``count_group_message`` and nothing else (no handler
before it takes such a message, and it stops the dispatch: ``handlers/registry.py``), yet
``Update.de_json`` builds some 200 attributes of a dozen objects to get there, about a quarter
of what handling the update costs. ``express_message`` reads the few fields counting needs from
the decoded JSON and ``ExpressCounting`` counts it with the same ``handle_group_message`` that
the PTB handler calls; the result is the same as the PTB path's (``tests/handlers/
test_express.py`` compares both for every kind of update it takes and declines).

It declines (None: the update goes through PTB as before) anything else: other update kinds,
private chats, messages without text (media, service messages), texts that open with ``/``
(commands, ``/flag``), fields it does not know (a field a later Bot API adds is read by PTB
until it is listed here), and any value of an unexpected type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeGuard

from telegram import Update

from bot.core.observation import IncomingMessage
from handlers.context import App
from handlers.group_messages import handle_group_message

_KINDS = ("message", "edited_message")
_GROUP_TYPES = frozenset({"group", "supergroup"})
TEXT_MESSAGE_FIELDS = frozenset(
    {
        # read here
        "message_id",
        "date",
        "edit_date",
        "chat",
        "from",
        "sender_chat",
        "text",
        "entities",
        "reply_to_message",
        "forward_origin",
        # ignored by counting, whatever their value, when the message has text
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
        # service flags (PTB's ``to_dict`` writes them as false): a message with text is never
        # a service message, so counting ignores them too
        "channel_chat_created",
        "delete_chat_photo",
        "group_chat_created",
        "supergroup_chat_created",
    }
)
"""The Bot API fields of a text message the express path knows. Everything counting reads is
among them; a ``document`` or ``caption`` (which change the text counted) is not."""


@dataclass(frozen=True, slots=True)
class ExpressMessage:
    """What counting needs of one plain group text message (see ``handle_group_message``)."""

    chat_id: int
    incoming: IncomingMessage
    reply_to: int | None
    forwarded: bool


_MALFORMED = object()


def _integer(value: object) -> TypeGuard[int]:
    return type(value) is int  # not bool, not float: as Telegram sends ids and dates


def express_message(update: Mapping[str, Any], zone: tzinfo = UTC) -> ExpressMessage | None:
    """The plain group text message in a decoded update, or None for anything else.

    ``zone`` is the time zone PTB would give the dates (the bot's defaults; UTC without).
    """
    message = _plain_text_message(update)
    if message is None:
        return None
    sender = _sender(message)
    replied, forward = message.get("reply_to_message"), message.get("forward_origin")
    reply_to = None if type(replied) is not dict else replied.get("message_id")
    if (
        sender is _MALFORMED
        or (replied is not None and not _integer(reply_to))
        or (forward is not None and type(forward) is not dict)
    ):
        return None
    chat_id, edited = message["chat"]["id"], message.get("edit_date")
    incoming = IncomingMessage(
        group_id=chat_id,
        message_id=message["message_id"],
        sent_at=datetime.fromtimestamp(message["date"], tz=zone),
        text=message["text"],
        sender_id=None if sender is None else str(sender),
        is_command=False,  # a command opens with "/": declined
        edited_at=None if edited is None else datetime.fromtimestamp(edited, tz=zone),
    )
    return ExpressMessage(chat_id, incoming, reply_to, forward is not None)


def _plain_text_message(update: Mapping[str, Any]) -> dict[str, Any] | None:
    """The message of ``update`` if it is a group message with text that is no command, of
    known fields, with the ids, dates and entities counting reads well formed."""
    if len(update) != 2 or not _integer(update.get("update_id")):
        return None
    message = update.get("message")
    if message is None:
        message = update.get("edited_message")
    if type(message) is not dict or not message.keys() <= TEXT_MESSAGE_FIELDS:
        return None
    chat, text, date = message.get("chat"), message.get("text"), message.get("date")
    edited, entities = message.get("edit_date"), message.get("entities")
    well_formed = (
        type(chat) is dict
        and chat.get("type") in _GROUP_TYPES
        and _integer(chat.get("id"))
        and type(text) is str
        and text != ""
        and text[0] != "/"  # commands (and /flag) go through PTB's handlers
        and _integer(message.get("message_id"))
        and _integer(date)
        and date > 0  # 0 stands for an inaccessible message
        and (edited is None or _integer(edited))
        and (entities is None or (type(entities) is list and _no_command(entities)))
    )
    return message if well_formed else None


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
                attachment=None,  # a text message carries nothing else
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
