"""The embedded store persists across a restart (append-only file in the data directory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.labels import Label
from storage.base import StoreError
from storage.factory import open_store
from tests.support.builders import observation


def _files(directory: Path) -> list[str]:
    return [path.name for path in directory.rglob("*")]


async def test_a_restart_loses_no_data(tmp_path: Path) -> None:
    first = await open_store(None, tmp_path)
    await first.ingest(observation(1, labels={Label.TASK_PUSH}))
    await first.close()
    assert any(name.endswith(".aof") for name in _files(tmp_path))

    second = await open_store(None, tmp_path)
    try:
        week = await second.week(-1001, "2025-W39")
        assert week.labelled == {Label.TASK_PUSH: 1}
        assert await second.ingest(observation(1, labels={Label.TASK_PUSH})) == 0
    finally:
        await second.close()


async def test_a_scratch_server_writes_nothing_to_disk(tmp_path: Path) -> None:
    # The audit's private store: same contract while it runs, no file left behind by it.
    scratch = await open_store(None, tmp_path, persistent=False)
    try:
        assert await scratch.ingest(observation(1, labels={Label.TASK_PUSH})) == 1
        assert await scratch.ingest(observation(1, labels={Label.TASK_PUSH})) == 0
        week = await scratch.week(-1001, "2025-W39")
        assert week.labelled == {Label.TASK_PUSH: 1}
    finally:
        await scratch.close()
    assert not [name for name in _files(tmp_path) if name.endswith((".aof", ".rdb"))]

    reopened = await open_store(None, tmp_path)
    try:
        assert (await reopened.week(-1001, "2025-W39")).labelled == {}
    finally:
        await reopened.close()


async def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot reach Redis"):
        await open_store("redis://127.0.0.1:1/0", tmp_path)
