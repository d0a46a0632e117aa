"""``fingertip audit --all``: every group chat of a full-account export, then the roll-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bot.cli import app
from tests.support.paths import REPO_ROOT

APPS = REPO_ROOT / "tests" / "data" / "apps"


def full_account(tmp_path: Path) -> Path:
    """A full-account export holding our two app test groups and one personal chat."""
    chats = [
        json.loads((APPS / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("qinghe_apps", "clinic_apps")
    ]
    personal = {"name": "妈妈", "type": "personal_chat", "id": 55, "messages": []}
    export = {
        "about": "Here is the data you requested.",
        "chats": {"about": "chats", "list": [*chats, personal]},
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["audit", *args])


def test_json_holds_every_group_chat_and_a_ranked_rollup(tmp_path: Path) -> None:
    result = run(str(full_account(tmp_path)), "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [chat["group"]["name"] for chat in document["chats"]] == [
        "青禾社区网格工作群",
        "Riverside clinic team",
    ]
    weeks = document["rollup"]["weeks"]
    chat_weeks = {w["week"] for chat in document["chats"] for w in chat["weeks"]}
    assert [w["week"] for w in weeks] == sorted(chat_weeks)
    for week in weeks:
        scores = [group["score"] for group in week["groups"]]
        assert scores == sorted(scores, reverse=True)
        assert {"chat", "score", "status", "metrics"} <= set(week["groups"][0])
        # The roll-up's totals are the sums of the chats' own weeks.
        own = [w for chat in document["chats"] for w in chat["weeks"] if w["week"] == week["week"]]
        assert week["totals"]["demands"] == sum(w["demands"] for w in own)
    busiest = next(w for w in weeks if w["week"] == "2025-W45")
    qinghe = next(g for g in busiest["groups"] if g["chat"]["name"] == "青禾社区网格工作群")
    clinic = next(g for g in busiest["groups"] if g["chat"]["name"] == "Riverside clinic team")
    assert clinic["score"] == 0  # no messages that week: listed, ranked last
    app_names = [entry["app"] for entry in busiest["apps"]]
    assert "学习强国" in app_names
    assert qinghe["apps"]["学习强国"] == 2


def test_text_prints_the_rollup_after_the_chats(tmp_path: Path) -> None:
    result = run(str(full_account(tmp_path)), "--all", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Riverside clinic team") < out.index("Roll-up: all groups")
    assert "App 学习强国: burdens 1 groups" in out


def test_a_file_that_is_no_export_gets_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "result.json"
    bad.write_text("[1, 2", encoding="utf-8")
    result = run(str(bad), "--all")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_broken_app_catalogue_gets_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "apps.toml"
    broken.write_text("[[app]]\nname = \n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["audit", str(APPS / "qinghe_apps.json")],
        env={"FINGERTIP_APP_CATALOGUE_FILES": json.dumps([str(broken)])},
    )
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "apps.toml" in line
