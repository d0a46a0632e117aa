"""Reads Telegram Desktop "Export chat history" JSON (``result.json``) without loading it whole.

Two shapes exist. A single-chat export is one object ``{name, type, id, messages}``; a full-account
export nests chats in ``chats.list`` and ``left_chats.list``. Both are streamed with ijson, so an
export of hundreds of megabytes costs one message of memory at a time.

Malformed message entries are skipped, not fatal: an entry that is not an object, has no
integer ``id``, is not of type ``message``/``service`` (Telegram writes ``unsupported`` for media
it cannot export), or has no readable date cannot be placed in time, so it cannot be audited.
Garbled optional fields (sender, text, media, reply) degrade to ``None``/``""`` instead.
``MessageStream.skipped`` counts the skipped entries and ``MessageStream.summary()`` says why.

Hostile files are bounded (limits below): JSON nested deeper than ``MAX_DEPTH`` is never built
(a message holding it is skipped), nor is a message holding a string longer than
``MAX_STRING_CHARS``; texts are cut at ``MAX_TEXT_CHARS`` and names at ``MAX_NAME_CHARS``; lone
surrogates become U+FFFD; dates outside 2013-2099 (Telegram's lifetime, with room) and a second
entry with an id already read are skipped. A message entry wider than ``MAX_ENTRY_CHARS`` stops
the read (``ExportError``): the parser would have to build it whole. Old exports (tdesktop
before 2021) wrote ``from_id`` as a bare number: it reads as ``user<number>``.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, Self
from zoneinfo import ZoneInfo

import ijson

from bot.core.fast_init import maker

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
_MEDIA_KEY_SET = frozenset(key for key, _ in _MEDIA_KEYS)
_MAX_NAMES_SHOWN = 10

MAX_DEPTH = 32
"""Deepest JSON nesting read; a real message sits at depth 5 and its text entities at 8."""
MAX_STRING_CHARS = 65_536
"""Longest string value read; Telegram caps a message at 4,096 characters."""
MAX_TEXT_CHARS = 16_384
"""A message's assembled text is cut here (the classifier sees at most this much)."""
MAX_NAME_CHARS = 256
"""Sender, chat and file names are cut here."""
MAX_ENTRY_CHARS = 1 << 20
"""Longest message entry read, in characters of the file; a real one is a few kilobytes. The
parser builds a whole entry before the reader sees it, and it takes some 17 times a file's size
to build many small values."""
EARLIEST = datetime(2013, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

# Values standing in for what the bounded reader refused to build (NUL never occurs in an
# export's strings, so no real value can look like these).
_TOO_DEEP = "\x00fingertip:too-deep"
_TOO_LONG = "\x00fingertip:too-long"
_TOO_BIG = "\x00fingertip:too-big"
_REFUSED = frozenset({_TOO_DEEP, _TOO_LONG, _TOO_BIG})

NOT_A_MESSAGE = "not a message entry"
NO_DATE = "no readable date"
DATE_OUT_OF_RANGE = "a date outside 2013-2099"
DUPLICATE_ID = "an id read before"
OVERSIZED = "too large or too deeply nested"


class ExportError(Exception):
    """The export cannot be read; the message says what is wrong and what to do about it."""


class _EntryTooLarge(Exception):
    """A message entry grew past ``MAX_ENTRY_CHARS`` while the parser was building it."""


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


exported_message = maker(ExportedMessage)
"""``ExportedMessage(...)`` at a third of the cost: the reader makes one per message, and the
audit rebuilds one per message its reader process sends."""


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


# A quote, a bracket, or a JSON escape: a surrogate pair, a lone surrogate, any other \u escape
# or escaped character (matched whole, so scanning never starts inside an escape such as an
# escaped backslash, and a string is never cut inside one).
_TOKEN = re.compile(
    r'["\[\]{}]|\\(?:u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?'
    r"|u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)",
    re.DOTALL,
)
_LONGEST_TOKEN = 12
_ESCAPES = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)", re.DOTALL)
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_LONG_RUN = re.compile(f'[^"]{{{MAX_STRING_CHARS + 1},}}')
_HIGH_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
# Numbers the C parser cannot hold (it stops the whole file on them): integers of 19 digits or
# more (past int64) and exponents of three digits or more (past a double). Telegram writes ids,
# times and sizes of at most 16 digits and no exponent.
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]*)?")
_BIG_NUMBER = re.compile(r"[0-9]{19}|[eE][+-]?[0-9]{3}")
# The same test over a whole read at C speed (a regex took five times as long): every digit
# read as 0, an exponent as e-.
_NUMBER_SHAPES = str.maketrans("123456789E+", "000000000e-")
_NUMBER_CHARS = frozenset("0123456789.eE+-")
_NUMBER_CARRY = 4096
"""A number cut by a read is carried whole to the next one when shorter than this; a longer
one is refused anyway (see ``_ValidUtf8``)."""
_TOO_BIG_JSON = '"\\u0000fingertip:too-big"'
_DEPTH_STEP = {"{": 1, "[": 1, "}": -1, "]": -1}
# A unix time as Telegram writes it: ASCII digits (str.isdigit() also takes "²", which int()
# refuses), short enough for int() (which refuses over 4,300 digits) and any date before 2100.
_UNIX_DIGITS = re.compile(r"\s*[0-9]{1,12}\s*")
_NUL_ESCAPE = "\\u0000"
# What the reader hands the parser in place of a container nested too deep (a JSON string).
_TOO_DEEP_JSON = '"\\u0000fingertip:too-deep"'
# A single-chat export's message entries open inside the root object and the messages list;
# a full-account export's inside the root, its section, the section's list, the chat and the
# chat's messages (nothing else Telegram writes is as deep).
_SINGLE_ENTRY_DEPTH = 3
_FULL_ENTRY_DEPTH = 6


