"""Conversations written as thread records turned into Telegram Desktop exports and gold files.

A thread record is the shape of the thread corpora: ``{"thread", "messages": [{"id", "sender",
"time", "reply_to", "attachment", "forwarded", "text", "labels", "exempt"}]}``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

_TZ = ZoneInfo("Asia/Shanghai")


def _export_message(message: dict[str, Any], offset: int, thread: int) -> dict[str, Any]:
    sent = datetime.fromisoformat(message["time"]).replace(tzinfo=_TZ)
    entry: dict[str, Any] = {
        "id": offset + int(message["id"]),
        "type": "message",
        "date": sent.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(sent.timestamp())),
        "from": message["sender"],
        "text": message["text"],
    }
    # senders are pseudonyms inside their thread only: s1 of one thread is not s1 of the next
    entry["from_id"] = f"user{thread}{''.join(str(ord(c)) for c in message['sender'])}"
    if message.get("reply_to") is not None:
        entry["reply_to_message_id"] = offset + int(message["reply_to"])
    if message.get("forwarded"):
        entry["forwarded_from"] = "Forwarded notice"
    attachment = message.get("attachment")
    if attachment == "photo":
        entry["photo"] = "photos/photo.jpg"
    elif attachment == "video":
        entry["file"] = "video_files/clip.mp4"
        entry["media_type"] = "video_file"
    elif attachment and attachment.startswith("file:"):
        entry["file"] = f"files/{attachment[5:]}"
        entry["file_name"] = attachment[5:]
    return entry


def thread_export(threads: list[dict[str, Any]], gap: int = 1000) -> dict[str, Any]:
    """One single-chat export holding ``threads`` one after another (ids offset by ``gap``)."""
    messages = [
        _export_message(message, index * gap, index)
        for index, thread in enumerate(threads)
        for message in thread["messages"]
    ]
    return {"name": "threads", "type": "private_supergroup", "id": 4242, "messages": messages}


def thread_gold(threads: list[dict[str, Any]], gap: int = 1000) -> list[dict[str, Any]]:
    """The gold lines of ``thread_export(threads, gap)``."""
    return [
        {"id": index * gap + int(m["id"]), "labels": m["labels"], "exempt": m["exempt"]}
        for index, thread in enumerate(threads)
        for m in thread["messages"]
    ]


def write_pair(directory: Path, name: str, threads: list[dict[str, Any]]) -> tuple[Path, Path]:
    """Write ``NAME.json`` and ``NAME.gold.jsonl`` for ``threads`` into ``directory``."""
    export = directory / f"{name}.json"
    gold = directory / f"{name}.gold.jsonl"
    export.write_text(json.dumps(thread_export(threads), ensure_ascii=False), encoding="utf-8")
    gold.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in thread_gold(threads)),
        encoding="utf-8",
    )
    return export, gold
