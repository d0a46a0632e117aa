"""The Bot API methods the sandbox answers, each a function of the call's bot and parameters.

Results are built from python-telegram-bot's own types and ``to_dict()``-ed, so they follow the
real schema; errors use Telegram's codes and wording.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from telegram import (
    AcceptedGiftTypes,
    BotCommand,
    Chat,
    ChatAdministratorRights,
    ChatFullInfo,
    Document,
    File,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    User,
    WebhookInfo,
)

from bot.demo.sandbox.errors import bad_request, conflict, forbidden, too_many_requests
from bot.demo.sandbox.params import Params, UploadedFile
from bot.demo.sandbox.records import CallbackAnswer, StoredFile
from bot.demo.sandbox.text import FormattedText, check_text_length, parse_message_text
from bot.demo.sandbox.world import (
    ACTIVE_STATUSES,
    ADMIN_STATUSES,
    BotState,
    ChatState,
    MemberState,
    StoredMessage,
    World,
    member_update,
    scope_key,
    store_file,
)


@dataclass(frozen=True)
class Call:
    """One incoming call: which bot is asking, with which parameters."""

    world: World
    bot: BotState
    params: Params

    def now(self) -> datetime:
        """Return the sandbox clock's time."""
        return self.world.now()


Method = Callable[[Call], Awaitable[Any]]

_MAX_UPDATES_LIMIT = 100
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MAX_CALLBACK_DATA_BYTES = 64
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


# ------------------------------------------------------------------------------ bot account


async def get_me(call: Call) -> Any:
    """getMe: the bot's user with its capabilities."""
    bot = call.bot
    return User(
        id=bot.id,
        first_name=bot.user.first_name,
        is_bot=True,
        username=bot.user.username,
        can_join_groups=bot.can_join_groups,
        can_read_all_group_messages=bot.can_read_all_group_messages,
        supports_inline_queries=bot.supports_inline_queries,
        can_connect_to_business=False,
        has_main_web_app=False,
    ).to_dict()


async def log_out(call: Call) -> Any:
    """logOut / close: accepted and ignored."""
    del call
    return True


async def set_my_commands(call: Call) -> Any:
    """setMyCommands: store the list for its scope and language."""
    raw = call.params.optional_json("commands")
    if not isinstance(raw, list):
        raise bad_request("parameter commands is required")
    commands: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, dict) or not _COMMAND_NAME.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(item.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append(BotCommand(str(item["command"]), description).to_dict())
    call.bot.commands[_commands_key(call.params)] = commands
    return True


async def get_my_commands(call: Call) -> Any:
    """getMyCommands: the stored list for the scope and language, or []."""
    return call.bot.commands.get(_commands_key(call.params), [])


async def delete_my_commands(call: Call) -> Any:
    """deleteMyCommands: forget the list for the scope and language."""
    call.bot.commands.pop(_commands_key(call.params), None)
    return True


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.optional_json("scope")
    if scope is not None and not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    return scope_key(scope), params.optional_str("language_code") or ""


def _profile_setter(field_name: str) -> Method:
    """Build set<Field> for a per-language profile text (description, short description, name)."""

    async def setter(call: Call) -> Any:
        value = call.params.optional_str(field_name) or ""
        language = call.params.optional_str("language_code") or ""
        call.bot.profile[(field_name, language)] = value
        return True

    return setter


def _profile_getter(field_name: str) -> Method:
    """Build get<Field>: the text for the language, falling back to the default one."""

    async def getter(call: Call) -> Any:
        language = call.params.optional_str("language_code") or ""
        profile = call.bot.profile
        fallback = call.bot.user.first_name if field_name == "name" else ""
        value = profile.get((field_name, language), profile.get((field_name, ""), fallback))
        return {field_name: value}

    return getter


async def set_chat_menu_button(call: Call) -> Any:
    """setChatMenuButton: store the button for a private chat or as the default."""
    button = call.params.optional_json("menu_button") or {"type": "default"}
    chat_id = call.params.optional_int("chat_id")
    call.bot.profile[("menu_button", str(chat_id or ""))] = button
    return True


async def get_chat_menu_button(call: Call) -> Any:
    """getChatMenuButton: the stored button, else the commands menu."""
    chat_id = call.params.optional_int("chat_id")
    profile = call.bot.profile
    default = profile.get(("menu_button", ""), {"type": "commands"})
    return profile.get(("menu_button", str(chat_id or "")), default)


async def set_my_default_administrator_rights(call: Call) -> Any:
    """setMyDefaultAdministratorRights: store the rights suggested when adding the bot."""
    scope = "channels" if call.params.flag("for_channels") else "groups"
    call.bot.profile[("default_rights", scope)] = call.params.optional_json("rights")
    return True


async def get_my_default_administrator_rights(call: Call) -> Any:
    """getMyDefaultAdministratorRights: the stored rights, else none granted."""
    scope = "channels" if call.params.flag("for_channels") else "groups"
    stored = call.bot.profile.get(("default_rights", scope))
    if stored:
        return stored
    return ChatAdministratorRights.no_rights().to_dict()


# ----------------------------------------------------------------------- updates and webhook


async def get_updates(call: Call) -> Any:
    """getUpdates: confirm below ``offset``, then long-poll up to ``timeout`` seconds."""
    bot = call.bot
    if bot.webhook_url is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
            "the webhook first"
        )
    offset = call.params.optional_int("offset")
    if offset is not None:
        bot.updates.confirm(offset)
    if "allowed_updates" in call.params:
        allowed = call.params.optional_json("allowed_updates")
        bot.updates.set_allowed([str(kind) for kind in allowed or []])
    limit = call.params.optional_int("limit") or _MAX_UPDATES_LIMIT
    limit = max(1, min(limit, _MAX_UPDATES_LIMIT))
    timeout = call.params.optional_float("timeout") or 0.0
    await bot.updates.wait(timeout)
    return [update.to_dict() for update in bot.updates.take(limit)]


