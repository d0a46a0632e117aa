"""Crafted exports: bounded memory, one skipped message per bad entry, a summary, no traceback."""

from __future__ import annotations

import json
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.sources.telegram_export import (
    DATE_OUT_OF_RANGE,
    DUPLICATE_ID,
    MAX_DEPTH,
    MAX_ENTRY_CHARS,
    MAX_NAME_CHARS,
    MAX_STRING_CHARS,
    MAX_TEXT_CHARS,
    NO_DATE,
    OVERSIZED,
    ExportError,
    list_chats,
    read_chat,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNIXTIME = 1_757_894_400  # 2025-09-15 08:00 in Shanghai
PEAK_LIMIT = 8 * 1024 * 1024
DEEP = 20_000  # took a gigabyte before the reader bounded its depth


def message(number: int, text: Any = "请今晚上报台账", **fields: Any) -> dict[str, Any]:
    entry = {
        "id": number,
        "type": "message",
        "date": "2025-09-15T08:00:00",
        "date_unixtime": str(UNIXTIME + 60 * number),
        "from": "主任",
        "from_id": "user1",
        "text": text,
    }
    entry.update(fields)
    return entry


def export(path: Path, entries: list[str]) -> Path:
    """A single-chat export whose message entries are given as raw JSON text."""
    path.write_text(
        '{"name": "工作群", "type": "private_supergroup", "id": 77, "messages": ['
        + ",".join(entries)
        + "]}",
        encoding="utf-8",
    )
    return path


def good(number: int, **fields: Any) -> str:
    return json.dumps(message(number, **fields), ensure_ascii=False)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def read(path: Path) -> tuple[list[int], Any]:
    _, stream = read_chat(path, None, SHANGHAI)
    return [m.id for m in stream], stream


def test_deep_nesting_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    deep = good(2).replace('"请今晚上报台账"', nested(DEEP))
    path = export(tmp_path / "result.json", [good(1), deep, good(3)])
    tracemalloc.start()
    try:
        chats = list_chats(path)
        ids, stream = read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [chat.id for chat in chats] == [77]
    assert ids == [1, 3]
    assert stream.problems == {OVERSIZED: 1}
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.1f} MB"


def test_deep_nesting_in_the_chat_header_is_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(
        '{"about": ' + nested(DEEP) + ', "name": "工作群", "type": "private_group", "id": 5, '
        '"messages": [' + good(1) + "]}",
        encoding="utf-8",
    )
    assert read(path)[0] == [1]


def test_overlong_strings_skip_their_message(tmp_path: Path) -> None:
    long_text = "截" * (MAX_STRING_CHARS + 1)
    entries = [
        good(1),
        good(2, text=long_text),
        good(3, file_name="x" * (MAX_STRING_CHARS + 1), media_type="document"),
        good(4, text=[{"type": "plain", "text": long_text}]),
        good(5),
    ]
    ids, stream = read(export(tmp_path / "result.json", entries))
    assert ids == [1, 5]
    assert stream.problems == {OVERSIZED: 3}


def test_texts_and_names_are_cut_to_their_limits(tmp_path: Path) -> None:
    parts = [{"type": "plain", "text": "截" * 10_000} for _ in range(3)]
    entries = [good(1, text=parts, file_name="名" * 1000, **{"from": "长" * 1000})]
    _, stream = read_chat(export(tmp_path / "result.json", entries), None, SHANGHAI)
    [only] = list(stream)
    assert len(only.text) == MAX_TEXT_CHARS
    assert only.file_name is not None and len(only.file_name) == MAX_NAME_CHARS
    assert only.sender_name is not None and len(only.sender_name) == MAX_NAME_CHARS


def test_dates_outside_telegrams_lifetime_are_skipped(tmp_path: Path) -> None:
    entries = [
        good(1),
        good(2, date_unixtime="0", date="1970-01-01T08:00:00"),
        good(3, date_unixtime="253402300799", date="9999-12-31T23:59:59"),
        good(4, date_unixtime=None, date="9999-12-31T23:59:59"),
        good(5, edited_unixtime="253402300799"),
    ]
    _, stream = read_chat(export(tmp_path / "result.json", entries), None, SHANGHAI)
    messages = list(stream)
    assert [m.id for m in messages] == [1, 5]
    assert messages[1].edited_at is None
    assert stream.problems == {DATE_OUT_OF_RANGE: 3}