def _clean_cut(text: str) -> int:
    """Where to split ``text`` so that no escape, and no surrogate pair, is cut in two."""
    window = max(0, len(text) - 2 * _LONGEST_TOKEN)
    cut = text.find("\\", window)
    if cut < 0:  # no escape starts near the end, and none from before reaches it
        return max(0, len(text) - _LONGEST_TOKEN)
    cut = _run_start(text, cut)
    if cut >= 6 and _HIGH_SURROGATE.fullmatch(text, cut - 6, cut):
        cut = _run_start(text, cut - 6)
    return cut


def _holds_big_number(outside: str) -> bool:
    """Whether ``outside`` (text between strings) may hold a number ``_BIG_NUMBER`` refuses."""
    shapes = outside.translate(_NUMBER_SHAPES)
    return "0" * 19 in shapes or "e000" in shapes or "e-000" in shapes


def _safe_cut(text: str) -> int:
    """Where to split ``text`` so that no escape, surrogate pair or number is cut in two (a
    number of ``_NUMBER_CARRY`` characters or more may be: it is refused whole anyway)."""
    cut = _clean_cut(text)
    start = cut
    while start > 0 and text[start - 1] in _NUMBER_CHARS:
        start -= 1
        if cut - start >= _NUMBER_CARRY:
            return cut
    if start == cut:
        return cut
    # the characters before the number-like run may end an escape ("\u00e9"): cut before it
    backslash = text.rfind("\\", max(0, start - _LONGEST_TOKEN), start)
    if backslash < 0:
        return start
    start = _run_start(text, backslash)
    if start >= 6 and _HIGH_SURROGATE.fullmatch(text, start - 6, start):
        start = _run_start(text, start - 6)
    return start


def _run_start(text: str, backslash: int) -> int:
    """The first backslash of the run holding ``backslash``: an escape always starts there."""
    while backslash > 0 and text[backslash - 1] == "\\":
        backslash -= 1
    return backslash


