"""Reading Telegram Desktop exports: both shapes, every message field, chat choice, errors."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sources.telegram_export import (
    ChatSummary,
    ExportedMessage,
    ExportError,
    list_chats,
    read_chat,
)

FIXTURES = Path(__file__).parent / "fixtures"
SINGLE = FIXTURES / "single_chat.json"
FULL = FIXTURES / "full_account.json"
MALFORMED = FIXTURES / "malformed_messages.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def read_all(
    path: Path, chat: str | None = None, tz: ZoneInfo = SHANGHAI
) -> list[ExportedMessage]:
    _, stream = read_chat(path, chat, tz)
    return list(stream)


@pytest.fixture(scope="module")
def single() -> dict[int, ExportedMessage]:
    return {message.id: message for message in read_all(SINGLE)}


def test_single_chat_export_lists_its_one_chat() -> None:
    assert list_chats(SINGLE) == [ChatSummary(1987654321, "测试网格群", "private_supergroup")]


def test_single_chat_reads_every_message_in_order() -> None:
    chat, stream = read_chat(SINGLE, None, SHANGHAI)
    ids = [message.id for message in stream]
    assert chat.name == "测试网格群"
    assert ids == list(range(1, 17))
    assert (stream.read, stream.skipped) == (16, 0)


def test_text_with_entities_is_flattened(single: dict[int, ExportedMessage]) -> None:
    push = single[3]
    assert push.text == "@liming_grid 请把走访台账今晚发我，模板见 https://example.org/form"
    assert push.kind == "message"
    assert (push.sender_id, push.sender_name) == ("user1001", "王建国")
    assert push.sent_at == shanghai("2025-09-22T21:15:03")
    assert push.sent_at.tzinfo is not None
    assert push.media is None
    assert push.edited_at is None


def test_reply(single: dict[int, ExportedMessage]) -> None:
    assert single[4].reply_to_message_id == 3
    assert single[4].text == "收到"


def test_photo_without_text(single: dict[int, ExportedMessage]) -> None:
    photo = single[5]
    assert (photo.media, photo.text, photo.file_name) == ("photo", "", None)


def test_photo_caption_is_the_text(single: dict[int, ExportedMessage]) -> None:
    assert (single[6].media, single[6].text) == ("photo", "入户走访现场")


def test_file_with_file_name(single: dict[int, ExportedMessage]) -> None:
    assert (single[7].media, single[7].file_name) == ("file", "走访台账.xlsx")


def test_file_name_falls_back_to_the_path(single: dict[int, ExportedMessage]) -> None:
    assert (single[15].media, single[15].file_name, single[15].text) == (
        "file",
        "通知.docx",
        "见附件",
    )


def test_edited_message(single: dict[int, ExportedMessage]) -> None:
    assert single[8].edited_at == shanghai("2025-09-23T09:12:30")
    assert single[8].sent_at == shanghai("2025-09-23T09:10:00")


def test_missing_unixtime_uses_the_given_zone() -> None:
    in_shanghai = {m.id: m for m in read_all(SINGLE, tz=SHANGHAI)}[9].sent_at
    in_berlin = {m.id: m for m in read_all(SINGLE, tz=BERLIN)}[9].sent_at
    assert in_shanghai == datetime(2025, 9, 23, 2, 5, tzinfo=UTC)
    assert in_berlin == datetime(2025, 9, 23, 8, 5, tzinfo=UTC)


def test_unixtime_wins_over_the_zone() -> None:
    in_berlin = {m.id: m for m in read_all(SINGLE, tz=BERLIN)}[3].sent_at
    assert in_berlin == shanghai("2025-09-22T21:15:03")


def test_service_messages(single: dict[int, ExportedMessage]) -> None:
    created, pinned = single[1], single[10]
    assert (created.kind, created.action, created.sender_id) == (
        "service",
        "create_group",
        "user1001",
    )
    assert (pinned.kind, pinned.action, pinned.sender_name) == ("service", "pin_message", "王建国")
    assert pinned.media is None


def test_forward_sticker_voice_bot_and_deleted_sender(single: dict[int, ExportedMessage]) -> None:
    assert single[11].forwarded_from == "云溪街道办"
    assert (single[12].media, single[12].file_name) == ("sticker", None)
    assert single[13].media == "voice_message"
    assert single[14].via_bot == "@vote"
    assert (single[16].sender_name, single[16].sender_id) == (None, "user0")


def test_full_account_lists_chats_then_left_chats() -> None:
    assert list_chats(FULL) == [
        ChatSummary(1987654321, "云溪网格群", "private_supergroup"),
        ChatSummary(1001, "王建国", "personal_chat"),
        ChatSummary(1002, "", "saved_messages"),
        ChatSummary(1555555555, "旧项目群", "private_supergroup"),
    ]


def test_full_account_needs_a_chat() -> None:
    with pytest.raises(ExportError, match="--chat") as raised:
        read_chat(FULL, None, SHANGHAI)
    assert "4 chats" in str(raised.value)


@pytest.mark.parametrize("query", ["云溪网格群", "  云溪网格群 ", "1987654321", "-1001987654321"])
def test_full_account_chat_by_name_or_id(query: str) -> None:
    chat, stream = read_chat(FULL, query, SHANGHAI)
    assert chat.id == 1987654321
    assert [m.id for m in stream] == [101, 102, 103]


def test_full_account_reads_only_the_chosen_chat() -> None:
    assert [m.text for m in read_all(FULL, "王建国")] == ["周末也要报吗", "要的"]
    assert [m.id for m in read_all(FULL, "1002")] == [1]


def test_left_chat_by_name_case_insensitively(tmp_path: Path) -> None:
    renamed = tmp_path / "result.json"
    renamed.write_text(FULL.read_text("utf-8").replace("旧项目群", "Old Project"), "utf-8")
    chat, stream = read_chat(renamed, "old PROJECT", SHANGHAI)
    assert chat == ChatSummary(1555555555, "Old Project", "private_supergroup")
    assert [m.text for m in stream] == ["项目结束，感谢大家", "辛苦了"]


def test_single_chat_by_name_and_by_id() -> None:
    assert read_chat(SINGLE, "测试网格群", SHANGHAI)[0].id == 1987654321
    assert read_chat(SINGLE, "-1001987654321", SHANGHAI)[0].id == 1987654321


def test_unknown_chat_names_the_choices() -> None:
    with pytest.raises(ExportError) as raised:
        read_chat(FULL, "不存在的群", SHANGHAI)
    message = str(raised.value)
    assert "'不存在的群'" in message
    assert "--chat" in message
    assert "'云溪网格群'" in message
    assert "'旧项目群'" in message


def test_ambiguous_name_asks_for_an_id(tmp_path: Path) -> None:
    twins = tmp_path / "result.json"
    twins.write_text(FULL.read_text("utf-8").replace("旧项目群", "云溪网格群"), "utf-8")
    with pytest.raises(ExportError, match="1555555555"):
        read_chat(twins, "云溪网格群", SHANGHAI)
    assert read_chat(twins, "1555555555", SHANGHAI)[0].id == 1555555555


def test_directory_with_result_json_is_accepted(tmp_path: Path) -> None:
    shutil.copy(SINGLE, tmp_path / "result.json")
    assert list_chats(tmp_path)[0].id == 1987654321
    assert len(read_all(tmp_path)) == 16


def test_directory_without_result_json(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"folder without result\.json"):
        list_chats(tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        read_chat(tmp_path / "nope.json", None, SHANGHAI)


@pytest.mark.parametrize(
    "content", [b"hello, this is not JSON", b"\x89PNG\r\n\x1a\n\x00\x00", b"{{"]
)
def test_not_json(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(ExportError, match="is not JSON"):
        list_chats(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(b"")
    with pytest.raises(ExportError, match="is empty"):
        list_chats(path)


@pytest.mark.parametrize("content", ['[{"id": 1}]', '"text"', "42"])
def test_json_that_is_not_an_object(tmp_path: Path, content: str) -> None:
    path = tmp_path / "result.json"
    path.write_text(content)
    with pytest.raises(ExportError, match="not a Telegram Desktop export"):
        list_chats(path)


def test_json_object_without_messages_or_chats() -> None:
    with pytest.raises(ExportError, match="has no 'messages' or 'chats' key"):
        read_chat(FIXTURES / "not_an_export.json", None, SHANGHAI)


def test_truncated_single_chat_reports_messages_read(tmp_path: Path) -> None:
    text = SINGLE.read_text("utf-8")
    cut = text.index('"id": 8,')  # inside message 8: messages 1..7 are complete
    path = tmp_path / "result.json"
    path.write_text(text[:cut], "utf-8")
    chat, stream = read_chat(path, None, SHANGHAI)
    assert chat.id == 1987654321
    seen: list[int] = []
    with pytest.raises(ExportError, match="after 7 messages") as raised:
        seen.extend(message.id for message in stream)
    assert seen == list(range(1, 8))
    assert "cut off or corrupt" in str(raised.value)


def test_truncated_inside_the_chosen_chat_of_a_full_export(tmp_path: Path) -> None:
    text = FULL.read_text("utf-8")
    path = tmp_path / "result.json"
    path.write_text(text[: text.index('"id": 103,')], "utf-8")
    with pytest.raises(ExportError, match="cut off or corrupt"):
        list_chats(path)  # the header scan reads the whole file and finds the cut


def test_truncated_before_messages(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text('{\n "name": "测试网格群",\n "type": "private_sup', "utf-8")
    with pytest.raises(ExportError, match="cut off or corrupt"):
        list_chats(path)


def test_malformed_entries_are_skipped_and_counted() -> None:
    _, stream = read_chat(MALFORMED, None, SHANGHAI)
    messages = {message.id: message for message in stream}
    assert sorted(messages) == [1, 5, 7, 8]
    assert (stream.read, stream.skipped) == (4, 5)
    # Garbled optional fields degrade instead of failing the message.
    assert messages[5].sent_at == shanghai("2025-09-22T10:05:00")  # bad unixtime, good date
    assert messages[5].text == ""
    assert messages[7].text == "ok"
    assert (messages[7].sender_id, messages[7].sender_name) == (None, None)
    assert (messages[7].reply_to_message_id, messages[7].edited_at) == (None, None)


def test_stream_is_lazy_and_closable(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    shutil.copy(SINGLE, path)
    _, stream = read_chat(path, None, SHANGHAI)
    path.unlink()  # nothing is opened until the first message is asked for
    with pytest.raises(ExportError, match="cannot be opened"):
        next(stream)


def test_stream_as_context_manager_stops_early() -> None:
    _, stream = read_chat(SINGLE, None, SHANGHAI)
    with stream:
        first = next(stream)
    assert first.id == 1
    with pytest.raises(StopIteration):
        next(stream)
    assert stream.read == 1
