"""Reads Telegram Desktop "Export chat history" JSON (``result.json``) without loading it whole.

Two shapes exist. A single-chat export is one object ``{name, type, id, messages}``; a full-account
export nests chats in ``chats.list`` and ``left_chats.list``. Both are streamed with ijson, so an
export of hundreds of megabytes costs one message of memory at a time.

Malformed message entries are skipped, not fatal: an entry that is not an object, has no
integer ``id``, is not of type ``message``/``service`` (Telegram writes ``unsupported`` for media
it cannot export), or has no readable date cannot be placed in time, so it cannot be audited.
Garbled optional fields (sender, text, media, reply) degrade to ``None``/``""`` instead.
``MessageStream.skipped`` counts the skipped entries.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, Self
from zoneinfo import ZoneInfo

import ijson

__all__ = [
    "ChatSummary",
    "ExportError",
    "ExportedMessage",
    "MessageStream",
    "list_chats",
    "read_chat",
]

_SECTIONS = ("chats", "left_chats")
_HEADER_KEYS = frozenset({"name", "type", "id"})
_SCALAR_EVENTS = frozenset({"string", "number", "boolean", "null"})
_MESSAGE_KINDS = frozenset({"message", "service"})
# Keys that carry media without a ``media_type``, in the order they are checked.
_MEDIA_KEYS = (
    ("photo", "photo"),
    ("file", "file"),
    ("poll", "poll"),
    ("contact_information", "contact"),
    ("place_name", "venue"),
    ("location_information", "location"),
    ("game_title", "game"),
    ("invoice_information", "invoice"),
)
_MAX_NAMES_SHOWN = 10


class ExportError(Exception):
    """The export cannot be read; the message says what is wrong and what to do about it."""


@dataclass(frozen=True)
class ChatSummary:
    """One chat of an export: its Telegram id (as written by the export), name and type."""

    id: int
    name: str
    type: str


@dataclass(frozen=True)
class ExportedMessage:
    """One message of an exported chat, flattened to what an audit needs."""

    id: int
    kind: str
    sent_at: datetime
    edited_at: datetime | None
    sender_id: str | None
    sender_name: str | None
    text: str
    media: str | None
    file_name: str | None
    forwarded_from: str | None
    reply_to_message_id: int | None
    via_bot: str | None
    action: str | None = None
    """For service messages, Telegram's action name (``invite_members``, ``pin_message``...)."""


@dataclass(frozen=True)
class _Location:
    """Where a chat's messages live: the top level (single-chat export) or a list position."""

    section: str | None
    index: int

    @property
    def messages_prefix(self) -> str:
        if self.section is None:
            return "messages.item"
        return f"{self.section}.list.item.messages.item"


@dataclass(frozen=True)
class _Layout:
    full_account: bool
    chats: tuple[tuple[ChatSummary, _Location], ...]


def _resolve(path: Path) -> Path:
    if path.is_dir():
        inner = path / "result.json"
        if inner.is_file():
            return inner
        raise ExportError(
            f"{path} is a folder without result.json; pass the folder of a Telegram Desktop "
            "JSON export or its result.json file"
        )
    if not path.exists():
        raise ExportError(
            f"{path} does not exist; pass the result.json of a Telegram Desktop export "
            "(Export chat history, format JSON) or its folder"
        )
    return path