async def set_webhook(call: Call) -> Any:
    """setWebhook: remember the URL and secret; getUpdates then answers 409."""
    bot, params = call.bot, call.params
    url = params.required_str("url")
    if not url:
        bot.webhook_url = bot.webhook_secret = None
        return True
    if urlparse(url).scheme not in {"http", "https"}:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.optional_str("secret_token")
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if params.flag("drop_pending_updates"):
        bot.updates.clear()
    if "allowed_updates" in params:
        allowed = params.optional_json("allowed_updates")
        bot.updates.set_allowed([str(kind) for kind in allowed or []])
    bot.webhook_url, bot.webhook_secret = url, secret
    bot.webhook_max_connections = params.optional_int("max_connections") or 40
    return True


async def delete_webhook(call: Call) -> Any:
    """deleteWebhook: back to getUpdates, optionally dropping pending updates."""
    call.bot.webhook_url = call.bot.webhook_secret = None
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    return True


async def get_webhook_info(call: Call) -> Any:
    """getWebhookInfo: URL (empty when polling) and the number of pending updates."""
    bot = call.bot
    return WebhookInfo(
        url=bot.webhook_url or "",
        has_custom_certificate=False,
        pending_update_count=len(bot.updates.pending),
        max_connections=bot.webhook_max_connections if bot.webhook_url else None,
        allowed_updates=sorted(bot.updates.allowed_updates) if bot.webhook_url else None,
    ).to_dict()


# --------------------------------------------------------------------------------- messages


async def send_message(call: Call) -> Any:
    """sendMessage: parse the text like Telegram, store the message in the chat."""
    chat = _writable_chat(call)
    raw_text = call.params.optional_str("text")
    if raw_text is None:
        raise bad_request("message text is empty")
    parse_mode = call.params.optional_str("parse_mode")
    formatted = parse_message_text(raw_text, parse_mode, call.params.optional_json("entities"))
    check_text_length(formatted)
    fields: dict[str, Any] = {"text": formatted.text, "entities": formatted.entities or None}
    return _send(call, chat, "text", raw_text, parse_mode, fields)


async def send_photo(call: Call) -> Any:
    """sendPhoto: an upload, a known file_id or a URL, with an optional caption."""
    chat = _writable_chat(call)
    stored = _input_file(call, "photo", "photos")
    fields, raw_caption, parse_mode = _caption_fields(call)
    fields["photo"] = [
        PhotoSize(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=side,
            height=side,
            file_size=stored.size,
        )
        for side in (90, 800)
    ]
    return _send(call, chat, "photo", raw_caption, parse_mode, fields)


async def send_document(call: Call) -> Any:
    """sendDocument: an upload (name and size kept), a known file_id or a URL."""
    chat = _writable_chat(call)
    stored = _input_file(call, "document", "documents")
    fields, raw_caption, parse_mode = _caption_fields(call)
    fields["document"] = Document(
        file_id=stored.file_id,
        file_unique_id=stored.file_unique_id,
        file_name=stored.file_name,
        mime_type=stored.mime_type,
        file_size=stored.size,
    )
    return _send(call, chat, "document", raw_caption, parse_mode, fields)


