"""Message text as Telegram sees it: parse_mode markup to plain text plus entities, and limits.

Telegram parses HTML and Markdown on its side and rejects markup it cannot parse, so the double
does the same: a bot that forgets to escape user text inside HTML gets the same 400 it would get
in production. Entity offsets and lengths count UTF-16 code units, like the real API.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import MessageEntity

from bot.demo.sandbox.errors import BotApiError, bad_request

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


@dataclass(frozen=True)
class FormattedText:
    """Plain text and its entities, the way Telegram stores a message."""

    text: str
    entities: tuple[MessageEntity, ...]


def utf16_length(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units (Telegram's entity unit)."""
    return len(text.encode("utf-16-le")) // 2


def parse_message_text(
    text: str, parse_mode: str | None, entities: Sequence[dict[str, Any]] | None = None
) -> FormattedText:
    """Return what Telegram would store for ``text`` sent with ``parse_mode`` or ``entities``.

    Raises the Bot API's 400 error for markup Telegram cannot parse.
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _MarkdownV2Parser(text).parse()
    if mode == "markdown":
        return _parse_legacy_markdown(text)
    if mode:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    parsed = tuple(MessageEntity.de_json(item, None) for item in entities or ())
    return FormattedText(text, parsed)


def check_text_length(formatted: FormattedText, *, caption: bool = False) -> None:
    """Raise Telegram's 400 error when the parsed text is empty or over its limit.

    Telegram counts characters after entity parsing: tags do not count, ``&lt;`` counts as one.
    """
    if caption:
        if len(formatted.text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return
    if not formatted.text.strip():
        raise bad_request("message text is empty")
    if len(formatted.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")


_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}(?!\w)")
_URL = re.compile(r"https?://[^\s<>\"]+")


def detect_entities(text: str) -> tuple[MessageEntity, ...]:
    """Return the entities a Telegram client adds to typed text: commands, mentions and URLs."""
    found: list[MessageEntity] = []
    for pattern, kind in (
        (_COMMAND, MessageEntity.BOT_COMMAND),
        (_MENTION, MessageEntity.MENTION),
        (_URL, MessageEntity.URL),
    ):
        for match in pattern.finditer(text):
            offset = utf16_length(text[: match.start()])
            found.append(MessageEntity(kind, offset, utf16_length(match.group())))
    return tuple(sorted(found, key=lambda entity: entity.offset))


def _entity_error(reason: str) -> BotApiError:
    return bad_request(f"can't parse entities: {reason}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


# ---------------------------------------------------------------------------------------- HTML

_SIMPLE_TAGS = {
    "b": MessageEntity.BOLD,
    "strong": MessageEntity.BOLD,
    "i": MessageEntity.ITALIC,
    "em": MessageEntity.ITALIC,
    "u": MessageEntity.UNDERLINE,
    "ins": MessageEntity.UNDERLINE,
    "s": MessageEntity.STRIKETHROUGH,
    "strike": MessageEntity.STRIKETHROUGH,
    "del": MessageEntity.STRIKETHROUGH,
    "tg-spoiler": MessageEntity.SPOILER,
    "code": MessageEntity.CODE,
    "pre": MessageEntity.PRE,
}
_SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "span", "a", "blockquote", "tg-emoji"})
_START_TAG = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>"
)
_END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_ATTRIBUTE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_CHARACTER_REFERENCE = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    start: int  # UTF-16 offset in the plain text


def _parse_html(source: str) -> FormattedText:
    plain: list[str] = []
    plain_length = 0
    stack: list[_OpenTag] = []
    entities: list[MessageEntity] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            reference = _CHARACTER_REFERENCE.match(source, index)
            piece = html.unescape(reference.group()) if reference else "&"
            index = reference.end() if reference else index + 1
        elif char == "<":
            index = _consume_tag(source, index, stack, entities, plain_length)
            continue
        else:
            piece = char
            index += 1
        plain.append(piece)
        plain_length += utf16_length(piece)
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda entity: (entity.offset, -entity.length))
    return FormattedText("".join(plain), tuple(entities))


def _consume_tag(
    source: str,
    index: int,
    stack: list[_OpenTag],
    entities: list[MessageEntity],
    plain_length: int,
) -> int:
    """Handle the tag at ``source[index]`` (a '<'); return the index after it."""
    offset = _byte_offset(source, index)
    if source.startswith("</", index):
        end = _END_TAG.match(source, index)
        if end is None or not stack:
            raise _entity_error(f"Unexpected end tag at byte offset {offset}")
        name = end.group(1).lower()
        opened = stack.pop()
        if name != opened.name:
            raise _entity_error(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.name}>", '
                f'found "</{name}>"'
            )
        entity = _entity_for(opened, plain_length - opened.start)
        if entity is not None:
            entities.append(entity)
        return end.end()
    start = _START_TAG.match(source, index)
    if start is None:
        name_match = re.match(r"<([A-Za-z0-9-]*)", source[index:])
        name = name_match.group(1) if name_match else ""
        raise _entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
    name = start.group(1).lower()
    if name not in _SUPPORTED_TAGS:
        raise _entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
    attributes = {
        match.group(1).lower(): next((g for g in match.groups()[1:] if g is not None), "")
        for match in _ATTRIBUTE.finditer(start.group(2))
    }
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise _entity_error('Tag "span" must have class "tg-spoiler"')
    stack.append(_OpenTag(name, attributes, plain_length))
    return start.end()


def _entity_for(tag: _OpenTag, length: int) -> MessageEntity | None:
    if length == 0:
        return None
    if tag.name in _SIMPLE_TAGS or tag.name == "span":
        kind = _SIMPLE_TAGS.get(tag.name, MessageEntity.SPOILER)
        return MessageEntity(kind, tag.start, length)
    if tag.name == "a":
        href = tag.attributes.get("href")
        if not href:
            return None
        return MessageEntity(MessageEntity.TEXT_LINK, tag.start, length, url=href)
    if tag.name == "blockquote":
        kind = (
            MessageEntity.EXPANDABLE_BLOCKQUOTE
            if "expandable" in tag.attributes
            else MessageEntity.BLOCKQUOTE
        )
        return MessageEntity(kind, tag.start, length)
    return MessageEntity(
        MessageEntity.CUSTOM_EMOJI,
        tag.start,
        length,
        custom_emoji_id=tag.attributes.get("emoji-id", ""),
    )


# ---------------------------------------------------------------------------------- MarkdownV2

_MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MARKDOWN_V2_DELIMITERS = {
    "||": (MessageEntity.SPOILER, "Spoiler"),
    "__": (MessageEntity.UNDERLINE, "Underline"),
    "*": (MessageEntity.BOLD, "Bold"),
    "_": (MessageEntity.ITALIC, "Italic"),
    "~": (MessageEntity.STRIKETHROUGH, "Strikethrough"),
}


class _MarkdownV2Parser:
    """A parser for the MarkdownV2 subset bots use: styles, code, pre, links and escapes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.index = 0
        self.plain: list[str] = []
        self.length = 0
        self.entities: list[MessageEntity] = []
        # Open styles and link texts: (delimiter, UTF-16 start, byte offset of the delimiter).
        self.open: list[tuple[str, int, int]] = []

    def parse(self) -> FormattedText:
        while self.index < len(self.source):
            self._step()
        if self.open:
            delimiter, _, offset = self.open[-1]
            name = "TextUrl" if delimiter == "[" else _MARKDOWN_V2_DELIMITERS[delimiter][1]
            raise _entity_error(f"Can't find end of {name} entity at byte offset {offset}")
        self.entities.sort(key=lambda entity: (entity.offset, -entity.length))
        return FormattedText("".join(self.plain), tuple(self.entities))

    def _emit(self, piece: str) -> None:
        self.plain.append(piece)
        self.length += utf16_length(piece)

    def _step(self) -> None:
        source, index = self.source, self.index
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            self._emit(source[index + 1])
            self.index += 2
        elif source.startswith("```", index):
            self._code_block()
        elif char == "`":
            self._inline_code()
        elif char == "[":
            self.open.append(("[", self.length, _byte_offset(source, index)))
            self.index += 1
        elif char == "]" and self.open and self.open[-1][0] == "[":
            self._link_end()
        elif (delimiter := self._delimiter_at(index)) is not None:
            self._toggle(delimiter)
        elif char in _MARKDOWN_V2_RESERVED:
            raise _entity_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            self._emit(char)
            self.index += 1

    def _delimiter_at(self, index: int) -> str | None:
        for delimiter in _MARKDOWN_V2_DELIMITERS:
            if self.source.startswith(delimiter, index):
                return delimiter
        return None

    def _toggle(self, delimiter: str) -> None:
        open_delimiters = [item[0] for item in self.open]
        if delimiter in open_delimiters:
            position = len(open_delimiters) - 1 - open_delimiters[::-1].index(delimiter)
            _, start, _ = self.open.pop(position)
            if self.length > start:
                kind = _MARKDOWN_V2_DELIMITERS[delimiter][0]
                self.entities.append(MessageEntity(kind, start, self.length - start))
        else:
            self.open.append((delimiter, self.length, _byte_offset(self.source, self.index)))
        self.index += len(delimiter)

    def _inline_code(self) -> None:
        start_offset = _byte_offset(self.source, self.index)
        end = self._find_closing("`", self.index + 1)
        if end < 0:
            raise _entity_error(f"Can't find end of Code entity at byte offset {start_offset}")
        start = self.length
        self._emit(self._unescape_code(self.source[self.index + 1 : end]))
        if self.length > start:
            self.entities.append(MessageEntity(MessageEntity.CODE, start, self.length - start))
        self.index = end + 1

    def _code_block(self) -> None:
        start_offset = _byte_offset(self.source, self.index)
        end = self._find_closing("```", self.index + 3)
        if end < 0:
            raise _entity_error(f"Can't find end of Pre entity at byte offset {start_offset}")
        body = self.source[self.index + 3 : end]
        language = ""
        first_line, newline, rest = body.partition("\n")
        if newline and first_line and " " not in first_line:
            language, body = first_line, rest
        start = self.length
        self._emit(self._unescape_code(body))
        if self.length > start:
            self.entities.append(
                MessageEntity(
                    MessageEntity.PRE, start, self.length - start, language=language or None
                )
            )
        self.index = end + 3

    def _link_end(self) -> None:
        _, start, offset = self.open.pop()
        after = self.index + 1
        if not self.source.startswith("(", after):
            raise _entity_error(f"Can't find end of TextUrl entity at byte offset {offset}")
        close = self._find_closing(")", after + 1)
        if close < 0:
            raise _entity_error(f"Can't find end of TextUrl entity at byte offset {offset}")
        url = self._unescape_code(self.source[after + 1 : close])
        if self.length > start:
            self.entities.append(
                MessageEntity(MessageEntity.TEXT_LINK, start, self.length - start, url=url)
            )
        self.index = close + 1

    def _find_closing(self, delimiter: str, index: int) -> int:
        while index < len(self.source):
            if self.source[index] == "\\":
                index += 2
                continue
            if self.source.startswith(delimiter, index):
                return index
            index += 1
        return -1

    @staticmethod
    def _unescape_code(body: str) -> str:
        return re.sub(r"\\([\\`)])", r"\1", body)