def _open(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise ExportError(
            f"{path} cannot be opened ({error.strerror}); check that it is readable"
        ) from None


class _HeaderScan:
    """Collects chat headers (name, type, id) from parse events, skipping message bodies."""

    def __init__(self) -> None:
        self.top_keys: set[str] = set()
        self.headers: list[tuple[dict[str, Any], _Location]] = []
        self._counts = dict.fromkeys(_SECTIONS, 0)

    def feed(self, prefix: str, event: str, value: Any) -> None:
        if prefix == "" and event == "map_key":
            self.top_keys.add(value)
            if value == "messages" and not self.headers:
                self.headers.append(({}, _Location(None, 0)))
            return
        if event == "start_map":
            for section in _SECTIONS:
                if prefix == f"{section}.list.item":
                    location = _Location(section, self._counts[section])
                    self._counts[section] += 1
                    self.headers.append(({}, location))
            return
        if event not in _SCALAR_EVENTS:
            return
        head, _, key = prefix.rpartition(".")
        if key not in _HEADER_KEYS:
            return
        if head == "":
            if not self.headers:
                self.headers.append(({}, _Location(None, 0)))
            if self.headers[0][1].section is None:
                self.headers[0][0][key] = value
        elif self.headers and head == f"{self.headers[-1][1].section}.list.item":
            self.headers[-1][0][key] = value

    def single_header_complete(self) -> bool:
        """A single-chat export whose header is known once its messages begin: stop scanning."""
        if "messages" not in self.top_keys or not self.headers:
            return False
        header, location = self.headers[0]
        return location.section is None and {"type", "id"} <= header.keys()


def _summary(header: dict[str, Any], path: Path, location: _Location) -> ChatSummary:
    chat_id = header.get("id")
    if isinstance(chat_id, bool) or not isinstance(chat_id, int):
        where = "the chat" if location.section is None else f"chat #{location.index + 1}"
        raise ExportError(
            f"{path}: {where} has no numeric 'id'; the export looks damaged, export it again"
        )
    name, kind = header.get("name"), header.get("type")
    return ChatSummary(
        id=chat_id,
        name=name if isinstance(name, str) else "",
        type=kind if isinstance(kind, str) else "",
    )


def _scan(path: Path) -> _Layout:
    if path.stat().st_size == 0:
        raise ExportError(f"{path} is empty; pass a Telegram Desktop result.json")
    scan = _HeaderScan()
    started = False
    with _open(path) as stream:
        try:
            for prefix, event, value in ijson.parse(stream, use_float=True):
                if not started:
                    started = True
                    if event != "start_map":
                        raise ExportError(
                            f"{path} is not a Telegram Desktop export: it is JSON but not an "
                            "object with 'messages' or 'chats'"
                        )
                scan.feed(prefix, event, value)
                if scan.single_header_complete():
                    break
        except ijson.JSONError as error:
            if not scan.top_keys:
                raise ExportError(
                    f"{path} is not JSON ({_reason(error)}); pass the result.json written by "
                    "Telegram Desktop's Export chat history in JSON format"
                ) from None
            raise ExportError(
                f"{path} is cut off or corrupt ({_reason(error)}); export the chat again"
            ) from None
    if not started:
        raise ExportError(f"{path} is empty; pass a Telegram Desktop result.json")
    single = "messages" in scan.top_keys
    if not single and not scan.top_keys & set(_SECTIONS):
        raise ExportError(
            f"{path} is not a Telegram Desktop export: it has no 'messages' or 'chats' key"
        )
    chats = tuple(
        (_summary(header, path, location), location)
        for header, location in scan.headers
        if single == (location.section is None)
    )
    return _Layout(full_account=not single, chats=chats)


def _messages(count: int) -> str:
    return f"{count} message" if count == 1 else f"{count} messages"


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def list_chats(path: Path) -> list[ChatSummary]:
    """The chats of an export, in file order (``chats`` then ``left_chats``).

    A single-chat export lists its one chat. Raises ``ExportError`` for anything that is not a
    readable Telegram Desktop JSON export.
    """
    return [summary for summary, _ in _scan(_resolve(path)).chats]


def _matches_id(query: str, chat_id: int) -> bool:
    bare = str(abs(chat_id))
    return query in {str(chat_id), bare, f"-{bare}", f"-100{bare}"}


def _choose(layout: _Layout, chat: str | None, path: Path) -> tuple[ChatSummary, _Location]:
    chats = layout.chats
    if chat is None:
        if len(chats) == 1:
            return chats[0]
        if not chats:
            raise ExportError(f"{path} is a full-account export without any chats to read")
        raise ExportError(
            f"{path} is a full-account export with {len(chats)} chats; choose one with "
            "--chat NAME or --chat ID"
        )
    query = chat.strip()
    by_id = [entry for entry in chats if _matches_id(query, entry[0].id)]
    if len(by_id) == 1:
        return by_id[0]
    by_name = [entry for entry in chats if entry[0].name.casefold() == query.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        ids = ", ".join(str(summary.id) for summary, _ in by_name)
        raise ExportError(
            f"{len(by_name)} chats in {path} are named {chat!r}; pass --chat with an id "
            f"instead: {ids}"
        )
    names = [summary.name or f"({summary.type} {summary.id})" for summary, _ in chats]
    shown = ", ".join(repr(name) for name in names[:_MAX_NAMES_SHOWN])
    more = f" and {len(names) - _MAX_NAMES_SHOWN} more" if len(names) > _MAX_NAMES_SHOWN else ""
    raise ExportError(f"no chat {chat!r} in {path}; pass --chat with one of: {shown}{more}")


def read_chat(path: Path, chat: str | None, tz: ZoneInfo) -> tuple[ChatSummary, MessageStream]:
    """Find one chat of an export and return it with a lazy stream of its messages.

    ``chat`` is a chat id (also in ``-100...`` form) or an exact, case-insensitive name; ``None``
    picks the only chat (a single-chat export, or a full-account export holding one chat).
    ``tz`` interprets the local ``date`` of messages lacking ``date_unixtime`` (it is the export
    machine's zone). Raises ``ExportError`` when the file or chat cannot be found; the stream
    raises ``ExportError`` if the file turns out cut off or corrupt while reading.
    """
    resolved = _resolve(path)
    summary, location = _choose(_scan(resolved), chat, resolved)
    return summary, MessageStream(resolved, summary, location, tz)


class MessageStream(Iterator[ExportedMessage]):
    """Messages of one chat, read lazily from the file in file order.

    ``read`` counts the messages yielded so far, ``skipped`` the malformed entries passed over.
    The file is opened on the first ``next()`` and closed at the end, on error or by ``close()``.
    """

    def __init__(self, path: Path, chat: ChatSummary, location: _Location, tz: ZoneInfo) -> None:
        self.path = path
        self.chat = chat
        self.read = 0
        self.skipped = 0
        self._location = location
        self._tz = tz
        self._messages = self._generate()

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> ExportedMessage:
        return next(self._messages)

    def close(self) -> None:
        """Stop reading and close the file."""
        self._messages.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _generate(self) -> Generator[ExportedMessage, None, None]:
        with _open(self.path) as stream:
            # A single-chat export can go straight to ijson's C builder; a full-account export
            # first needs its events narrowed down to the chosen chat.
            source = stream if self._location.section is None else self._chat_events(stream)
            try:
                for raw in ijson.items(source, self._location.messages_prefix, use_float=True):
                    message = _to_message(raw, self._tz)
                    if message is None:
                        self.skipped += 1
                        continue
                    self.read += 1
                    yield message
            except ijson.JSONError as error:
                raise ExportError(
                    f"{self.path} is cut off or corrupt after {_messages(self.read)} of chat "
                    f"{self.chat.name!r} ({_reason(error)}); export the chat again"
                ) from None
            except OSError as error:
                raise ExportError(
                    f"{self.path} could not be read after {_messages(self.read)} "
                    f"({error.strerror}); check the disk and try again"
                ) from None

    def _chat_events(self, stream: IO[bytes]) -> Iterator[tuple[str, str, Any]]:
        """Parse events of this chat's messages only; stops reading once the chat is over."""
        chat_prefix = f"{self._location.section}.list.item"
        messages_prefix = f"{chat_prefix}.messages"
        seen = -1
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if prefix == chat_prefix and event == "start_map":
                seen += 1
                if seen > self._location.index:
                    return
            elif seen == self._location.index and (
                prefix == messages_prefix or prefix.startswith(f"{messages_prefix}.")
            ):
                yield prefix, event, value


def _text_of(raw: dict[str, Any]) -> str:
    text = raw.get("text")
    if text is None:
        text = raw.get("text_entities")
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return ""
    parts: list[str] = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
    return "".join(parts)


def _when(raw: dict[str, Any], key: str, tz: ZoneInfo) -> datetime | None:
    """``key``_unixtime as UTC when readable, else the local ``key`` string in ``tz``."""
    unix = raw.get(f"{key}_unixtime")
    if isinstance(unix, str) and unix.strip().isdigit():
        unix = int(unix)
    if isinstance(unix, int) and not isinstance(unix, bool):
        try:
            return datetime.fromtimestamp(unix, tz=UTC)
        except (OverflowError, OSError, ValueError):
            pass
    local = raw.get(key)
    if not isinstance(local, str):
        return None
    try:
        parsed = datetime.fromisoformat(local)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _media_of(raw: dict[str, Any]) -> str | None:
    media_type = _str_or_none(raw.get("media_type"))
    if media_type is not None:
        return media_type
    return next((media for key, media in _MEDIA_KEYS if key in raw), None)


def _file_name_of(raw: dict[str, Any]) -> str | None:
    name = _str_or_none(raw.get("file_name"))
    if name is not None:
        return name
    # Older exports only have the relative path; "(File not included...)" means no name at all.
    path = _str_or_none(raw.get("file"))
    if path is None or path.startswith("("):
        return None
    return PurePosixPath(path.replace("\\", "/")).name or None


def _to_message(raw: Any, tz: ZoneInfo) -> ExportedMessage | None:
    """The message in ``raw``, or None when the entry is too damaged to place in time."""
    if not isinstance(raw, dict):
        return None
    message_id = _int_or_none(raw.get("id"))
    kind = raw.get("type")
    sent_at = _when(raw, "date", tz)
    if message_id is None or not isinstance(kind, str) or kind not in _MESSAGE_KINDS:
        return None
    if sent_at is None:
        return None
    service = kind == "service"
    return ExportedMessage(
        id=message_id,
        kind=kind,
        sent_at=sent_at,
        edited_at=_when(raw, "edited", tz),
        sender_id=_str_or_none(raw.get("actor_id") if service else None)
        or _str_or_none(raw.get("from_id")),
        sender_name=_str_or_none(raw.get("actor") if service else None)
        or _str_or_none(raw.get("from")),
        text=_text_of(raw),
        media=None if service else _media_of(raw),
        file_name=None if service else _file_name_of(raw),
        forwarded_from=_str_or_none(raw.get("forwarded_from")),
        reply_to_message_id=_int_or_none(raw.get("reply_to_message_id")),
        via_bot=_str_or_none(raw.get("via_bot")),
        action=_str_or_none(raw.get("action")) if service else None,
    )
