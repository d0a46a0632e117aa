"""Weekly figures as CSV and JSON: one row per group-week, would-be formulas neutralised."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.render.table_export import neutralise, rows_csv, rows_json, weekly_rows
from tests.support.audits import audit_example

HOSTILE_NAMES = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE_NAMES)
def test_would_be_formulas_become_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["网格工作群", "Ward 4", "2025-W42", ""])
def test_ordinary_text_is_unchanged(value: str) -> None:
    assert neutralise(value) == value


def test_numbers_stay_numbers() -> None:
    assert neutralise(-100123) == "-100123"
    assert neutralise(0.6) == "0.6"
    assert neutralise(True) == "true"


def test_csv_has_one_row_per_week_with_the_digest_figures() -> None:
    audit = audit_example("en")
    rows = list(csv.DictReader(io.StringIO(rows_csv(weekly_rows(audit.digests)))))
    assert [row["week"] for row in rows] == [digest.week for digest in audit.digests]
    for row, digest in zip(rows, audit.digests, strict=True):
        assert int(row["messages"]) == digest.messages
        assert int(row["demands"]) == digest.demands
        assert row["status"] == digest.status.value
        for metric in digest.metrics:
            assert float(row[metric.id.value]) == pytest.approx(metric.value, rel=1e-3)


def test_a_hostile_group_name_is_neutralised_in_csv_but_kept_in_json() -> None:
    digest = audit_example("en").digests[0]
    rows = [
        dict(row, group_name=name)
        for row, name in zip(
            weekly_rows([digest] * len(HOSTILE_NAMES)), HOSTILE_NAMES, strict=True
        )
    ]
    parsed = list(csv.DictReader(io.StringIO(rows_csv(rows))))
    assert [row["group_name"] for row in parsed] == ["'" + name for name in HOSTILE_NAMES]
    assert [row["group_name"] for row in json.loads(rows_json(rows))] == HOSTILE_NAMES


def test_no_rows_no_csv() -> None:
    assert rows_csv([]) == ""