class _ValidUtf8:
    """A binary file wrapper that hands the JSON parser valid UTF-8, bounded strings and
    bounded nesting only.

    A leading byte order mark (an editor's) is dropped. Invalid bytes become U+FFFD, and so do
    lone surrogate escapes (``"\\ud800"`` is valid JSON that no UTF-8 decoder accepts): the
    parser would otherwise stop the whole file there.
    A string is passed on up to ``MAX_STRING_CHARS + 1`` characters, so it still reads as too
    long, but the parser never holds more (ijson's C parser takes time quadratic in a string's
    length: a 6 MB string took 13 s, a 200 MB one hung). A container opened inside
    ``MAX_DEPTH`` others is never passed on: the string ``_TOO_DEEP`` stands in its place, so
    the parser's path (and ijson's dotted prefixes, quadratic in it) stays bounded whatever the
    file holds. ``refused`` counts what may make a message refused: a container or string cut
    here, and a NUL escape (a file may spell a stand-in itself). With ``entry_depth`` (the depth
    of a message entry), a read raises ``_EntryTooLarge`` once the text read without leaving
    one entry passes ``MAX_ENTRY_CHARS``: nothing else bounds how wide an entry is.
    """

    def __init__(self, raw: IO[bytes], entry_depth: int | None = None) -> None:
        self._raw = raw
        self._entry_depth = entry_depth
        self._entry_chars = 0
        self._lowest = 0
        """The lowest depth met in the text being read."""
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._pending = ""
        self._in_string = False
        self._string_length = 0
        self._depth = 0
        self._skipping = 0
        """Open containers of the too-deep one being left out (0: passing everything on)."""
        self._swallowing = False
        """The read before ended inside a refused number: its rest is left out too."""
        self.refused = 0

    def read(self, size: int = -1) -> bytes:
        """Some valid UTF-8 of the file, about ``size`` bytes; b"" at its end."""
        if size == 0:  # ijson probes the type of the stream with read(0)
            return b""
        while True:
            chunk = self._raw.read(size if size > 0 else 1 << 16)
            final = not chunk
            text = self._pending + self._decoder.decode(chunk, final=final)
            cut = len(text) if final else _safe_cut(text)
            head = text[:cut]
            self._pending = text[cut:]
            self.refused += head.count(_NUL_ESCAPE)
            self._lowest = self._depth
            data = (self._pass(head) or self._rewrite(head)).encode("utf-8")
            if self._entry_depth is not None:
                self._measure(len(head), self._entry_depth)
            if data or final:
                return data

    def _measure(self, characters: int, entry_depth: int) -> None:
        """Count ``characters`` just read towards the entry they were all inside of, if any
        (an entry that ends in them is done; one that begins in them counts from the next)."""
        if self._lowest < entry_depth:
            self._entry_chars = 0
            return
        self._entry_chars += characters
        if self._entry_chars > MAX_ENTRY_CHARS:
            raise _EntryTooLarge

    def _pass(self, head: str) -> str | None:
        """``head`` unchanged when it needs no rewriting (the usual case, at C speed), else None.

        It needs none when it holds no surrogate escape, no string in it grows too long and no
        container in it opens too deep; each escape counts as one character, as it decodes to
        one.
        """
        if self._skipping or self._swallowing or _SURROGATE.search(head):
            return None
        flat = _ESCAPES.sub("e", head)
        first = flat.find('"')
        lead = len(flat) if first < 0 else first
        if (self._in_string and self._string_length + lead > MAX_STRING_CHARS) or _LONG_RUN.search(
            flat
        ):
            return None
        parts = flat.split('"')
        outside = "".join(parts[1 if self._in_string else 0 :: 2])
        if _holds_big_number(outside):
            return None
        depth = self._passed_depth(outside)
        if depth is None:
            return None
        self._depth = depth
        quotes = len(parts) - 1
        if quotes == 0:
            if self._in_string:
                self._string_length += len(flat)
            return head
        if quotes % 2:
            self._in_string = not self._in_string
        self._string_length = len(parts[-1]) if self._in_string else 0
        return head

    def _passed_depth(self, outside: str) -> int | None:
        """The nesting depth after the brackets of ``outside`` (the text outside strings), or
        None when a container among them opens too deep."""
        brackets = _NOT_BRACKETS.sub("", outside)
        if not brackets:
            return self._depth
        depths = list(accumulate(map(_DEPTH_STEP.__getitem__, brackets), initial=self._depth))
        self._lowest = min(self._lowest, *depths)
        return None if max(depths) > MAX_DEPTH else depths[-1]

    def _rewrite(self, head: str) -> str:
        """``head`` with lone surrogates replaced, strings cut, deep containers and numbers too
        big for the parser left out, token by token."""
        out: list[str] = []
        position = 0
        for match in _TOKEN.finditer(head):
            self._plain(head, position, match.start(), out)
            self._token(match.group(0), out)
            position = match.end()
        self._plain(head, position, len(head), out, last=True)
        return "".join(out)

    def _plain(self, text: str, start: int, end: int, out: list[str], last: bool = False) -> None:
        """Pass on ``text[start:end]``, which holds no token; ``last``: it ends the read."""
        if start >= end or self._skipping:
            if self._in_string:
                self._string_length += end - start
            return
        if not self._in_string:
            out.append(self._numbers(text[start:end], last))
            return
        room = MAX_STRING_CHARS + 1 - self._string_length
        if room > 0:
            out.append(text[start : start + min(room, end - start)])
        self._grow(end - start)

    def _numbers(self, outside: str, last: bool) -> str:
        """``outside`` (text between strings) with each number too big for the parser replaced
        by ``_TOO_BIG``; the rest of a refused number the read cut off is left out."""
        if self._swallowing:
            rest = outside.lstrip("0123456789.eE+-")
            if not rest and last:
                return ""
            self._swallowing = False
            outside = rest

        def refuse(number: re.Match[str]) -> str:
            if not _BIG_NUMBER.search(number.group(0)):
                return number.group(0)
            self.refused += 1
            self._swallowing = last and number.end() == len(outside)
            return _TOO_BIG_JSON

        return _NUMBER.sub(refuse, outside) if _holds_big_number(outside) else outside

    def _grow(self, characters: int) -> None:
        """The string being read grows; count it once as refused when it first is too long."""
        before = self._string_length
        self._string_length += characters
        self.refused += before <= MAX_STRING_CHARS < self._string_length

    def _token(self, token: str, out: list[str]) -> None:
        if token == '"':
            self._in_string = not self._in_string
            self._string_length = 0
            if not self._skipping:
                out.append(token)
            return
        if not self._in_string and token in _DEPTH_STEP:
            self._bracket(token, out)
            return
        if self._skipping:
            return
        if _LONE_SURROGATE.fullmatch(token):  # a surrogate without its other half
            token = "\\ufffd"
        if self._in_string:
            if self._string_length <= MAX_STRING_CHARS:
                out.append(token)
            self._grow(1)
        else:
            out.append(token)

    def _bracket(self, bracket: str, out: list[str]) -> None:
        step = _DEPTH_STEP[bracket]
        if self._skipping:
            self._skipping += step
            return
        if step > 0 and self._depth >= MAX_DEPTH:
            self._skipping = 1
            self.refused += 1
            out.append(_TOO_DEEP_JSON)
            return
        self._depth += step
        self._lowest = min(self._lowest, self._depth)
        out.append(bracket)