def full_export(path: Path, entries: list[str]) -> Path:
    """A full-account export whose second chat (id 77) holds the entries given as raw JSON."""
    other = '{"name": "其他", "type": "private_group", "id": 9, "messages": [' + good(1) + "]}"
    chat = '{"name": "工作群", "type": "private_supergroup", "id": 77, "messages": ['
    path.write_text(
        '{"contacts": {"list": []}, "chats": {"list": ['
        + other
        + ","
        + chat
        + ",".join(entries)
        + "]}]}}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("shape", [export, full_export], ids=["single", "full"])
def test_a_message_entry_wider_than_any_telegram_writes_stops_the_read_in_bounded_memory(
    tmp_path: Path, shape: Callable[[Path, list[str]], Path]
) -> None:
    # Depth and strings are bounded, but not width: the parser builds a whole entry before the
    # reader sees it, and two million two-letter strings in one entry (10 MB of file) took
    # 114 MB to build.
    wide = good(1).replace('"请今晚上报台账"', "[" + ",".join(['"ab"'] * 2_000_000) + "]")
    _, stream = read_chat(shape(tmp_path / "result.json", [wide, good(2)]), "77", SHANGHAI)
    tracemalloc.start()  # the chat was found outside: finding it walks the file, building nothing
    try:
        with pytest.raises(ExportError) as refused:
            list(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    assert f"message entry of over {MAX_ENTRY_CHARS:,} characters" in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("shape", [export, full_export], ids=["single", "full"])
def test_message_entries_within_the_width_limit_are_read(
    tmp_path: Path, shape: Callable[[Path, list[str]], Path]
) -> None:
    # Nearly MAX_ENTRY_CHARS of small values, read in pieces that each lie inside the entry.
    count = (MAX_ENTRY_CHARS - 1_000) // 5
    wide = good(1, junk=["ab"] * count).replace(", ", ",")
    assert len(wide) < MAX_ENTRY_CHARS
    entries = [good(0), wide, good(2), wide.replace('"id": 1', '"id": 3')]
    _, stream = read_chat(shape(tmp_path / "result.json", entries), "77", SHANGHAI)
    assert [found.id for found in stream] == [0, 1, 2, 3]


def test_unix_times_that_are_not_plain_numbers_are_unreadable_not_fatal(tmp_path: Path) -> None:
    # str.isdigit() accepts "²", which int() refuses, and int() refuses more than 4,300 digits:
    # either once raised out of the reader as a traceback.
    entries = [
        good(1, date_unixtime="\u00b2", date=None),
        good(2, date_unixtime="9" * 5_000, date=None),
        good(3, edited_unixtime="\u00b2"),
        good(4, edited_unixtime="9" * 5_000),
        good(5),
    ]
    _, stream = read_chat(export(tmp_path / "result.json", entries), None, SHANGHAI)
    messages = list(stream)
    assert [m.id for m in messages] == [3, 4, 5]
    assert [m.edited_at for m in messages] == [None, None, None]
    assert stream.problems == {NO_DATE: 2}


def test_a_byte_order_mark_saved_by_an_editor_is_not_taken_for_a_foreign_format(
    tmp_path: Path,
) -> None:
    # An export opened and saved in Notepad starts with a UTF-8 BOM; it was "not JSON".
    path = export(tmp_path / "result.json", [good(1), good(2)])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [chat.id for chat in list_chats(path)] == [77]
    assert read(path)[0] == [1, 2]


def test_a_second_entry_with_the_same_id_is_skipped_and_said(tmp_path: Path) -> None:
    entries = [good(1), good(2), good(1, text="改过的"), good(3)]
    _, stream = read_chat(export(tmp_path / "result.json", entries), None, SHANGHAI)
    messages = list(stream)
    assert [m.id for m in messages] == [1, 2, 3]
    assert messages[0].text == "请今晚上报台账"
    assert stream.problems == {DUPLICATE_ID: 1}
    assert stream.summary() == f"skipped 1 message entry of the export: 1 with {DUPLICATE_ID}"


def test_lone_surrogates_become_replacement_characters(tmp_path: Path) -> None:
    raw = good(1).replace("请今晚上报台账", "请\\ud800今晚").replace("主任", "主\\udfff任")
    _, stream = read_chat(export(tmp_path / "result.json", [raw]), None, SHANGHAI)
    [only] = list(stream)
    assert only.text == "请\ufffd今晚"
    assert only.sender_name == "主\ufffd任"
    only.text.encode("utf-8")


def test_old_exports_with_numeric_from_id_keep_their_senders(tmp_path: Path) -> None:
    entries = [good(1, from_id=12345), good(2, from_id=67890), good(3, from_id=True)]
    _, stream = read_chat(export(tmp_path / "result.json", entries), None, SHANGHAI)
    assert [m.sender_id for m in stream] == ["user12345", "user67890", None]


def test_audit_of_a_hostile_export_reports_skips_in_one_line(tmp_path: Path) -> None:
    entries = [
        good(1),
        good(2, date_unixtime="253402300799", date="9999-12-31T23:59:59"),
        good(3, text="截" * (MAX_STRING_CHARS + 1)),
        good(1),
        good(4).replace("请今晚上报台账", "请\\ud800今晚截图上报"),
        good(5).replace('"请今晚上报台账"', nested(DEEP)),
    ]
    path = export(tmp_path / "result.json", entries)
    result = CliRunner().invoke(cli, ["audit", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    summary = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(summary) == 1
    assert "skipped 4 message entries" in summary[0]
    assert json.loads(result.stdout)


pieces = st.sampled_from(
    [
        '"',
        "\\",
        "\\\\",
        "\\ud800",
        "\\udc00",
        "\\ud83d\\ude00",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        '"id": 1',
        '"type": "message"',
        '"date_unixtime": "0"',
        '"text": ',
        "1e999",
        "-0",
        "null",
    ]
) | st.binary(max_size=3).map(lambda b: b.decode("latin-1"))


@settings(max_examples=150, deadline=None)
@given(st.lists(pieces, max_size=40), st.binary(max_size=8))
def test_any_file_gives_messages_or_one_export_error(parts: list[str], tail: bytes) -> None:
    body = (
        b'{"name": "g", "type": "private_group", "id": 5, "messages": [{"id": 1, '
        b'"type": "message", "date_unixtime": "1757894400", "text": "'
        + "".join(parts).encode("utf-8", "surrogatepass")
        + tail
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "result.json"
        path.write_bytes(body)
        try:
            _, stream = read_chat(path, None, SHANGHAI)
            for found in stream:
                found.text.encode("utf-8")
        except ExportError as error:
            assert "\n" not in str(error)


def test_refused_values_are_found_wherever_they_fall_in_the_stream(tmp_path: Path) -> None:
    # The reader only walks a message for refused values when its parser counted one since the
    # previous message: alternate good and refused entries, and spell a stand-in literally.
    long_text = "截" * (MAX_STRING_CHARS + 1)
    entries = [
        good(1),
        good(2, text=long_text),
        good(3),
        good(4).replace('"请今晚上报台账"', nested(40)),
        good(5, text="\u0000fingertip:too-long"),
        good(6),
        good(7),
        good(8, text=[{"type": "plain", "text": long_text}]),
    ]
    ids, stream = read(export(tmp_path / "result.json", entries))
    assert ids == [1, 3, 6, 7]
    assert stream.problems == {OVERSIZED: 4}


@pytest.mark.parametrize("padding", [0, 1, 7, 4_000, 21_800, 21_845, 43_690, 60_000])
def test_numbers_too_big_for_the_parser_skip_their_message_only(
    tmp_path: Path, padding: int
) -> None:
    # The C parser stops a whole file at an integer past int64 or an exponent past a double.
    # Padding moves the numbers across the reader's 64 KiB reads, so some are cut by a read.
    huge = "7" * 300_000  # longer than a read: refused in pieces
    entries = [
        good(1, text="文" * padding),
        good(2).replace('"id": 2', '"id": 1180591620717411303424'),
        good(3, reply_to_message_id=12),
        good(4).replace('"from": "主任"', '"from": "主任", "width": ' + "9" * 5_000),
        good(5),
        good(6).replace('"from": "主任"', '"from": "主任", "size": -1e99999'),
        good(7).replace('"from": "主任"', '"from": "主任", "size": ' + huge),
        good(8, reply_to_message_id=3, duration_seconds=9_223_372_036_854_775_807 // 10**3),
        good(9).replace('"id": 9', '"id": 9223372036854775808'),
        good(10, text="1234567890123456789012345 仍是文字"),
    ]
    ids, stream = read(export(tmp_path / "result.json", entries))
    assert ids == [1, 3, 5, 8, 10]
    assert stream.problems == {OVERSIZED: 5}


@given(st.integers(min_value=0, max_value=60_000), st.integers(min_value=0, max_value=10**16))
@settings(max_examples=25, deadline=None)
def test_ordinary_numbers_read_the_same_wherever_a_read_cuts_them(
    padding: int, number: int
) -> None:
    entries = [
        good(1, text="文" * padding),
        good(2, reply_to_message_id=number, width=number / 7, height=float(f"{number}e-5")),
        good(3, reply_to_message_id=-number),
    ]
    with tempfile.TemporaryDirectory() as folder:
        _, stream = read_chat(export(Path(folder) / "result.json", entries), None, SHANGHAI)
        replies = [found.reply_to_message_id for found in stream]
    assert replies == [None, number, -number]
    assert stream.problems == {}


def test_nesting_up_to_the_limit_is_read_and_one_deeper_is_not(tmp_path: Path) -> None:
    # Root object, messages list and message object enclose a message's text: a text nested
    # MAX_DEPTH - 3 deep still fits; one level more is refused. Each in a file of its own, so
    # the reader's fast path (a whole chunk checked at once) meets the limit too.
    fits = good(1).replace('"请今晚上报台账"', nested(MAX_DEPTH - 3))
    too_deep = good(2).replace('"请今晚上报台账"', nested(MAX_DEPTH - 2))
    assert read(export(tmp_path / "fits.json", [fits]))[0] == [1]
    ids, stream = read(export(tmp_path / "deep.json", [too_deep, good(3)]))
    assert ids == [3]
    assert stream.problems == {OVERSIZED: 1}


def test_brackets_inside_strings_are_text_not_nesting(tmp_path: Path) -> None:
    brackets = '[{"' + nested(2_000) + '\\"]}'  # deeper than MAX_DEPTH, shorter than a text
    entries = [good(1, text=brackets), good(2).replace('"请今晚上报台账"', nested(40)), good(3)]
    _, stream = read_chat(export(tmp_path / "result.json", entries), None, SHANGHAI)
    texts = {found.id: found.text for found in stream}
    assert texts == {1: brackets, 3: "请今晚上报台账"}
    assert stream.problems == {OVERSIZED: 1}


def test_refused_values_in_a_full_account_export_skip_their_messages(tmp_path: Path) -> None:
    long_text = "截" * (MAX_STRING_CHARS + 1)
    chat = {
        "name": "工作群",
        "type": "private_supergroup",
        "id": 77,
        "messages": [
            message(1),
            message(2, text=long_text),
            message(3, text=json.loads(nested(40))),
            message(4, text="\u0000fingertip:too-deep"),
            message(5),
        ],
    }
    path = tmp_path / "result.json"
    path.write_text(
        json.dumps({"chats": {"list": [{"name": "其他", "id": 9, "messages": []}, chat]}}),
        encoding="utf-8",
    )
    _, stream = read_chat(path, "77", SHANGHAI)
    assert [found.id for found in stream] == [1, 5]
    assert stream.problems == {OVERSIZED: 3}


def test_an_overlong_string_of_escapes_is_cut_between_escapes(tmp_path: Path) -> None:
    # Written with \u escapes (ensure_ascii), the string is cut where the limit falls: never
    # inside an escape, which the parser would take for a corrupt file. A lone surrogate in
    # the same chunk sends it down the careful path; a character just below the surrogates
    # (U+D7FF) is no surrogate and stays.
    entries = [
        json.dumps(message(1, text="截" * (MAX_STRING_CHARS + 1))),
        json.dumps(message(2, text="\ud7ff\ud800")),
        json.dumps(message(3)),
    ]
    ids, stream = read(export(tmp_path / "result.json", entries))
    assert ids == [2, 3]
    assert stream.problems == {OVERSIZED: 1}
    _, again = read_chat(tmp_path / "result.json", None, SHANGHAI)
    assert next(found.text for found in again) == "\ud7ff\ufffd"