async def send_chat_action(call: Call) -> Any:
    """sendChatAction: accepted when the bot may write to the chat."""
    _writable_chat(call)
    call.params.required_str("action")
    return True


async def edit_message_text(call: Call) -> Any:
    """editMessageText: change the text (and keyboard) of one of the bot's text messages."""
    _, stored = _editable_message(call)
    if stored.kind != "text":
        raise bad_request("there is no text in the message to edit")
    raw_text = call.params.optional_str("text")
    if raw_text is None:
        raise bad_request("message text is empty")
    parse_mode = call.params.optional_str("parse_mode")
    formatted = parse_message_text(raw_text, parse_mode, call.params.optional_json("entities"))
    check_text_length(formatted)
    markup = _reply_markup(call.params)
    old = stored.message
    if (
        old.text == formatted.text
        and tuple(old.entities) == formatted.entities
        and old.reply_markup == markup
    ):
        raise bad_request(_NOT_MODIFIED)
    data = old.to_dict()
    data["text"] = formatted.text
    data["entities"] = [entity.to_dict() for entity in formatted.entities]
    _replace_markup(data, markup)
    data["edit_date"] = int(call.now().timestamp())
    stored.message = Message.de_json(data, None)
    stored.raw_text, stored.parse_mode = raw_text, parse_mode
    stored.edit_count += 1
    return stored.message.to_dict()


async def edit_message_reply_markup(call: Call) -> Any:
    """editMessageReplyMarkup: replace or remove the inline keyboard of a bot message."""
    _, stored = _editable_message(call)
    markup = _reply_markup(call.params)
    if stored.message.reply_markup == markup:
        raise bad_request(_NOT_MODIFIED)
    data = stored.message.to_dict()
    _replace_markup(data, markup)
    data["edit_date"] = int(call.now().timestamp())
    stored.message = Message.de_json(data, None)
    stored.edit_count += 1
    return stored.message.to_dict()


async def delete_message(call: Call) -> Any:
    """deleteMessage: the bot's own messages, or anyone's where the bot is an admin."""
    chat = _writable_chat(call)
    message_id = call.params.required_int("message_id")
    stored = chat.messages.get(message_id)
    if stored is None:
        raise bad_request("message to delete not found")
    own = stored.sent_by_bot == call.bot.id
    may_moderate = chat.type == Chat.PRIVATE or chat.status_of(call.bot.id) in ADMIN_STATUSES
    if not (own or may_moderate):
        raise bad_request("message can't be deleted")
    del chat.messages[message_id]
    return True


async def answer_callback_query(call: Call) -> Any:
    """answerCallbackQuery: once per query the bot received."""
    query_id = call.params.required_str("callback_query_id")
    world = call.world
    if world.callback_queries.get(query_id) != call.bot.id or query_id in world.callback_answers:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    world.callback_answers[query_id] = CallbackAnswer(
        query_id=query_id,
        text=call.params.optional_str("text"),
        show_alert=call.params.flag("show_alert"),
        url=call.params.optional_str("url"),
    )
    return True


