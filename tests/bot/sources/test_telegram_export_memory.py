"""A ~50 MB export is streamed: peak Python memory stays far below the file size."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import pytest

from bot.sources.telegram_export import list_chats, read_chat

MESSAGES = 20_000
PEAK_LIMIT = 20 * 1024 * 1024
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_UNIXTIME = 1_757_894_400  # 2025-09-15 08:00 in Shanghai


# A long notice keeps the file big with few JSON values: tracemalloc makes every value slow.
NOTICE = "各网格员：请于今晚前完成辖区走访，填写走访台账并拍照留痕，逐户核对人口信息。" * 10


def write_messages(out: TextIO, count: int) -> None:
    """Messages shaped like Telegram's, about 2.6 kB each, written one at a time."""
    for i in range(1, count + 1):
        message = {
            "id": i,
            "type": "message",
            "date": "2025-09-15T08:00:00",
            "date_unixtime": str(FIRST_UNIXTIME + 60 * i),
            "from": "网格员" + str(i % 7),
            "from_id": f"user{1000 + i % 7}",
            "reply_to_message_id": max(i - 1, 1),
            "text": [
                f"第{i}条：{NOTICE} ",
                {"type": "mention", "text": "@all"},
            ],
            "text_entities": [
                {"type": "plain", "text": f"第{i}条：{NOTICE} "},
                {"type": "mention", "text": "@all"},
            ],
        }
        out.write(("," if i > 1 else "") + "\n  " + json.dumps(message, ensure_ascii=False))


def write_single(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "name": "大群", "type": "private_supergroup", "id": 777, "messages": [')
        write_messages(out, MESSAGES)
        out.write("\n ]\n}\n")


def write_full(path: Path) -> None:
    """The big chat comes second, after a smaller one, so the reader must skip to it."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "about": "export", "chats": {"about": "chats", "list": [\n')
        out.write('{"name": "小群", "type": "private_group", "id": 5, "messages": [')
        write_messages(out, MESSAGES // 10)
        out.write(']},\n{"name": "大群", "type": "private_supergroup", "id": 777, "messages": [')
        write_messages(out, MESSAGES)
        out.write(']}\n]},\n "left_chats": {"about": "left", "list": [')
        out.write('{"name": "旧群", "type": "private_supergroup", "id": 9, "messages": []}]}\n}\n')


@pytest.fixture(scope="module", params=[write_single, write_full], ids=["single", "full"])
def big_export(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    writer: Callable[[Path], None] = request.param
    path = tmp_path_factory.mktemp("big") / "result.json"
    writer(path)
    return path


def test_export_is_big_enough_to_matter(big_export: Path) -> None:
    assert big_export.stat().st_size > 45 * 1024 * 1024


def test_reading_all_messages_keeps_memory_low(big_export: Path) -> None:
    tracemalloc.start()
    try:
        chat, stream = read_chat(big_export, "大群", SHANGHAI)
        count = 0
        last_id = 0
        for message in stream:
            count += 1
            last_id = message.id
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chat.id == 777
    assert (count, last_id, stream.skipped) == (MESSAGES, MESSAGES, 0)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB"


def test_listing_chats_keeps_memory_low(big_export: Path) -> None:
    tracemalloc.start()
    try:
        names = [chat.name for chat in list_chats(big_export)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "大群" in names
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB"
