"""The classify and eval CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_classify_reads_stdin_and_reports_bad_lines() -> None:
    stdin = (
        '{"id": "a", "text": "请今晚把表发我"}\n'
        "\n"
        "not json\n"
        "[1, 2]\n"
        '{"id": "b"}\n'
        '{"id": "c", "text": "收到"}\n'
    )
    code, out, err = _run("classify", stdin=stdin)
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "c"]
    assert lines[0]["labels"] == ["task_push", "report_demand", "urgent_deadline"]
    assert lines[0]["hits"] and {"label", "rule", "match"} <= set(lines[0]["hits"][0])
    assert lines[1]["labels"] == []
    assert "line 3: not valid JSON" in err
    assert "line 4: not a JSON object" in err
    assert "line 5: has no string 'text'" in err
    assert "line 2" not in err


def test_classify_missing_file_exits_2(tmp_path: Path) -> None:
    code, _out, err = _run("classify", str(tmp_path / "nope.jsonl"))
    assert code == 2
    assert "does not exist" in err
    assert "Traceback" not in err


def test_classify_with_broken_rule_file_exits_2(tmp_path: Path) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text('[[rule]]\nid = "x"\nlabel = "nope"\ntrigger = ["demand"]\n', "utf-8")
    code, _out, err = _run("classify", "--rules", str(rules), stdin="")
    assert code == 2
    assert "unknown label 'nope'" in err


def test_eval_prints_table_and_json(tmp_path: Path) -> None:
    data = tmp_path / "gold.jsonl"
    data.write_text(
        '{"id": 1, "text": "收到请回复", "labels": ["ack_demand"]}\n'
        '{"id": 2, "text": "谢谢大家", "labels": []}\n',
        "utf-8",
    )
    code, out, _err = _run("eval", str(data))
    assert code == 0
    assert "ack_demand" in out
    assert "macro F1" in out
    code, out, _err = _run("eval", "--json", str(data))
    assert code == 0
    report = json.loads(out)
    assert report["labels"]["ack_demand"]["f1"] == 1.0
    assert report["label_free_no_label_share"] == 1.0


def test_eval_rejects_unknown_gold_label(tmp_path: Path) -> None:
    data = tmp_path / "gold.jsonl"
    data.write_text('{"id": 1, "text": "收到", "labels": ["busywork"]}\n', "utf-8")
    code, _out, err = _run("eval", str(data))
    assert code == 2
    assert "unknown label 'busywork'" in err


def _export(tmp_path: Path) -> Path:
    """A small single-chat export: a form demand, a member's file, a chase replying to it."""
    messages = [
        {
            "id": 4711,
            "type": "message",
            "date_unixtime": "1757379600",
            "date": "2025-09-09T09:00:00",
            "from": "主任",
            "from_id": "user1",
            "text": "请各村今天下午5点前把秋粮收购情况统计表填好发我。",
        },
        {
            "id": 4712,
            "type": "message",
            "date_unixtime": "1757383200",
            "date": "2025-09-09T10:00:00",
            "from": "村干部",
            "from_id": "user2",
            "text": "东岭村",
            "file": "files/东岭村秋粮统计表.xlsx",
            "file_name": "东岭村秋粮统计表.xlsx",
        },
        {
            "id": 4713,
            "type": "message",
            "date_unixtime": "1757394000",
            "date": "2025-09-09T13:00:00",
            "from": "主任",
            "from_id": "user1",
            "reply_to_message_id": 4711,
            "text": "还差西岭、南岭",
        },
    ]
    path = tmp_path / "result.json"
    chat = {"name": "乡镇工作群", "type": "private_supergroup", "id": 77, "messages": messages}
    path.write_text(json.dumps(chat, ensure_ascii=False), "utf-8")
    return path


def test_classify_export_decides_every_message_in_context(tmp_path: Path) -> None:
    code, out, _err = _run("classify", "--export", str(_export(tmp_path)))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == [4711, 4712, 4713]
    assert lines[0]["labels"] == ["task_push", "report_demand", "urgent_deadline"]
    assert lines[1]["labels"] == []
    assert lines[1]["context"]["answers"] == 4711
    assert lines[2]["labels"] == ["task_push", "report_demand"]
    assert lines[2]["context"]["chases"] == 4711
    assert {"rule": "context.chase", "match": "chase of message 4711"}.items() <= lines[2]["hits"][
        0
    ].items()


def test_classify_export_with_an_unknown_chat_says_so_in_one_line(tmp_path: Path) -> None:
    code, _out, err = _run("classify", "--export", str(_export(tmp_path)), "--chat", "nope")
    assert code == 2
    assert "no chat 'nope'" in err
    assert "Traceback" not in err