def _bounded_events(
    stream: IO[bytes], refused: list[int] | None = None, entry_depth: int | None = None
) -> Iterator[tuple[str, str, Any]]:
    """``ijson.parse`` events in constant memory per level, whatever the file holds.

    ``ijson.parse`` builds each event's dotted prefix from the whole path, which costs memory
    quadratic in the nesting depth (a 20,000-deep file took a gigabyte). Here the path never
    grows past ``MAX_DEPTH``: ``_ValidUtf8`` hands the parser no deeper container (``_TOO_DEEP``
    stands in its place); an overlong string stands as ``_TOO_LONG``; an overlong key can match
    nothing we read. ``refused[0]``, when given, counts the string values that stand for
    something refused (or spell such a stand-in), so a reader can skip looking for them in a
    message that added none. ``entry_depth`` bounds the width of entries as ``_ValidUtf8`` does.
    """
    counter = refused if refused is not None else [0]
    path: list[str] = []
    prefixes = [""]  # prefixes[i]: the dotted prefix of the first i path components
    bounded = _ValidUtf8(stream, entry_depth)
    for event, value in ijson.basic_parse(bounded, use_float=True):
        if event in ("start_map", "start_array"):
            yield prefixes[-1], event, None
            _enter(path, prefixes, "" if event == "start_map" else "item")
        elif event in ("end_map", "end_array"):
            path.pop()
            prefixes.pop()
            yield prefixes[-1], event, None
        elif event == "map_key":
            key = value if len(value) <= MAX_NAME_CHARS else _TOO_LONG
            prefixes.pop()
            path.pop()
            yield prefixes[-1], event, key
            _enter(path, prefixes, key)
        elif event == "string" and len(value) > MAX_STRING_CHARS:
            counter[0] += 1
            yield prefixes[-1], event, _TOO_LONG
        else:
            counter[0] += event == "string" and value in _REFUSED
            yield prefixes[-1], event, value


