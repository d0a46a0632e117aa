"""Which thread messages the learned step may learn from: those whose own words decide them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.classifier import training
from bot.core.classifier.training import NOT_TRAINED, TERSE_ASKER, own_words
from bot.core.labels import Label

DEMAND = "请各网格今天下班前把独居老人走访台账发群里"
THREAD = {
    "thread": "x1",
    "messages": [
        {"id": 1, "role": "asker", "text": DEMAND, "labels": ["task_push", "report_demand"]},
        {"id": 2, "role": "member", "text": "3网格的台账", "labels": []},
        {"id": 3, "role": "asker", "text": "还差5网格", "labels": ["task_push", "report_demand"]},
        {
            "id": 4,
            "role": "asker",
            "reply_to": 1,
            "text": "今天下班前一定要交齐，区里明天一早要汇总",
            "labels": ["task_push", "report_demand", "urgent_deadline"],
        },
        {
            "id": 5,
            "role": "asker",
            "forwarded": True,
            "text": "转发：各社区本周内完成重点人群摸排并报送名单",
            "labels": ["task_push", "report_demand"],
        },
    ],
}


def test_replies_forwards_and_terse_asker_lines_are_left_to_context() -> None:
    assert len("还差5网格") < TERSE_ASKER
    assert own_words(THREAD) == [
        (DEMAND, frozenset({Label.TASK_PUSH, Label.REPORT_DEMAND})),
        ("3网格的台账", frozenset()),
    ]


def test_thread_files_kept_out_of_training_are_still_listed_but_not_learned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "threads.jsonl").write_text("", encoding="utf-8")
    train = tmp_path / "train"
    train.mkdir()
    line = json.dumps(THREAD, ensure_ascii=False) + "\n"
    kept_out = NOT_TRAINED[0]
    for name in ("threads_a", kept_out):
        (train / f"{name}.jsonl").write_text(line, encoding="utf-8")
    monkeypatch.setattr(training, "TRAIN", train)

    assert kept_out in {name for name, _ in training.thread_files(tmp_path)}
    assert set(training.read_thread_sets(tmp_path)) == {"threads_a"}
