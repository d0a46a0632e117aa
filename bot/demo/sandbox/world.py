"""The in-memory Telegram the sandbox simulates: users, chats, members, messages and bots.

``World`` holds state and the rules both sides share (who may see which message, what a chat
member looks like); ``Sandbox`` plays the humans and ``methods`` answers the bot.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import (
    Chat,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberUpdated,
    Message,
    MessageEntity,
    User,
)

from bot.demo.sandbox.errors import BotApiError, SandboxUsageError
from bot.demo.sandbox.records import (
    GROUP_ANONYMOUS_BOT_ID,
    CallbackAnswer,
    RateLimit,
    RecordedCall,
    StoredFile,
)
from bot.demo.sandbox.updates import UpdateQueue

Clock = Callable[[], datetime]
"""A callable returning the current time as a timezone-aware datetime."""

MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})
ACTIVE_STATUSES = frozenset({"creator", "administrator", "member"})
ADMIN_STATUSES = frozenset({"creator", "administrator"})

GROUP_ANONYMOUS_BOT = User(
    id=GROUP_ANONYMOUS_BOT_ID, first_name="Group", is_bot=True, username="GroupAnonymousBot"
)


def utc_now() -> datetime:
    """Return the real current time in UTC (the sandbox's default clock)."""
    return datetime.now(UTC)


def require_aware(moment: datetime, what: str) -> datetime:
    """Return ``moment`` if it carries a timezone; a naive datetime is a usage error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise SandboxUsageError(
            f"{what} is a naive datetime; pass an aware one, e.g. with tzinfo=ZoneInfo(...)."
        )
    return moment


@dataclass
class MemberState:
    """One user's standing in one chat."""

    user_id: int
    status: str
    is_anonymous: bool = False


@dataclass
class StoredMessage:
    """A message in a chat, plus what only the sandbox knows about how the bot sent it."""

    message: Message
    kind: str = "text"
    raw_text: str | None = None
    parse_mode: str | None = None
    sent_by_bot: int | None = None
    edit_count: int = 0


@dataclass
class ChatState:
    """A private chat, group or supergroup."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    private_user: User | None = None
    members: dict[int, MemberState] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None
    migrated_from: int | None = None

    def to_chat(self) -> Chat:
        """Return the chat as the Bot API's ``Chat`` object."""
        if self.private_user is not None:
            return Chat(
                id=self.id,
                type=Chat.PRIVATE,
                first_name=self.private_user.first_name,
                last_name=self.private_user.last_name,
                username=self.private_user.username,
            )
        return Chat(id=self.id, type=self.type, title=self.title, username=self.username)

    def status_of(self, user_id: int) -> str:
        """Return the member status of ``user_id`` here; ``"left"`` if never a member."""
        member = self.members.get(user_id)
        return member.status if member else "left"

    def allocate_message_id(self) -> int:
        """Return the next message id of this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class BotState:
    """A bot account served by the sandbox, with its queue, webhook and settings."""

    user: User
    token: str
    can_join_groups: bool
    can_read_all_group_messages: bool
    supports_inline_queries: bool
    updates: UpdateQueue
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_max_connections: int = 40
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    started_by: set[int] = field(default_factory=set)
    blocked_by: set[int] = field(default_factory=set)
    recent_sends: dict[int, list[datetime]] = field(default_factory=dict)
    profile: dict[tuple[str, str], Any] = field(default_factory=dict)

    @property
    def id(self) -> int:
        """The bot's user id."""
        return self.user.id


class World:
    """All sandbox state; methods enforce the Telegram rules both sides rely on."""

    def __init__(self, clock: Clock = utc_now, rate_limit: RateLimit | None = None) -> None:
        self.clock = clock
        self.rate_limit = rate_limit
        self.users: dict[int, User] = {GROUP_ANONYMOUS_BOT_ID: GROUP_ANONYMOUS_BOT}
        self.chats: dict[int, ChatState] = {}
        self.bots: dict[str, BotState] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, int] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.calls: list[RecordedCall] = []
        self.failures: dict[str, list[BotApiError]] = {}
        self._ids: Iterator[int] = itertools.count(1)

    def take_failure(self, method: str) -> BotApiError | None:
        """The next injected failure of ``method`` (lower-case), consumed; None when none left."""
        queued = self.failures.get(method)
        return queued.pop(0) if queued else None

    def now(self) -> datetime:
        """Return the injected clock's time, refusing a naive one."""
        return require_aware(self.clock(), "The sandbox clock's time")

    def next_serial(self) -> int:
        """Return a fresh number for ids that only need to be unique."""
        return next(self._ids)

    def user(self, user_id: int) -> User:
        """Return the user with ``user_id``; an unknown id is a usage error."""
        try:
            return self.users[user_id]
        except KeyError:
            raise SandboxUsageError(
                f"No user with id {user_id}; create one with add_user() first."
            ) from None

    def chat(self, chat_id: int) -> ChatState:
        """Return the chat with ``chat_id``; an unknown id is a usage error."""
        try:
            return self.chats[chat_id]
        except KeyError:
            raise SandboxUsageError(
                f"No chat with id {chat_id}; create it with create_group() or private()."
            ) from None

    def bot_by_id(self, user_id: int) -> BotState | None:
        """Return the served bot whose user id is ``user_id``, if any."""
        return next((bot for bot in self.bots.values() if bot.id == user_id), None)

    def chat_member(self, chat: ChatState, user_id: int) -> ChatMember:
        """Return the Bot API ``ChatMember`` of ``user_id`` in ``chat`` (``left`` if absent)."""
        user = self.user(user_id)
        member = chat.members.get(user_id)
        return build_chat_member(user, member.status if member else "left", member)

    def deliver_message(self, chat: ChatState, message: Message, *, edited: bool = False) -> None:
        """Queue ``message`` for every bot in ``chat`` that Telegram would show it to."""
        kind = "edited_message" if edited else "message"
        for bot in self.bots.values():
            if self.bot_sees(bot, chat, message):
                bot.updates.push(kind, message)

    def bot_sees(self, bot: BotState, chat: ChatState, message: Message) -> bool:
        """Whether Telegram delivers ``message`` in ``chat`` to ``bot``.

        Bots never see messages of bots the sandbox serves (their own included); in groups a
        bot in privacy mode that is not an admin sees only commands meant for it, replies to
        its messages and service messages.
        """
        sender = message.from_user
        if sender is not None and self.bot_by_id(sender.id) is not None:
            return False
        if chat.type == Chat.PRIVATE:
            return False  # private messages are addressed to one bot explicitly
        status = chat.status_of(bot.id)
        if status not in ACTIVE_STATUSES:
            return False
        if bot.can_read_all_group_messages or status in ADMIN_STATUSES:
            return True
        return _is_service(message) or _is_meant_for(message, bot)

    def record_send(self, bot: BotState, chat_id: int) -> int | None:
        """Count a sending call against the rate limit; return retry_after if it is exceeded."""
        if self.rate_limit is None:
            return None
        now = self.now()
        window_start = now - self.rate_limit.per
        sends = [moment for moment in bot.recent_sends.get(chat_id, []) if moment > window_start]
        if len(sends) >= self.rate_limit.messages:
            wait = (sends[0] + self.rate_limit.per - now).total_seconds()
            bot.recent_sends[chat_id] = sends
            return max(1, int(-(-wait // 1)))
        sends.append(now)
        bot.recent_sends[chat_id] = sends
        return None


def build_chat_member(user: User, status: str, member: MemberState | None = None) -> ChatMember:
    """Return the Bot API ``ChatMember`` subclass for ``status``."""
    anonymous = bool(member and member.is_anonymous)
    if status == "creator":
        return ChatMemberOwner(user=user, is_anonymous=anonymous)
    if status == "administrator":
        return ChatMemberAdministrator(
            user=user,
            can_be_edited=False,
            is_anonymous=anonymous,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
        )
    if status == "member":
        return ChatMemberMember(user=user)
    if status == "kicked":
        return ChatMemberBanned(user=user, until_date=datetime.fromtimestamp(0, UTC))
    return ChatMemberLeft(user=user)


def member_update(
    chat: ChatState, by: User, user: User, old: str, new: str, at: datetime, *, anonymous: bool
) -> ChatMemberUpdated:
    """Return the ``ChatMemberUpdated`` describing ``user`` going from ``old`` to ``new``."""
    member = MemberState(user.id, new, is_anonymous=anonymous)
    return ChatMemberUpdated(
        chat=chat.to_chat(),
        from_user=by,
        date=at,
        old_chat_member=build_chat_member(user, old),
        new_chat_member=build_chat_member(user, new, member),
    )


_FALSE_SERVICE_FLAGS = frozenset(
    {"channel_chat_created", "delete_chat_photo", "group_chat_created", "supergroup_chat_created"}
)


def api_json(value: Any) -> Any:
    """Return ``value`` (PTB's ``to_dict()`` output) the way Telegram sends it.

    PTB fills boolean service flags with False; Telegram only sends them when true.
    """
    if isinstance(value, dict):
        return {
            key: api_json(item)
            for key, item in value.items()
            if not (key in _FALSE_SERVICE_FLAGS and item is False)
        }
    if isinstance(value, list):
        return [api_json(item) for item in value]
    return value


def store_file(
    world: World, path: str, name: str | None, mime_type: str | None, content: bytes
) -> StoredFile:
    """Register a file in the world and return it with fresh file ids."""
    serial = world.next_serial()
    digest = hashlib.sha256(f"{serial}:{path}".encode()).hexdigest()
    stored = StoredFile(
        file_id=f"BQACAgIAAx{digest[:40]}",
        file_unique_id=f"AgAD{digest[40:52]}",
        file_path=path,
        file_name=name,
        mime_type=mime_type,
        content=content,
    )
    world.files[stored.file_id] = stored
    return stored


def scope_key(scope: dict[str, Any] | None) -> str:
    """Return the canonical key of a BotCommandScope (as JSON dict); None is the default."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True, separators=(",", ":"))


def _is_service(message: Message) -> bool:
    return bool(
        message.new_chat_members
        or message.left_chat_member
        or message.new_chat_title
        or message.migrate_to_chat_id
        or message.migrate_from_chat_id
        or message.group_chat_created
        or message.supergroup_chat_created
        or message.pinned_message
    )


def _is_meant_for(message: Message, bot: BotState) -> bool:
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    for entity, command in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        _, _, addressee = command.partition("@")
        if entity.offset == 0 and (
            not addressee or addressee.lower() == (bot.user.username or "").lower()
        ):
            return True
    return False