def _enter(path: list[str], prefixes: list[str], component: str) -> None:
    path.append(component)
    parent = prefixes[-1]
    prefixes.append(f"{parent}.{component}" if parent else component)


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
        name=_clean(name[:MAX_NAME_CHARS]) if isinstance(name, str) else "",
        type=_clean(kind[:MAX_NAME_CHARS]) if isinstance(kind, str) else "",
    )


def _scan(path: Path) -> _Layout:
    if path.stat().st_size == 0:
        raise ExportError(f"{path} is empty; pass a Telegram Desktop result.json")
    scan = _HeaderScan()
    started = False
    with _open(path) as stream:
        try:
            for prefix, event, value in _bounded_events(stream):
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
        except (ijson.JSONError, UnicodeDecodeError) as error:
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


class _IdSet:
    """The message ids read so far, one bit each for the usual ids (a million ids: 125 KB,
    where a ``set`` of ints took some 60 MB); ids outside the bitmap's range go to a set."""

    BITMAP_IDS = 1 << 28
    """Ids below this are bits (the bitmap grows to at most 32 MB, as far as the largest id)."""

    def __init__(self) -> None:
        self._bits = bytearray()
        self._others: set[int] = set()

    def __contains__(self, message_id: int) -> bool:
        if 0 <= message_id < self.BITMAP_IDS:
            byte = message_id >> 3
            return byte < len(self._bits) and bool(self._bits[byte] & (1 << (message_id & 7)))
        return message_id in self._others

    def add(self, message_id: int) -> None:
        """Remember ``message_id``."""
        if 0 <= message_id < self.BITMAP_IDS:
            byte = message_id >> 3
            if byte >= len(self._bits):
                # grow geometrically, so a rising id sequence costs amortised O(1)
                self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
            self._bits[byte] |= 1 << (message_id & 7)
        else:
            self._others.add(message_id)


