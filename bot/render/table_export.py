"""Weekly figures as flat rows, for spreadsheets (CSV) and programs (JSON).

CSV cells that a spreadsheet would read as a formula (=, +, -, @, or a leading tab or carriage
return) are prefixed with an apostrophe: a group name such as ``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.core.digest import WeekDigest
from bot.core.labels import ALL_LABELS
from bot.render.json_report import week_summary

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Row = dict[str, Any]


def weekly_row(digest: WeekDigest) -> Row:
    """One group-week: headline counts, every label, every metric's value and status."""
    row: Row = {
        "group_id": digest.group_id,
        "group_name": digest.group_name,
        **week_summary(digest),
        "demands": digest.demands,
        "after_hours_demands": digest.after_hours_demands,
        "exempt_messages": digest.exempt_messages,
        "acknowledgements": digest.acknowledgements,
    }
    for label in ALL_LABELS:
        row[f"label_{label.value}"] = digest.labels[label]
    for metric in digest.metrics:
        row[f"{metric.id.value}"] = metric.value
        row[f"{metric.id.value}_status"] = metric.status.value
    return row


def weekly_rows(digests: Iterable[WeekDigest]) -> list[Row]:
    """Rows of ``digests`` in the order given."""
    return [weekly_row(digest) for digest in digests]


def neutralise(value: object) -> str:
    """The CSV text of ``value``: a would-be formula gets a leading apostrophe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value)
    if isinstance(value, int):
        # A negative number (a supergroup id) is data, not a formula.
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows_csv(rows: Sequence[Row]) -> str:
    """``rows`` as CSV text with a header line (columns of the first row)."""
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(rows[0])
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(row.get(column, "")) for column in columns])
    return buffer.getvalue()


def rows_json(rows: Sequence[Row]) -> str:
    """``rows`` as a JSON array (values as they are: JSON has no formulas)."""
    return json.dumps(list(rows), ensure_ascii=False, indent=2)