async def get_file(call: Call) -> Any:
    """getFile: the file's path for download from the file URL."""
    stored = call.world.files.get(call.params.required_str("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    return File(
        file_id=stored.file_id,
        file_unique_id=stored.file_unique_id,
        file_size=stored.size,
        file_path=stored.file_path,
    ).to_dict()


# ------------------------------------------------------------------------------------ chats


async def get_chat(call: Call) -> Any:
    """getChat: full information about a chat the bot is in."""
    chat = _readable_chat(call)
    brief = chat.to_chat()
    return ChatFullInfo(
        id=chat.id,
        type=chat.type,
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types=AcceptedGiftTypes(False, False, False, False, False),
        title=brief.title,
        username=brief.username,
        first_name=brief.first_name,
        last_name=brief.last_name,
    ).to_dict()


async def get_chat_member(call: Call) -> Any:
    """getChatMember: the member's status; ``left`` for a known user not in the chat."""
    chat = _readable_chat(call)
    user_id = call.params.required_int("user_id")
    if user_id not in call.world.users:
        raise bad_request("user not found")
    if chat.type == Chat.PRIVATE and user_id in {chat.id, call.bot.id}:
        return call.world.chat_member(_private_view(chat, call.bot), user_id).to_dict()
    return call.world.chat_member(chat, user_id).to_dict()


async def get_chat_administrators(call: Call) -> Any:
    """getChatAdministrators: the creator and administrators, bots included."""
    chat = _readable_chat(call)
    if chat.type == Chat.PRIVATE:
        raise bad_request("there are no administrators in the private chat")
    return [
        call.world.chat_member(chat, member.user_id).to_dict()
        for member in chat.members.values()
        if member.status in ADMIN_STATUSES
    ]


async def get_chat_member_count(call: Call) -> Any:
    """getChatMemberCount: members currently in the chat, bots included."""
    chat = _readable_chat(call)
    if chat.type == Chat.PRIVATE:
        return 2
    return sum(1 for member in chat.members.values() if member.status in ACTIVE_STATUSES)


async def leave_chat(call: Call) -> Any:
    """leaveChat: the bot leaves a group and receives its my_chat_member update."""
    chat = _readable_chat(call)
    if chat.type == Chat.PRIVATE:
        raise bad_request("chat member status can't be changed in private chats")
    bot = call.bot
    old = chat.status_of(bot.id)
    chat.members.pop(bot.id, None)
    change = member_update(chat, bot.user, bot.user, old, "left", call.now(), anonymous=False)
    bot.updates.push("my_chat_member", change)
    return True


# ------------------------------------------------------------------------------------ table

METHODS: dict[str, Method] = {
    name.lower(): method
    for name, method in {
        "getMe": get_me,
        "logOut": log_out,
        "close": log_out,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "setMyDescription": _profile_setter("description"),
        "getMyDescription": _profile_getter("description"),
        "setMyShortDescription": _profile_setter("short_description"),
        "getMyShortDescription": _profile_getter("short_description"),
        "setMyName": _profile_setter("name"),
        "getMyName": _profile_getter("name"),
        "setChatMenuButton": set_chat_menu_button,
        "getChatMenuButton": get_chat_menu_button,
        "setMyDefaultAdministratorRights": set_my_default_administrator_rights,
        "getMyDefaultAdministratorRights": get_my_default_administrator_rights,
        "getUpdates": get_updates,
        "setWebhook": set_webhook,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
        "sendMessage": send_message,
        "sendPhoto": send_photo,
        "sendDocument": send_document,
        "sendChatAction": send_chat_action,
        "editMessageText": edit_message_text,
        "editMessageReplyMarkup": edit_message_reply_markup,
        "deleteMessage": delete_message,
        "answerCallbackQuery": answer_callback_query,
        "getFile": get_file,
        "getChat": get_chat,
        "getChatMember": get_chat_member,
        "getChatAdministrators": get_chat_administrators,
        "getChatMemberCount": get_chat_member_count,
        "leaveChat": leave_chat,
    }.items()
}
"""Bot API methods by lower-cased name (Telegram matches method names case-insensitively)."""


# ---------------------------------------------------------------------------------- helpers


def _find_chat(call: Call) -> ChatState:
    chat_id = call.params.chat_id()
    world = call.world
    if isinstance(chat_id, str):
        wanted = chat_id.removeprefix("@").lower()
        found = next(
            (chat for chat in world.chats.values() if (chat.username or "").lower() == wanted),
            None,
        )
    else:
        found = world.chats.get(chat_id)
    if found is None:
        raise bad_request("chat not found")
    return found


def _readable_chat(call: Call) -> ChatState:
    """Return the target chat if the bot can see it (member, or started private chat)."""
    chat = _find_chat(call)
    bot = call.bot
    if chat.type == Chat.PRIVATE:
        if chat.id not in bot.started_by:
            raise bad_request("chat not found")
        return chat
    if chat.migrated_to is not None:
        raise bad_request(
            f"group chat was upgraded to a {Chat.SUPERGROUP} chat",
            {"migrate_to_chat_id": chat.migrated_to},
        )
    status = chat.status_of(bot.id)
    if status == "kicked":
        raise forbidden(f"bot was kicked from the {chat.type} chat")
    if status not in ACTIVE_STATUSES:
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    return chat


def _writable_chat(call: Call) -> ChatState:
    """Return the target chat if the bot may send there; Telegram's 400/403 errors otherwise."""
    chat_id = call.params.chat_id()
    if isinstance(chat_id, int) and chat_id not in call.world.chats:
        if chat_id in call.world.users:
            raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")
    chat = _find_chat(call)
    if chat.type == Chat.PRIVATE:
        if chat.id not in call.bot.started_by:
            raise forbidden("bot can't initiate conversation with a user")
        if chat.id in call.bot.blocked_by:
            raise forbidden("bot was blocked by the user")
        return chat
    return _readable_chat(call)


def _private_view(chat: ChatState, bot: BotState) -> ChatState:
    """A private chat seen as a two-member chat (the user and the bot)."""
    return ChatState(
        id=chat.id,
        type=chat.type,
        private_user=chat.private_user,
        members={
            chat.id: MemberState(chat.id, "member"),
            bot.id: MemberState(bot.id, "member"),
        },
    )


def _send(
    call: Call,
    chat: ChatState,
    kind: str,
    raw_text: str | None,
    parse_mode: str | None,
    fields: dict[str, Any],
) -> Any:
    """Apply the rate limit, then store and return the bot's new message."""
    markup = _reply_markup(call.params)
    reply_to = _reply_target(call, chat)
    retry_after = call.world.record_send(call.bot, chat.id)
    if retry_after is not None:
        raise too_many_requests(retry_after)
    message = Message(
        message_id=chat.allocate_message_id(),
        date=call.now(),
        chat=chat.to_chat(),
        from_user=call.bot.user,
        reply_markup=markup,
        reply_to_message=reply_to,
        **fields,
    )
    chat.messages[message.message_id] = StoredMessage(
        message=message,
        kind=kind,
        raw_text=raw_text,
        parse_mode=parse_mode,
        sent_by_bot=call.bot.id,
    )
    return message.to_dict()


def _caption_fields(call: Call) -> tuple[dict[str, Any], str | None, str | None]:
    raw_caption = call.params.optional_str("caption")
    parse_mode = call.params.optional_str("parse_mode")
    if raw_caption is None:
        return {}, None, parse_mode
    formatted: FormattedText = parse_message_text(
        raw_caption, parse_mode, call.params.optional_json("caption_entities")
    )
    check_text_length(formatted, caption=True)
    fields = {"caption": formatted.text, "caption_entities": formatted.entities or None}
    return fields, raw_caption, parse_mode


def _input_file(call: Call, name: str, folder: str) -> StoredFile:
    """Return the file a send method refers to, storing uploads and URLs as new files."""
    given = call.params.input_file(name)
    world = call.world
    if given is None or given == "":
        raise bad_request(f"there is no {name} in the request")
    if isinstance(given, UploadedFile):
        path = f"{folder}/file_{world.next_serial()}_{given.filename}"
        return store_file(world, path, given.filename, given.content_type, given.content)
    if given in world.files:
        return world.files[given]
    if urlparse(given).scheme in {"http", "https"}:
        file_name = urlparse(given).path.rsplit("/", 1)[-1] or None
        return store_file(world, f"{folder}/file_{world.next_serial()}", file_name, None, b"")
    raise bad_request("wrong file identifier/HTTP URL specified")


def _reply_markup(params: Params) -> InlineKeyboardMarkup | None:
    """Return the inline keyboard in ``reply_markup`` (other keyboards are not shown back)."""
    raw = params.optional_json("reply_markup")
    if not isinstance(raw, dict) or "inline_keyboard" not in raw:
        return None
    try:
        markup = InlineKeyboardMarkup.de_json(raw, None)
    except (TypeError, KeyError, ValueError):
        raise bad_request("can't parse reply keyboard markup JSON object") from None
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and not 1 <= len(data.encode()) <= _MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _replace_markup(data: dict[str, Any], markup: InlineKeyboardMarkup | None) -> None:
    if markup is None:
        data.pop("reply_markup", None)
    else:
        data["reply_markup"] = markup.to_dict()


def _reply_target(call: Call, chat: ChatState) -> Message | None:
    """Return the message the bot replies to (``reply_parameters`` or legacy id), if any."""
    reply = call.params.optional_json("reply_parameters")
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        tolerant = bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = call.params.optional_int("reply_to_message_id")
        tolerant = call.params.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    stored = chat.messages.get(int(message_id))
    if stored is None:
        if tolerant:
            return None
        raise bad_request("message to be replied not found")
    replied = stored.message
    if replied.reply_to_message is None:
        return replied
    data = replied.to_dict()
    data.pop("reply_to_message", None)
    return Message.de_json(data, None)


def _editable_message(call: Call) -> tuple[ChatState, StoredMessage]:
    if "inline_message_id" in call.params:
        raise bad_request("inline messages are not supported by the sandbox")
    chat = _writable_chat(call)
    stored = chat.messages.get(call.params.required_int("message_id"))
    if stored is None:
        raise bad_request("message to edit not found")
    if stored.sent_by_bot != call.bot.id:
        raise bad_request("message can't be edited")
    return chat, stored