class MessageStream(Iterator[ExportedMessage]):
    """Messages of one chat, read lazily from the file in file order.

    ``read`` counts the messages yielded so far, ``skipped`` the malformed entries passed over.
    The file is opened on the first ``next()`` and closed at the end, on error or by ``close()``.
    """

    def __init__(self, path: Path, chat: ChatSummary, location: _Location, tz: ZoneInfo) -> None:
        self.path = path
        self.chat = chat
        self.read = 0
        self.problems: Counter[str] = Counter()
        self._seen_ids = _IdSet()
        self._location = location
        self._tz = tz
        self._messages = self._generate()

    @property
    def skipped(self) -> int:
        """Entries passed over so far (see ``problems`` for why)."""
        return sum(self.problems.values())

    def summary(self) -> str:
        """One line saying how many entries were skipped and why, or "" when none were."""
        if not self.problems:
            return ""
        reasons = ", ".join(f"{count} with {why}" for why, count in self.problems.most_common())
        entries = "entry" if self.skipped == 1 else "entries"
        return f"skipped {self.skipped} message {entries} of the export: {reasons}"

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
            try:
                raws, maybe_refused = self._raw_messages(stream)
                tz, seen_ids = self._tz, self._seen_ids
                for raw in raws:
                    message = _to_message(raw, tz, maybe_refused())
                    if isinstance(message, str):
                        self.problems[message] += 1
                        continue
                    if message.id in seen_ids:
                        self.problems[DUPLICATE_ID] += 1
                        continue
                    seen_ids.add(message.id)
                    self.read += 1
                    yield message
            except (ijson.JSONError, UnicodeDecodeError) as error:
                raise ExportError(
                    f"{self.path} is cut off or corrupt after {_messages(self.read)} of chat "
                    f"{self.chat.name!r} ({_reason(error)}); export the chat again"
                ) from None
            except _EntryTooLarge:
                raise ExportError(
                    f"{self.path} has a message entry of over {MAX_ENTRY_CHARS:,} characters "
                    f"after {_messages(self.read)} of chat {self.chat.name!r}, where Telegram "
                    "writes a few thousand; the file is damaged or not Telegram's, export the "
                    "chat again"
                ) from None
            except OSError as error:
                raise ExportError(
                    f"{self.path} could not be read after {_messages(self.read)} "
                    f"({error.strerror}); check the disk and try again"
                ) from None

    def _raw_messages(self, stream: IO[bytes]) -> tuple[Iterator[Any], Callable[[], bool]]:
        """The message entries as built by ijson (lazily), and a test of whether the entry
        handed out last may hold a refused value (asked once per entry, in order)."""
        if self._location.section is None:
            # A single-chat export goes to ijson's C parser and builder whole: the bounded
            # stream keeps depth and strings in bounds, so no event needs looking at here.
            # The C parser reads ahead of the messages it hands out, so what it counted
            # cannot be told apart by message: once anything was, every message is walked.
            bounded = _ValidUtf8(stream, entry_depth=_SINGLE_ENTRY_DEPTH)
            raws = ijson.items(bounded, self._location.messages_prefix, use_float=True)
            return raws, lambda: bounded.refused > 0
        # A full-account export first needs its events narrowed down to the chosen chat.
        refused = [0]
        checked = 0

        def moved() -> bool:
            # ijson hands a message out once its last event is read: a message can hold a
            # refused value only if the count moved since the previous one.
            nonlocal checked
            changed, checked = refused[0] != checked, refused[0]
            return changed

        events = self._chat_events(_bounded_events(stream, refused, _FULL_ENTRY_DEPTH))
        return ijson.items(events, self._location.messages_prefix), moved

    def _chat_events(
        self, events: Iterable[tuple[str, str, Any]]
    ) -> Iterator[tuple[str, str, Any]]:
        """Parse events of this chat's messages only; stops reading once the chat is over."""
        chat_prefix = f"{self._location.section}.list.item"
        messages_prefix = f"{chat_prefix}.messages"
        seen = -1
        for prefix, event, value in events:
            if prefix == chat_prefix and event == "start_map":
                seen += 1
                if seen > self._location.index:
                    return
            elif seen == self._location.index and (
                prefix == messages_prefix or prefix.startswith(f"{messages_prefix}.")
            ):
                yield prefix, event, value


