"""``fingertip audit``: the main offline job, from a Telegram Desktop export to weekly digests."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from redis import Redis
from typer.testing import CliRunner

from bot.cli import app
from storage.cluster import connect
from tests.support.redis import claim_database

SHANGHAI = ZoneInfo("Asia/Shanghai")
BOSS, MEMBER = "user1001", "user1002"


def entry(message_id: int, when: datetime, sender: str, text: Any, **extra: Any) -> dict[str, Any]:
    """One exported message as Telegram Desktop writes it."""
    return {
        "id": message_id,
        "type": "message",
        "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(when.timestamp())),
        "from": "主任" if sender == BOSS else "网格员",
        "from_id": sender,
        "text": text,
        **extra,
    }


def local(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


# The planted week 2025-W39 (Mon 09-22 … Sun 09-28, a make-up working day) and 10-01 (holiday).
MESSAGES = [
    entry(1, local(22, 10), BOSS, "请各村周五前报送秋收统计表。"),
    entry(2, local(22, 21, 30), BOSS, "请大家今晚11点前把走访照片发群里。"),
    entry(
        3,
        local(22, 23, 10),
        BOSS,
        ["各位今晚务必完成", {"type": "bold", "text": "App打卡"}, "并截图。"],
    ),
    entry(4, local(22, 23, 15), MEMBER, "收到"),
    entry(5, local(27, 10), BOSS, "请各位周六到岗，把台账交上来。"),
    entry(6, local(28, 10), BOSS, "请各位周三前把检查表填好交上来。"),
    entry(7, local(23, 12), MEMBER, "", photo="photos/photo_1.jpg", width=800, height=600),
    {
        "id": 8,
        "type": "service",
        "date": "2025-09-23T12:01:00",
        "date_unixtime": "1758600060",
        "actor": "主任",
        "actor_id": BOSS,
        "action": "pin_message",
        "text": "",
    },
    entry(9, local(1, 10, month=10), BOSS, "请各村今天把走访表报上来。"),
]


def export(tmp_path: Path, messages: list[dict[str, Any]] | None = None) -> Path:
    path = tmp_path / "result.json"
    document = {
        "name": "测试工作群",
        "type": "private_group",
        "id": 4242,
        "messages": messages or MESSAGES,
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_json_digest_counts_the_planted_week(tmp_path: Path) -> None:
    result = run("audit", str(export(tmp_path)), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["group"] == {"id": 4242, "name": "测试工作群"}
    assert document["timezone"] == "Asia/Shanghai"
    weeks = {week["week"]: week for week in document["weeks"]}
    assert sorted(weeks) == ["2025-W39", "2025-W40"]

    w39 = weeks["2025-W39"]
    assert w39["start"] == "2025-09-22"
    assert w39["messages"] == 7
    assert w39["after_hours_messages"] == 4
    assert w39["after_hours_task_push"] == 3
    assert w39["task_push_senders"] == 1
    assert w39["labels"] == {
        "task_push": 5,
        "proof_demand": 2,
        "report_demand": 3,
        "ack_demand": 0,
        "app_demand": 1,
        "urgent_deadline": 2,
    }
    assert w39["exempt"] == 0
    metrics = {metric["id"]: metric for metric in w39["metrics"]}
    assert set(metrics["after_hours_task_push"]) >= {
        "value",
        "warn",
        "alert",
        "status",
        "provision",
    }
    assert metrics["after_hours_task_push"]["status"] == "warn"
    assert metrics["proof_demand"]["status"] == "warn"
    assert metrics["ack_demand"]["status"] == "ok"
    assert w39["rest_day_demand_days"] == ["2025-09-27"]
    assert all(len(item["excerpt"]) <= 140 for item in w39["evidence"])

    w40 = weeks["2025-W40"]
    assert (w40["messages"], w40["after_hours_messages"], w40["after_hours_task_push"]) == (
        1,
        1,
        1,
    )


def test_working_hours_and_time_zone_options_change_the_bands(tmp_path: Path) -> None:
    result = run(
        "audit",
        str(export(tmp_path)),
        "--format",
        "json",
        "--hours",
        "mon-sun 08:00-24:00",
        "--quiet",
        "off",
        "--calendar",
        "none",
    )
    assert result.exit_code == 0, result.output
    w39 = json.loads(result.stdout)["weeks"][0]
    assert w39["after_hours_messages"] == 0
    assert w39["after_hours_task_push"] == 0


def test_the_text_report_shows_its_assumptions(tmp_path: Path) -> None:
    result = run("audit", str(export(tmp_path)), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Asia/Shanghai, mon-fri 09:00-18:00" in result.stdout
    assert "2025-W39" in result.stdout
    assert "possible conflict with" in result.stdout


def test_thresholds_file_overrides_defaults(tmp_path: Path) -> None:
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text("[after_hours_task_push]\nwarn = 5\nalert = 9\nquiet_warn = 4\n")
    result = run(
        "audit", str(export(tmp_path)), "--format", "json", "--thresholds", str(thresholds)
    )
    assert result.exit_code == 0, result.output
    metric = next(
        m
        for m in json.loads(result.stdout)["weeks"][0]["metrics"]
        if m["id"] == "after_hours_task_push"
    )
    assert (metric["warn"], metric["alert"], metric["status"]) == (5, 9, "ok")


def test_a_full_account_export_lists_its_chats_without_chat(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    chats = [
        {"name": "甲群", "type": "private_group", "id": 1, "messages": MESSAGES[:2]},
        {"name": "乙群", "type": "private_supergroup", "id": 2, "messages": MESSAGES[2:4]},
    ]
    path.write_text(json.dumps({"about": "x", "chats": {"about": "y", "list": chats}}), "utf-8")
    listing = run("audit", str(path))
    assert listing.exit_code == 0
    assert "甲群" in listing.stdout
    assert "乙群" in listing.stdout
    chosen = run("audit", str(path), "--chat", "乙群", "--format", "json")
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["weeks"][0]["messages"] == 2


@pytest.mark.parametrize(
    ("content", "arguments", "fragment"),
    [
        (None, ["missing.json"], "does not exist"),
        ("this is not json", [], "not"),
        ('{"hello": "world"}', [], "not a Telegram Desktop export"),
        (None, ["--chat", "nobody"], "nobody"),
        (None, ["--tz", "Mars/Base"], "Mars/Base"),
        (None, ["--hours", "9-18"], "hours"),
    ],
)
def test_bad_input_gets_one_clear_line(
    tmp_path: Path, content: str | None, arguments: list[str], fragment: str
) -> None:
    path = export(tmp_path)
    if content is not None:
        path.write_text(content, encoding="utf-8")
    if arguments[:1] == ["missing.json"]:
        target, arguments = str(tmp_path / "missing.json"), arguments[1:]
    else:
        target = str(path)
    result = run("audit", target, *arguments)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_a_kept_data_dir_does_not_double_count_a_second_run(tmp_path: Path) -> None:
    path = export(tmp_path)
    first = run("audit", str(path), "--format", "json", "--data-dir", str(tmp_path / "store"))
    second = run("audit", str(path), "--format", "json", "--data-dir", str(tmp_path / "store"))
    assert first.exit_code == second.exit_code == 0
    assert json.loads(first.stdout)["weeks"][0]["messages"] == 7
    assert json.loads(second.stdout)["weeks"][0]["messages"] == 7


def test_an_audit_never_writes_into_the_configured_live_store(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a database the tests own is emptied (claim_database refuses anything else); what is
    # left afterwards is its ownership mark alone.
    asyncio.run(_claim(redis_url))
    live = Redis.from_url(redis_url)
    owned = live.dbsize()
    live_dir = tmp_path / "live-data"
    # The live bot's configuration, even from a .env in the working directory.
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        f"FINGERTIP_REDIS_URL={redis_url}\nFINGERTIP_DATA_DIR={live_dir}\n", encoding="utf-8"
    )
    try:
        private = run("audit", str(export(tmp_path)), "--format", "json")
        assert private.exit_code == 0, private.output
        assert json.loads(private.stdout)["weeks"][0]["messages"] == 7
        assert live.dbsize() == owned
        assert not live_dir.exists()
        chosen = run("audit", str(export(tmp_path)), "--format", "json", "--redis-url", redis_url)
        assert chosen.exit_code == 0, chosen.output
        assert live.dbsize() > owned
    finally:
        live.close()
        asyncio.run(_claim(redis_url))


async def _claim(redis_url: str) -> None:
    client = await connect(redis_url)
    try:
        await claim_database(client)
    finally:
        await client.aclose()


def test_the_audit_decides_labels_in_the_conversation(tmp_path: Path) -> None:
    # A duty-photo rule over the holiday is counted (not exempt), a member's file answers it,
    # and the terse chase that replies to it counts as the proof demand it chases.
    messages = [
        entry(
            1,
            local(1, 9, month=10),
            BOSS,
            "国庆值班期间，值班人员每天早晚在群里各发一张在岗照片。",
        ),
        entry(2, local(1, 20, month=10), MEMBER, "", photo="photos/duty.jpg"),
        entry(3, local(2, 21, month=10), BOSS, "@李强 晚上的在岗照呢", reply_to_message_id=1),
    ]
    result = run("audit", str(export(tmp_path, messages)), "--format", "json")
    assert result.exit_code == 0, result.output
    (week,) = json.loads(result.stdout)["weeks"]
    assert week["messages"] == 3
    assert week["exempt"] == 0
    assert week["labels"]["proof_demand"] == 2
    assert week["demand_senders"] == 1
