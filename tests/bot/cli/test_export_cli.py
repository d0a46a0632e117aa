"""``audit --format csv``, ``audit --html FILE`` and ``fingertip export``: the same figures as
the JSON digest, a self-contained page, and a hostile group name kept out of formulas."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bot.cli import app
from tests.bot.cli.test_audit_cli import MESSAGES

HOSTILE = '=HYPERLINK("http://evil.example","点这里")<script>alert(1)</script>'


def write_export(tmp_path: Path, name: str = "测试工作群") -> Path:
    path = tmp_path / "result.json"
    document = {"name": name, "type": "private_group", "id": 4242, "messages": MESSAGES}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def audit_json(path: Path) -> dict[str, Any]:
    result = run("audit", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_audit_csv_has_the_json_figures(tmp_path: Path) -> None:
    path = write_export(tmp_path)
    weeks = audit_json(path)["weeks"]
    result = run("audit", str(path), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["week"] for row in rows] == [week["week"] for week in weeks]
    for row, week in zip(rows, weeks, strict=True):
        assert int(row["messages"]) == week["messages"]
        assert int(row["label_proof_demand"]) == week["labels"]["proof_demand"]
        for metric in week["metrics"]:
            assert row[f"{metric['id']}_status"] == metric["status"]


def test_audit_html_writes_one_self_contained_page(tmp_path: Path) -> None:
    path = write_export(tmp_path, HOSTILE)
    page = tmp_path / "digest.html"
    result = run("audit", str(path), "--html", str(page), "--lang", "en")
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    # Nothing is fetched: every src and href is inline data (or a fragment).
    references = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert references
    assert all(ref.startswith("data:") for ref in references)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    # The embedded CSV download carries every week, with the hostile name neutralised.
    download = next(ref for ref in references if ref.startswith("data:text/csv"))
    figures = base64.b64decode(download.split(",", 1)[1]).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(figures)))
    assert {row["week"] for row in rows} == {"2025-W39", "2025-W40"}
    assert all(row["group_name"] == "'" + HOSTILE for row in rows)


def test_export_reads_the_weekly_figures_from_the_store(tmp_path: Path) -> None:
    path = write_export(tmp_path, HOSTILE)
    data_dir = tmp_path / "data"
    audited = run("audit", str(path), "--format", "json", "--data-dir", str(data_dir))
    assert audited.exit_code == 0, audited.output
    weeks = json.loads(audited.stdout)["weeks"]

    as_json = run("export", "--format", "json", "--data-dir", str(data_dir))
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert [(row["group_id"], row["week"]) for row in rows] == [
        (4242, week["week"]) for week in weeks
    ]
    assert [row["demands"] for row in rows] == [week["demands"] for week in weeks]
    # An audit stores no chat title (the live bot keeps the group's), so the id names it.
    assert {row["group_name"] for row in rows} == {"4242"}

    out = tmp_path / "figures.csv"
    as_csv = run("export", "--data-dir", str(data_dir), "-o", str(out))
    assert as_csv.exit_code == 0, as_csv.output
    parsed = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [int(row["messages"]) for row in parsed] == [week["messages"] for week in weeks]


def test_export_to_an_unwritable_file_is_one_line(tmp_path: Path) -> None:
    result = run("export", "--data-dir", str(tmp_path / "data"), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.output.startswith("fingertip: cannot write")
    assert "Traceback" not in result.output


def test_export_of_a_unit_has_only_the_groups_within_it(tmp_path: Path) -> None:
    path = write_export(tmp_path, HOSTILE)
    data_dir = tmp_path / "data"
    assert run("audit", str(path), "--data-dir", str(data_dir)).exit_code == 0
    config = tmp_path / "fingertip.toml"
    config.write_text('[units]\n"4242" = "城南区/城南街道/青禾社区"\n', encoding="utf-8")
    common = ["export", "--format", "json", "--data-dir", str(data_dir), "--config", str(config)]
    inside = run(*common, "--unit", "城南区/城南街道")
    assert inside.exit_code == 0, inside.output
    assert {row["group_id"] for row in json.loads(inside.stdout)} == {4242}
    outside = run(*common, "--unit", "城北区")
    assert outside.exit_code == 0, outside.output
    assert json.loads(outside.stdout) == []
