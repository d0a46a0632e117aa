"""The labelled thread files under tests/data/train keep their README's format and conventions.

The shared corpus's ``validate_threads.py`` allows 2-8 messages and no ``app_kinds``, so it
rejects these longer files as written; this checks what the training README promises instead.
A broken line would silently train or score on wrong gold.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.labels import ALL_LABELS, Label
from tests.support.paths import REPO_ROOT

TRAIN = REPO_ROOT / "tests" / "data" / "train"
THREAD_KEYS = ("thread", "lang", "setting", "messages")
MESSAGE_KEYS = (
    "id", "sender", "role", "time", "reply_to", "attachment", "forwarded", "text", "labels",
    "exempt", "why",
)  # fmt: skip
APP_KINDS = ("download", "checkin", "points", "engage", "upload", "data_entry")
LANGUAGES = {"en", "zh-Hans", "zh-Hant", "mixed"}
LABELS = {label.value for label in ALL_LABELS}
NEEDS_TASK = {Label.PROOF_DEMAND.value, Label.REPORT_DEMAND.value, Label.APP_DEMAND.value}


def problems(thread: dict[str, Any]) -> list[str]:
    """What in one thread breaks the training README's format or conventions (empty: none)."""
    found: list[str] = []
    name = thread.get("thread", "?")
    if tuple(thread) != THREAD_KEYS:
        found.append(f"{name}: fields {list(thread)}, expected {list(THREAD_KEYS)}")
        return found
    if thread["lang"] not in LANGUAGES:
        found.append(f"{name}: unknown lang {thread['lang']!r}")
    seen: set[int] = set()
    for message in thread["messages"]:
        found += [f"{name}#{message.get('id')}: {p}" for p in _message_problems(message, seen)]
        seen.add(message.get("id"))
    return found


def _message_problems(message: dict[str, Any], earlier: set[int]) -> list[str]:
    found = []
    keys = tuple(key for key in message if key not in ("apps", "app_kinds", "cases"))
    if keys != MESSAGE_KEYS:
        found.append(f"fields {list(message)}")
        return found
    labels = set(message["labels"])
    if message["id"] in earlier:
        found.append("id used twice")
    if message["reply_to"] is not None and message["reply_to"] not in earlier:
        found.append(f"reply_to {message['reply_to']} is no earlier message")
    if message["role"] not in ("asker", "member"):
        found.append(f"role {message['role']!r}")
    if not labels <= LABELS:
        found.append(f"unknown labels {sorted(labels - LABELS)}")
    if message["role"] == "member" and labels:
        found.append("a member's message carries labels")
    if labels & NEEDS_TASK and Label.TASK_PUSH.value not in labels:
        found.append("a proof, report or app demand without task_push")
    if message["exempt"] and not labels:
        found.append("exempt without labels")
    app = Label.APP_DEMAND.value in labels
    if app != ("apps" in message) or app != ("app_kinds" in message):
        found.append("apps and app_kinds must be there exactly on app_demand")
    kinds = message.get("app_kinds")
    if kinds is not None and (not kinds or [kind for kind in APP_KINDS if kind in kinds] != kinds):
        found.append(f"app_kinds {kinds} must be known kinds, once each, in README order")
    try:
        datetime.fromisoformat(message["time"])
    except (TypeError, ValueError):
        found.append(f"time {message['time']!r} is not ISO 8601")
    return found


def _files() -> list[Path]:
    return sorted(TRAIN.glob("threads_*.jsonl"))


@pytest.mark.parametrize("path", _files(), ids=lambda path: path.stem)
def test_every_thread_keeps_the_format_and_conventions(path: Path) -> None:
    letter = path.stem.removeprefix("threads_")
    found: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        thread = json.loads(line)
        if not str(thread.get("thread", "")).startswith(letter):
            found.append(f"line {number}: thread id {thread.get('thread')!r} outside {letter}…")
        found += problems(thread)
    assert found == []


def test_thread_ids_are_unique_across_files() -> None:
    ids = [
        json.loads(line)["thread"]
        for path in _files()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(ids) == len(set(ids))


def test_the_checker_names_each_broken_convention() -> None:
    good = {
        "id": 1, "sender": "s1", "role": "asker", "time": "2025-05-06T09:00", "reply_to": None,
        "attachment": None, "forwarded": False, "text": "t", "labels": ["task_push"],
        "exempt": False, "why": "",
    }  # fmt: skip
    assert problems({"thread": "x1", "lang": "en", "setting": "s", "messages": [good]}) == []
    broken = [
        {**good, "id": 2, "labels": ["report_demand"]},
        {**good, "id": 3, "labels": ["task_push", "app_demand"]},
        {**good, "id": 4, "reply_to": 9},
        {**good, "id": 5, "labels": [], "exempt": True},
        {
            **good,
            "id": 6,
            "labels": ["task_push", "app_demand"],
            "apps": ["X"],
            "app_kinds": ["upload", "download"],
        },
        {**good, "id": 7, "time": "Tuesday"},
        {**good, "id": 8, "role": "member"},
    ]
    found = problems({"thread": "x1", "lang": "en", "setting": "s", "messages": [good, *broken]})
    assert [problem.split(": ", 1)[0] for problem in found] == [
        f"x1#{number}" for number in (2, 3, 4, 5, 6, 7, 8)
    ]