def _clean(text: str) -> str:
    """``text`` safe to encode as UTF-8: a lone surrogate (JSON allows one) becomes U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _holds_refused(value: Any) -> bool:
    """Whether the bounded reader refused part of ``value`` (bounded depth: safe recursion):
    a stand-in, or a string cut at ``MAX_STRING_CHARS + 1`` characters."""
    if isinstance(value, str):
        return len(value) > MAX_STRING_CHARS or value in _REFUSED
    if isinstance(value, dict):
        return any(_holds_refused(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_refused(item) for item in value)
    return False


def _text_of(raw: dict[str, Any]) -> str:
    text = raw.get("text")
    if text is None:
        text = raw.get("text_entities")
    if isinstance(text, str):
        return text[:MAX_TEXT_CHARS]
    if not isinstance(text, list):
        return ""
    parts: list[str] = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
    return "".join(parts)[:MAX_TEXT_CHARS]


def _when(raw: dict[str, Any], key: str, unix_key: str, tz: ZoneInfo) -> datetime | None:
    """``unix_key`` (``key``_unixtime) as UTC when readable, else the local ``key`` string in
    ``tz``."""
    unix = raw.get(unix_key)
    if isinstance(unix, str) and _UNIX_DIGITS.fullmatch(unix):
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
    return value[:MAX_NAME_CHARS] if isinstance(value, str) and value else None


def _sender_of(value: Any) -> str | None:
    """``user123`` or ``channel456``; exports before 2021 wrote a user's bare number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"user{value}"
    return _str_or_none(value)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _media_of(raw: dict[str, Any]) -> str | None:
    media_type = _str_or_none(raw.get("media_type"))
    if media_type is not None:
        return media_type
    if _MEDIA_KEY_SET.isdisjoint(raw):  # most messages: no media (one C-level check)
        return None
    return next((media for key, media in _MEDIA_KEYS if key in raw), None)


def _file_name_of(raw: dict[str, Any]) -> str | None:
    name = _str_or_none(raw.get("file_name"))
    if name is not None:
        return name
    # Older exports only have the relative path; "(File not included...)" means no name at all.
    path = _str_or_none(raw.get("file"))
    if path is None or path.startswith("("):
        return None
    return PurePosixPath(path.replace("\\", "/")).name[:MAX_NAME_CHARS] or None


def _to_message(raw: Any, tz: ZoneInfo, maybe_refused: bool = True) -> ExportedMessage | str:
    """The message in ``raw``, or why it is skipped (too damaged to place in time, hostile).

    ``maybe_refused=False`` promises that ``raw`` holds no refused value (the reader counted
    none while building it), which spares walking it.
    """
    if not isinstance(raw, dict):
        return OVERSIZED if isinstance(raw, str) and raw in _REFUSED else NOT_A_MESSAGE
    message_id = _int_or_none(raw.get("id"))
    kind = raw.get("type")
    if message_id is None or not isinstance(kind, str) or kind not in _MESSAGE_KINDS:
        refused_id = isinstance(raw.get("id"), str) and raw["id"] in _REFUSED
        return OVERSIZED if refused_id else NOT_A_MESSAGE
    if maybe_refused and _holds_refused(raw):
        return OVERSIZED
    sent_at = _when(raw, "date", "date_unixtime", tz)
    if sent_at is None:
        return NO_DATE
    if not EARLIEST <= sent_at < LATEST:
        return DATE_OUT_OF_RANGE
    edited_at = _when(raw, "edited", "edited_unixtime", tz)
    if edited_at is not None and not EARLIEST <= edited_at < LATEST:
        edited_at = None
    service = kind == "service"
    sender_id = (_sender_of(raw.get("actor_id")) if service else None) or _sender_of(
        raw.get("from_id")
    )
    sender_name = (_str_or_none(raw.get("actor")) if service else None) or _str_or_none(
        raw.get("from")
    )
    file_name = None if service else _file_name_of(raw)
    return exported_message(
        id=message_id,
        kind=kind,
        sent_at=sent_at,
        edited_at=edited_at,
        sender_id=_clean(sender_id) if sender_id else None,
        sender_name=_clean(sender_name) if sender_name else None,
        text=_clean(_text_of(raw)),
        media=None if service else _media_of(raw),
        file_name=_clean(file_name) if file_name else None,
        forwarded_from=_str_or_none(raw.get("forwarded_from")),
        reply_to_message_id=_int_or_none(raw.get("reply_to_message_id")),
        via_bot=_str_or_none(raw.get("via_bot")),
        action=_str_or_none(raw.get("action")) if service else None,
    )
