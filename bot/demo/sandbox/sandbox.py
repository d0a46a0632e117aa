"""The humans' side of the sandbox: create users and groups, post, press buttons, inspect."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    Document,
    InlineKeyboardMarkup,
    Message,
    MessageOrigin,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    PhotoSize,
    Update,
    User,
)

from bot.demo.sandbox.errors import BotApiError, SandboxUsageError, too_many_requests
from bot.demo.sandbox.records import (
    CallbackAnswer,
    RateLimit,
    RecordedCall,
    SentMessage,
    StoredFile,
)
from bot.demo.sandbox.text import detect_entities
from bot.demo.sandbox.updates import UpdateQueue
from bot.demo.sandbox.webhook import KEEP_SECRET, deliver_webhook
from bot.demo.sandbox.world import (
    ACTIVE_STATUSES,
    ADMIN_STATUSES,
    GROUP_ANONYMOUS_BOT,
    MEMBER_STATUSES,
    BotState,
    ChatState,
    Clock,
    MemberState,
    StoredMessage,
    World,
    member_update,
    require_aware,
    scope_key,
    store_file,
    utc_now,
)

_TOKEN = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
_FIRST_USER_ID = 7_000_000_001
_FIRST_BASIC_GROUP_ID = -4_000_000_001
_FIRST_SUPERGROUP_ID = -1_002_000_000_001


class HasId(Protocol):
    """Anything with an integer ``id``, such as a ``telegram.User`` or ``telegram.Chat``."""

    @property
    def id(self) -> int: ...


Ref = HasId | int
"""A user or chat given as the object the sandbox returned, or as its id."""


def _id_of(ref: Ref) -> int:
    return ref if isinstance(ref, int) else ref.id


class Sandbox:
    """A simulated Telegram: play members and admins; the bot talks to it via ``SandboxServer``.

    Every method that makes something happen (``post``, ``press``...) queues the updates the
    real Telegram would send to each bot, so a polling bot sees them on its next getUpdates.
    """

    def __init__(self, clock: Clock = utc_now, *, rate_limit: RateLimit | None = None) -> None:
        self.world = World(clock=clock, rate_limit=rate_limit)
        self._next_user_id = _FIRST_USER_ID
        self._next_group_id = _FIRST_BASIC_GROUP_ID
        self._next_supergroup_id = _FIRST_SUPERGROUP_ID

    # ------------------------------------------------------------------------------- setup

    def add_bot(
        self,
        token: str = "123456:TEST-token",
        username: str = "fingertip_bot",
        *,
        first_name: str = "Fingertip",
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        supports_inline_queries: bool = False,
    ) -> User:
        """Register a bot account served under ``token``; return its user.

        The bot's id is the number before the colon, as with real tokens.
        ``can_read_all_group_messages=False`` is privacy mode: in groups where the bot is not an
        admin it only receives commands, replies to its messages and service messages.
        """
        match = _TOKEN.match(token)
        if match is None:
            raise SandboxUsageError(
                f"Token {token!r} is not shaped like a bot token; use e.g. '123456:TEST-token'."
            )
        if token in self.world.bots:
            raise SandboxUsageError(f"A bot with token {token!r} already exists.")
        user = User(id=int(match.group(1)), first_name=first_name, is_bot=True, username=username)
        if user.id in self.world.users:
            raise SandboxUsageError(f"User id {user.id} is taken; use another token number.")
        self.world.users[user.id] = user
        self.world.bots[token] = BotState(
            user=user,
            token=token,
            can_join_groups=can_join_groups,
            can_read_all_group_messages=can_read_all_group_messages,
            supports_inline_queries=supports_inline_queries,
            updates=UpdateQueue(first_update_id=100_000 * len(self.world.bots) + 1),
        )
        return user

    def set_privacy(self, can_read_all_group_messages: bool, *, bot: Ref | None = None) -> None:
        """Switch the bot's privacy mode, like /setprivacy in BotFather."""
        self._bot(bot).can_read_all_group_messages = can_read_all_group_messages

    def add_user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
        is_bot: bool = False,
        user_id: int | None = None,
    ) -> User:
        """Create a Telegram user and return it."""
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id in self.world.users:
            raise SandboxUsageError(f"User id {user_id} is taken; omit user_id to get a new one.")
        user = User(
            id=user_id,
            first_name=first_name,
            is_bot=is_bot,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.world.users[user_id] = user
        return user

    def create_group(
        self,
        title: str,
        *,
        owner: Ref,
        supergroup: bool = False,
        username: str | None = None,
        members: Iterable[Ref] = (),
    ) -> Chat:
        """Create a group (or supergroup) owned by ``owner`` with ``members``; return the chat."""
        if supergroup:
            chat_id = self._next_supergroup_id
            self._next_supergroup_id -= 1
        else:
            chat_id = self._next_group_id
            self._next_group_id -= 1
        chat = ChatState(
            id=chat_id,
            type=Chat.SUPERGROUP if supergroup else Chat.GROUP,
            title=title,
            username=username,
        )
        self.world.chats[chat_id] = chat
        self.add_member(chat_id, owner, status="creator")
        for member in members:
            self.add_member(chat_id, member)
        return chat.to_chat()

    def add_member(
        self, chat: Ref, user: Ref, status: str = "member", *, anonymous: bool = False
    ) -> None:
        """Set ``user``'s status in ``chat`` silently (test setup: no updates are queued).

        ``anonymous=True`` makes an administrator or creator post as the group.
        Use ``set_status`` for a change the bots should hear about.
        """
        state = self._group(chat)
        self._check_status(status)
        person = self.world.user(_id_of(user))
        if self.world.bot_by_id(person.id) is not None and status in ACTIVE_STATUSES:
            raise SandboxUsageError(
                "Bots join groups with add_bot_to_group(), which sends the bot its "
                "my_chat_member update."
            )
        state.members[person.id] = MemberState(person.id, status, is_anonymous=anonymous)

    def set_status(
        self,
        chat: Ref,
        user: Ref,
        status: str,
        *,
        by: Ref,
        anonymous: bool = False,
        at: datetime | None = None,
    ) -> None:
        """Change a member's status as ``by`` did it, queueing member updates.

        A served bot whose status changes gets ``my_chat_member``; admin bots in the chat get
        ``chat_member`` (delivered only if they asked for it in allowed_updates).
        """
        state = self._group(chat)
        self._check_status(status)
        person = self.world.user(_id_of(user))
        actor = self.world.user(_id_of(by))
        moment = self._moment(at)
        old = state.status_of(person.id)
        state.members[person.id] = MemberState(person.id, status, is_anonymous=anonymous)
        change = member_update(state, actor, person, old, status, moment, anonymous=anonymous)
        changed_bot = self.world.bot_by_id(person.id)
        if changed_bot is not None:
            changed_bot.updates.push("my_chat_member", change)
        for bot in self.world.bots.values():
            if bot is not changed_bot and state.status_of(bot.id) in ADMIN_STATUSES:
                bot.updates.push("chat_member", change)

    def add_bot_to_group(
        self, chat: Ref, *, by: Ref, as_admin: bool = False, bot: Ref | None = None
    ) -> None:
        """Add the bot to ``chat`` as ``by``: queues my_chat_member and new_chat_members."""
        served = self._bot(bot)
        state = self._group(chat)
        if not served.can_join_groups:
            raise SandboxUsageError(
                "This bot was created with can_join_groups=False, so it cannot be added."
            )
        actor = self._active_member(state, by)
        status = "administrator" if as_admin else "member"
        self.set_status(state.id, served.user, status, by=actor)
        self._deliver(state, self._service(state, actor, new_chat_members=(served.user,)))

    def remove_bot_from_group(self, chat: Ref, *, by: Ref, bot: Ref | None = None) -> None:
        """Remove the bot from ``chat`` as ``by`` (``kicked`` in supergroups, else ``left``)."""
        served = self._bot(bot)
        state = self._group(chat)
        actor = self._active_member(state, by)
        status = "kicked" if state.type == Chat.SUPERGROUP else "left"
        self.set_status(state.id, served.user, status, by=actor)
        self._deliver(state, self._service(state, actor, left_chat_member=served.user))

    def block_bot(self, user: Ref, *, bot: Ref | None = None) -> None:
        """Make ``user`` block the bot: sending to them answers 403 until they write again."""
        self._bot(bot).blocked_by.add(_id_of(user))

    def fail_next(
        self, method: str, *, status: int = 502, retry_after: int = 1, times: int = 1
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail without effect, as Telegram sometimes
        does: 429 with ``retry_after``, or a 5xx (502 Bad Gateway by default)."""
        if status == 429:
            failure = too_many_requests(retry_after)
        elif 500 <= status < 600:
            failure = BotApiError(
                status, "Bad Gateway" if status == 502 else "Internal Server Error"
            )
        else:
            raise SandboxUsageError("fail_next injects 429 or 5xx answers only.")
        self.world.failures.setdefault(method.lower(), []).extend([failure] * times)

    def set_rate_limit(self, limit: RateLimit | None) -> None:
        """Limit sending calls per chat (429 with retry_after when exceeded); None turns it off."""
        self.world.rate_limit = limit

    # ------------------------------------------------------------------------------ playing

    def post(
        self,
        chat: Ref,
        sender: Ref,
        text: str | None = None,
        *,
        at: datetime | None = None,
        reply_to: Message | SentMessage | int | None = None,
        forward_from: User | Chat | str | None = None,
        forward_date: datetime | None = None,
        caption: str | None = None,
        photo: bool = False,
        document: tuple[str, bytes] | None = None,
        sender_chat: Ref | None = None,
    ) -> Message:
        """Post a message in a group as ``sender`` and return it.

        ``at`` is the message date (aware; default: the clock). ``sender_chat=the group`` posts
        as an anonymous admin (``from`` is GroupAnonymousBot). ``forward_from`` is a user, chat
        or hidden user's name. ``photo=True`` or ``document=(name, content)`` send media with an
        optional ``caption``. Commands, mentions and URLs get entities like a real client adds.
        """
        state = self._group(chat)
        author = self._active_member(state, sender)
        moment = self._moment(at)
        from_user, on_behalf = author, None
        if sender_chat is not None:
            if _id_of(sender_chat) != state.id or state.status_of(author.id) not in ADMIN_STATUSES:
                raise SandboxUsageError(
                    "Only an admin can post as the group: pass sender_chat=<this group> and an "
                    "administrator or creator as sender."
                )
            from_user, on_behalf = GROUP_ANONYMOUS_BOT, state.to_chat()
        message = self._compose(
            state,
            from_user,
            moment,
            text=text,
            caption=caption,
            photo=photo,
            document=document,
            reply_to=reply_to,
            sender_chat=on_behalf,
            forward_origin=self._origin(forward_from, forward_date or moment),
        )
        self._deliver(state, message)
        return message

    def command(self, chat: Ref, sender: Ref, text: str, *, at: datetime | None = None) -> Message:
        """Post a command (``/name args`` or ``/name@bot args``) in a group and return it."""
        if not text.startswith("/"):
            raise SandboxUsageError(f"A command starts with '/'; got {text!r}.")
        return self.post(chat, sender, text, at=at)

    def edit(
        self, chat: Ref, message_id: int, new_text: str, *, at: datetime | None = None
    ) -> Message:
        """Edit a member's message (text or caption) and queue ``edited_message``."""
        state = self.world.chat(_id_of(chat))
        stored = self._stored(state, message_id)
        if stored.sent_by_bot is not None:
            raise SandboxUsageError("Members cannot edit the bot's messages; edit your own.")
        data = stored.message.to_dict()
        field = "text" if stored.message.text is not None else "caption"
        data[field] = new_text
        data["entities" if field == "text" else "caption_entities"] = [
            entity.to_dict() for entity in detect_entities(new_text)
        ]
        data["edit_date"] = int(self._moment(at).timestamp())
        edited = Message.de_json(data, None)
        stored.message = edited
        stored.edit_count += 1
        if state.type == Chat.PRIVATE:
            for bot in self.world.bots.values():
                if state.id in bot.started_by:
                    bot.updates.push("edited_message", edited)
        else:
            self.world.deliver_message(state, edited, edited=True)
        return edited

    def private(
        self, user: Ref, text: str, *, bot: Ref | None = None, at: datetime | None = None
    ) -> Message:
        """Send ``text`` to the bot in a private chat (starting the chat) and return it."""
        served = self._bot(bot)
        person = self.world.user(_id_of(user))
        state = self.world.chats.get(person.id)
        if state is None:
            state = ChatState(id=person.id, type=Chat.PRIVATE, private_user=person)
            self.world.chats[person.id] = state
        served.started_by.add(person.id)
        served.blocked_by.discard(person.id)
        message = self._compose(state, person, self._moment(at), text=text)
        served.updates.push("message", message)
        return message

    def press(
        self, user: Ref, message: Message | SentMessage, callback_data: str
    ) -> CallbackQuery:
        """Press the inline button with ``callback_data`` on a bot message; queue the query."""
        state = self.world.chat(message.chat_id)
        stored = self._stored(state, message.message_id)
        person = self.world.user(_id_of(user))
        if state.type == Chat.PRIVATE:
            if person.id != state.id:
                raise SandboxUsageError("Only the user of a private chat can press its buttons.")
        elif state.status_of(person.id) not in ACTIVE_STATUSES:
            raise SandboxUsageError(f"{person.first_name} is not a member of this chat.")
        served = self.world.bot_by_id(stored.sent_by_bot) if stored.sent_by_bot else None
        markup = stored.message.reply_markup
        if served is None or not isinstance(markup, InlineKeyboardMarkup):
            raise SandboxUsageError("That message has no inline keyboard sent by a bot.")
        buttons = [button.callback_data for row in markup.inline_keyboard for button in row]
        if callback_data not in buttons:
            raise SandboxUsageError(
                f"No button with callback_data {callback_data!r}; the keyboard has {buttons!r}."
            )
        query_id = str(4_000_000_000_000 + self.world.next_serial())
        query = CallbackQuery(
            id=query_id,
            from_user=person,
            chat_instance=_chat_instance(state.id, served.id),
            message=stored.message,
            data=callback_data,
        )
        self.world.callback_queries[query_id] = served.id
        served.updates.push("callback_query", query)
        return query

    def migrate_to_supergroup(
        self, chat: Ref, *, by: Ref | None = None, at: datetime | None = None
    ) -> Chat:
        """Upgrade a basic group to a supergroup; return the new supergroup.

        Queues the service messages Telegram sends: ``migrate_to_chat_id`` in the old group and
        ``migrate_from_chat_id`` in the new one. Members and statuses carry over; sending to the
        old id afterwards answers 400 with ``migrate_to_chat_id`` (PTB's ChatMigrated).
        """
        old = self._group(chat)
        if old.type != Chat.GROUP or old.migrated_to is not None:
            raise SandboxUsageError("Only a basic group that was not migrated yet can migrate.")
        actor = self._migrating_admin(old, by)
        moment = self._moment(at)
        new_id = self._next_supergroup_id
        self._next_supergroup_id -= 1
        new = ChatState(
            id=new_id,
            type=Chat.SUPERGROUP,
            title=old.title,
            username=old.username,
            members={
                user_id: MemberState(member.user_id, member.status, member.is_anonymous)
                for user_id, member in old.members.items()
            },
            migrated_from=old.id,
        )
        self.world.chats[new_id] = new
        self._deliver(old, self._service(old, actor, moment, migrate_to_chat_id=new_id))
        old.migrated_to = new_id
        self._deliver(new, self._service(new, actor, moment, migrate_from_chat_id=old.id))
        return new.to_chat()

    async def deliver_webhook(
        self, *, bot: Ref | None = None, secret_token: str | object | None = KEEP_SECRET
    ) -> list[int]:
        """POST pending updates to the bot's webhook in order; return the HTTP statuses.

        An update is confirmed when the webhook answers 2xx; delivery stops at the first other
        status, leaving that update pending. ``secret_token`` overrides the header sent (None
        omits it) to test that the bot rejects forged requests.
        """
        return await deliver_webhook(self._bot(bot), secret_token=secret_token)

    # ---------------------------------------------------------------------------- inspecting

    def sent_to(self, chat: Ref) -> list[SentMessage]:
        """Return the messages bots sent to ``chat`` still there, oldest first, as now edited."""
        state = self.world.chat(_id_of(chat))
        return [
            SentMessage(
                chat_id=state.id,
                message_id=message_id,
                kind=stored.kind,
                text=stored.raw_text,
                parse_mode=stored.parse_mode,
                reply_markup=_inline_markup(stored.message),
                message=stored.message,
                edit_count=stored.edit_count,
            )
            for message_id, stored in sorted(state.messages.items())
            if stored.sent_by_bot is not None
        ]

    def calls(self, method: str | None = None, *, chat: Ref | None = None) -> list[RecordedCall]:
        """Return recorded Bot API calls, optionally only one method's and/or one chat's."""
        chat_id = None if chat is None else _id_of(chat)
        return [
            call
            for call in self.world.calls
            if (method is None or call.method.lower() == method.lower())
            and (chat_id is None or call.chat_id == chat_id)
        ]

    def message(self, chat: Ref, message_id: int) -> Message:
        """Return the current state of a message in a chat."""
        return self._stored(self.world.chat(_id_of(chat)), message_id).message

    def pending_updates(self, *, bot: Ref | None = None) -> list[Update]:
        """Return the updates queued for the bot and not yet confirmed."""
        return [item.update for item in self._bot(bot).updates.pending]

    def commands(
        self,
        *,
        bot: Ref | None = None,
        scope: dict[str, Any] | None = None,
        language_code: str = "",
    ) -> list[BotCommand]:
        """Return the commands the bot set for ``scope`` (default scope if None) and language."""
        key = (scope_key(scope), language_code)
        return [
            BotCommand(item["command"], item["description"])
            for item in self._bot(bot).commands.get(key, [])
        ]

    def callback_answer(self, query: CallbackQuery | str) -> CallbackAnswer | None:
        """Return how the bot answered a pressed button, or None if it has not answered."""
        query_id = query if isinstance(query, str) else query.id
        return self.world.callback_answers.get(query_id)

    def member_status(self, chat: Ref, user: Ref) -> str:
        """Return the status of ``user`` in ``chat`` (``"left"`` if never a member)."""
        return self.world.chat(_id_of(chat)).status_of(_id_of(user))

    def webhook(self, *, bot: Ref | None = None) -> tuple[str | None, str | None]:
        """Return the bot's webhook URL and secret token (None, None when not set)."""
        served = self._bot(bot)
        return served.webhook_url, served.webhook_secret

    # ------------------------------------------------------------------------------ helpers

    def bot_state(self, bot: Ref | None = None) -> BotState:
        """Return the state of a served bot (the only one when ``bot`` is None)."""
        return self._bot(bot)

    def _bot(self, bot: Ref | None) -> BotState:
        if bot is None:
            if len(self.world.bots) != 1:
                raise SandboxUsageError(
                    "Pass bot=... : the sandbox serves "
                    f"{len(self.world.bots)} bots, so there is no default one."
                )
            return next(iter(self.world.bots.values()))
        served = self.world.bot_by_id(_id_of(bot))
        if served is None:
            raise SandboxUsageError(f"{_id_of(bot)} is not a bot added with add_bot().")
        return served

    def _group(self, chat: Ref) -> ChatState:
        state = self.world.chat(_id_of(chat))
        if state.type == Chat.PRIVATE:
            raise SandboxUsageError(
                "That is a private chat; use private() to write to the bot there."
            )
        if state.migrated_to is not None:
            raise SandboxUsageError(
                f"The group migrated to supergroup {state.migrated_to}; use the new chat."
            )
        return state

    def _active_member(self, state: ChatState, user: Ref) -> User:
        person = self.world.user(_id_of(user))
        if state.status_of(person.id) not in ACTIVE_STATUSES:
            raise SandboxUsageError(
                f"{person.first_name} is not a member of {state.title!r}; call add_member first."
            )
        return person

    def _migrating_admin(self, state: ChatState, by: Ref | None) -> User:
        if by is not None:
            return self._active_member(state, by)
        owner = next(
            (member.user_id for member in state.members.values() if member.status == "creator"),
            None,
        )
        if owner is None:
            raise SandboxUsageError("The group has no creator; pass by=<an admin>.")
        return self.world.user(owner)

    def _stored(self, state: ChatState, message_id: int) -> StoredMessage:
        try:
            return state.messages[message_id]
        except KeyError:
            raise SandboxUsageError(
                f"No message {message_id} in chat {state.id} (deleted, or never sent)."
            ) from None

    def _moment(self, at: datetime | None) -> datetime:
        return self.world.now() if at is None else require_aware(at, "at")

    @staticmethod
    def _check_status(status: str) -> None:
        if status not in MEMBER_STATUSES:
            raise SandboxUsageError(
                f"Unknown member status {status!r}; use one of {sorted(MEMBER_STATUSES)}."
            )

    def _deliver(self, state: ChatState, message: Message) -> None:
        self.world.deliver_message(state, message)

    def _service(
        self, state: ChatState, actor: User, at: datetime | None = None, **fields: Any
    ) -> Message:
        message = Message(
            message_id=state.allocate_message_id(),
            date=self._moment(at),
            chat=state.to_chat(),
            from_user=actor,
            **fields,
        )
        state.messages[message.message_id] = _stored(message, "service")
        return message

    def _compose(
        self,
        state: ChatState,
        from_user: User,
        moment: datetime,
        *,
        text: str | None = None,
        caption: str | None = None,
        photo: bool = False,
        document: tuple[str, bytes] | None = None,
        reply_to: Message | SentMessage | int | None = None,
        sender_chat: Chat | None = None,
        forward_origin: MessageOrigin | None = None,
    ) -> Message:
        has_media = photo or document is not None
        if (text is None) == (not has_media) or (caption is not None and not has_media):
            raise SandboxUsageError(
                "Pass either text, or photo=True / document=(name, bytes) with an optional "
                "caption."
            )
        fields: dict[str, Any] = {}
        if text is not None:
            fields["text"] = text
            fields["entities"] = detect_entities(text)
        if caption is not None:
            fields["caption"] = caption
            fields["caption_entities"] = detect_entities(caption)
        if photo:
            fields["photo"] = self._member_photo()
        if document is not None:
            fields["document"] = self._member_document(*document)
        if reply_to is not None:
            fields["reply_to_message"] = self._reply_target(state, reply_to)
        message = Message(
            message_id=state.allocate_message_id(),
            date=moment,
            chat=state.to_chat(),
            from_user=from_user,
            sender_chat=sender_chat,
            forward_origin=forward_origin,
            **fields,
        )
        kind = "photo" if photo else "document" if document else "text"
        state.messages[message.message_id] = _stored(message, kind)
        return message

    def _reply_target(self, state: ChatState, reply_to: Message | SentMessage | int) -> Message:
        message_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
        replied: Message = self._stored(state, message_id).message
        if replied.reply_to_message is None:
            return replied
        # Telegram nests replies one level deep only.
        data = replied.to_dict()
        data.pop("reply_to_message", None)
        return Message.de_json(data, None)

    def _origin(
        self, forward_from: User | Chat | str | None, moment: datetime
    ) -> MessageOrigin | None:
        if forward_from is None:
            return None
        if isinstance(forward_from, str):
            return MessageOriginHiddenUser(date=moment, sender_user_name=forward_from)
        if isinstance(forward_from, User):
            return MessageOriginUser(date=moment, sender_user=forward_from)
        return MessageOriginChat(date=moment, sender_chat=forward_from)

    def _member_photo(self) -> tuple[PhotoSize, ...]:
        sizes = []
        for side in (90, 320, 1280):
            stored = self._store_file(f"photos/file_{self.world.next_serial()}.jpg", None, b"")
            sizes.append(
                PhotoSize(
                    file_id=stored.file_id,
                    file_unique_id=stored.file_unique_id,
                    width=side,
                    height=side,
                    file_size=side * side // 10,
                )
            )
        return tuple(sizes)

    def _member_document(self, name: str, content: bytes) -> Document:
        stored = self._store_file(
            f"documents/file_{self.world.next_serial()}_{name}", name, content
        )
        return Document(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            file_name=name,
            mime_type="application/octet-stream",
            file_size=stored.size,
        )

    def _store_file(self, path: str, name: str | None, content: bytes) -> StoredFile:
        return store_file(self.world, path, name, None, content)


def _chat_instance(chat_id: int, bot_id: int) -> str:
    return str(int(hashlib.sha256(f"{chat_id}/{bot_id}".encode()).hexdigest()[:15], 16))


def _inline_markup(message: Message) -> InlineKeyboardMarkup | None:
    markup = message.reply_markup
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


def _stored(message: Message, kind: str) -> StoredMessage:
    return StoredMessage(message=message, kind=kind)