# ------------------------------------------------------------------------------ legacy Markdown

_LEGACY_MARKDOWN = re.compile(
    r"```(?P<pre>.*?)```|`(?P<code>[^`]*)`|\*(?P<bold>[^*]*)\*|_(?P<italic>[^_]*)_"
    r"|\[(?P<label>[^\]]*)\]\((?P<url>[^)]*)\)",
    re.DOTALL,
)
_LEGACY_KINDS = {
    "pre": MessageEntity.PRE,
    "code": MessageEntity.CODE,
    "bold": MessageEntity.BOLD,
    "italic": MessageEntity.ITALIC,
    "label": MessageEntity.TEXT_LINK,
}


def _parse_legacy_markdown(source: str) -> FormattedText:
    plain: list[str] = []
    length = 0
    entities: list[MessageEntity] = []
    index = 0
    for match in _LEGACY_MARKDOWN.finditer(source):
        before = source[index : match.start()]
        _reject_unclosed_legacy(source, before, index)
        plain.append(before)
        length += utf16_length(before)
        group = next(name for name in _LEGACY_KINDS if match.group(name) is not None)
        inner = match.group(group)
        if inner:
            url = match.group("url") if group == "label" else None
            entities.append(
                MessageEntity(_LEGACY_KINDS[group], length, utf16_length(inner), url=url)
            )
        plain.append(inner)
        length += utf16_length(inner)
        index = match.end()
    _reject_unclosed_legacy(source, source[index:], index)
    plain.append(source[index:])
    return FormattedText("".join(plain), tuple(entities))


def _reject_unclosed_legacy(source: str, chunk: str, chunk_start: int) -> None:
    for position, char in enumerate(chunk):
        if char in "*_`[":
            offset = _byte_offset(source, chunk_start + position)
            raise _entity_error(f"Can't find end of the entity starting at byte offset {offset}")
