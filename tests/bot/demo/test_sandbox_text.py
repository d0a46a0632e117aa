"""How the Bot API double parses parse_mode markup, like Telegram does on its side."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import MessageEntity
from telegram.helpers import escape_markdown

from bot.demo.sandbox.errors import BotApiError
from bot.demo.sandbox.text import (
    check_text_length,
    detect_entities,
    parse_message_text,
    utf16_length,
)


def spans(text: str, parse_mode: str) -> list[tuple[str, int, int]]:
    parsed = parse_message_text(text, parse_mode)
    return [(entity.type, entity.offset, entity.length) for entity in parsed.entities]


@given(st.text())
def test_escaped_html_reads_back_as_the_original_text(text: str) -> None:
    parsed = parse_message_text(html.escape(text), "HTML")
    assert parsed.text == text
    assert parsed.entities == ()


@given(st.text())
def test_escaped_markdown_v2_reads_back_as_the_original_text(text: str) -> None:
    parsed = parse_message_text(escape_markdown(text, version=2), "MarkdownV2")
    assert parsed.text == text


@given(st.text(min_size=1), st.text())
def test_bold_entity_covers_the_wrapped_text_in_utf16_units(prefix: str, inner: str) -> None:
    source = f"{html.escape(prefix)}<b>{html.escape(inner)}</b>"
    parsed = parse_message_text(source, "HTML")
    expected = [("bold", utf16_length(prefix), utf16_length(inner))] if inner else []
    assert [(e.type, e.offset, e.length) for e in parsed.entities] == expected


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_length("通知") == 2
    assert utf16_length("👍") == 2
    assert spans("👍<i>好</i>", "HTML") == [("italic", 2, 1)]


def test_html_tags_become_entities() -> None:
    parsed = parse_message_text(
        '<b>周报</b> <a href="https://example.org">详情</a> <span class="tg-spoiler">秘</span>'
        "<pre><code>x = 1</code></pre>",
        "HTML",
    )
    assert parsed.text == "周报 详情 秘x = 1"
    kinds = {(e.type, e.offset, e.length, e.url) for e in parsed.entities}
    assert kinds == {
        ("bold", 0, 2, None),
        ("text_link", 3, 2, "https://example.org"),
        ("spoiler", 6, 1, None),
        ("pre", 7, 5, None),
        ("code", 7, 5, None),
    }


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a <截图> b", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_bad_html_is_a_bad_request(source: str, message: str) -> None:
    with pytest.raises(BotApiError) as error:
        parse_message_text(source, "HTML")
    assert error.value.error_code == 400
    assert error.value.description.startswith("Bad Request: can't parse entities: ")
    assert message in error.value.description


def test_bare_ampersand_is_kept_literally() -> None:
    assert parse_message_text("A&B &amp; C", "HTML").text == "A&B & C"


def test_markdown_v2_styles_links_and_code() -> None:
    parsed = parse_message_text(
        r"*粗* _斜_ __下__ ~删~ ||剧|| [链接](https://x.org/a\)b) `c\`d` 1\.5", "MarkdownV2"
    )
    assert parsed.text == "粗 斜 下 删 剧 链接 c`d 1.5"
    assert [(e.type, e.offset, e.length) for e in parsed.entities] == [
        ("bold", 0, 1),
        ("italic", 2, 1),
        ("underline", 4, 1),
        ("strikethrough", 6, 1),
        ("spoiler", 8, 1),
        ("text_link", 10, 2),
        ("code", 13, 3),
    ]
    assert parsed.entities[5].url == "https://x.org/a)b"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("今晚10点.", "Character '.' is reserved"),
        ("*unclosed", "Can't find end of Bold entity at byte offset 0"),
        ("[text](https://x.org", "Can't find end of TextUrl entity"),
    ],
)
def test_bad_markdown_v2_is_a_bad_request(source: str, message: str) -> None:
    with pytest.raises(BotApiError, match="can't parse entities") as error:
        parse_message_text(source, "MarkdownV2")
    assert message in error.value.description


def test_legacy_markdown() -> None:
    parsed = parse_message_text("*bold* and [site](https://x.org)", "Markdown")
    assert parsed.text == "bold and site"
    assert [(e.type, e.offset, e.length) for e in parsed.entities] == [
        ("bold", 0, 4),
        ("text_link", 9, 4),
    ]
    with pytest.raises(BotApiError, match="Can't find end of the entity"):
        parse_message_text("a_b", "Markdown")


def test_plain_text_keeps_explicit_entities() -> None:
    parsed = parse_message_text("hello", None, [{"type": "bold", "offset": 0, "length": 5}])
    assert parsed.entities == (MessageEntity("bold", 0, 5),)


def test_unknown_parse_mode_is_a_bad_request() -> None:
    with pytest.raises(BotApiError, match="unsupported parse_mode"):
        parse_message_text("x", "BBCode")


def test_length_check_uses_parsed_text() -> None:
    check_text_length(parse_message_text("&amp;" * 4096, "HTML"))
    with pytest.raises(BotApiError, match="message is too long"):
        check_text_length(parse_message_text("&amp;" * 4097, "HTML"))
    with pytest.raises(BotApiError, match="message text is empty"):
        check_text_length(parse_message_text("<b> </b>", "HTML"))
    with pytest.raises(BotApiError, match="message caption is too long"):
        check_text_length(parse_message_text("x" * 1025, None), caption=True)


def test_client_side_entities_of_typed_text() -> None:
    text = "/settings@fingertip_bot tz 请 @alice_w 看 https://example.org/x 和 a/b"
    found = {
        (entity.type, text[entity.offset : entity.offset + entity.length])
        for entity in detect_entities(text)
    }
    assert found == {
        ("bot_command", "/settings@fingertip_bot"),
        ("mention", "@alice_w"),
        ("url", "https://example.org/x"),
    }
