"""The export read in a process of its own gives what reading it here gives, errors included."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.sources.telegram_export import ExportError, read_chat
from bot.usecases import audit_reader
from bot.usecases.audit import AuditResult
from tests.support.audits import EXAMPLE_EXPORT, audit_export

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.skipif(not audit_reader.usable(), reason="no fork on this system")


def hostile_export(path: Path, cut: bool = False) -> Path:
    """The example export with entries no audit can use among its messages (and, with
    ``cut``, its end cut off)."""
    example = json.loads(EXAMPLE_EXPORT.read_text(encoding="utf-8"))
    messages: list[Any] = list(example["messages"])
    messages[3:3] = ["not an entry", {"id": "x", "type": "message"}]
    messages[10:10] = [dict(messages[9])]  # an id read before
    messages[20:20] = [{"id": 10**6, "type": "message", "date": "garbled"}]
    messages[30:30] = [{"id": 10**6 + 1, "type": "message", "date_unixtime": "4102444801"}]
    example["messages"] = messages
    text = json.dumps(example, ensure_ascii=False)
    if cut:
        text = text[: len(text) * 2 // 3]
    path.write_text(text, encoding="utf-8")
    return path


def audit(export: Path, workers: int) -> AuditResult:
    return audit_export(export, "en", workers=workers)


def test_chunks_come_back_whole_and_in_order() -> None:
    _, here = read_chat(EXAMPLE_EXPORT, None, SHANGHAI)
    _, there = read_chat(EXAMPLE_EXPORT, None, SHANGHAI)
    expected = list(here)
    with audit_reader.read_ahead(there) as chunks:
        received = [message for chunk in chunks for message in chunk]
    assert received == expected
    assert there.read == here.read == len(expected)


def test_skipped_entries_are_counted_as_when_read_here(tmp_path: Path) -> None:
    export = hostile_export(tmp_path / "result.json")
    sequential, pooled = audit(export, 1), audit(export, 2)
    assert sequential.skipped == 5
    assert (pooled.skipped, pooled.skip_summary) == (sequential.skipped, sequential.skip_summary)
    assert pooled.messages == sequential.messages
    assert pooled.digests == sequential.digests


def test_a_cut_off_export_fails_with_the_same_error(tmp_path: Path) -> None:
    export = hostile_export(tmp_path / "result.json", cut=True)
    errors = []
    for workers in (1, 2):
        with pytest.raises(ExportError) as raised:
            audit(export, workers)
        errors.append(str(raised.value))
    assert "cut off or corrupt" in errors[0]
    assert errors[1] == errors[0]


def test_the_reader_is_stopped_when_its_chunks_are_left_unread() -> None:
    _, stream = read_chat(EXAMPLE_EXPORT, None, SHANGHAI)
    # children of earlier tests (a pool still winding down) are no business of this one
    before = {child.pid for child in multiprocessing.active_children()}

    def new_children() -> list[str]:
        return [c.name for c in multiprocessing.active_children() if c.pid not in before]

    with audit_reader.read_ahead(stream) as chunks:
        assert next(chunks)
        assert new_children() == ["fingertip-export-reader"]
    assert new_children() == []
