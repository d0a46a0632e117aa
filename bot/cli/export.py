"""``fingertip export``: the weekly figures per group from the bot's store, as CSV or JSON."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.errors import clear_errors, fail
from bot.cli.options import ConfigOption
from bot.config.settings import load_settings


class TableFormat(StrEnum):
    """How ``export`` writes the rows."""

    CSV = "csv"
    JSON = "json"


def export(
    output_format: Annotated[
        TableFormat, typer.Option("--format", help="csv or json.")
    ] = TableFormat.CSV,
    group: Annotated[
        list[int] | None, typer.Option(help="Only this group id (repeatable).")
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="Only the groups within this unit, e.g. 城南区/城南街道.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="The bot's data directory (default: the configured one).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Export the weekly figures of every group in the store (one row per group and week)."""
    from bot.render.table_export import rows_csv, rows_json, weekly_rows
    from bot.usecases.export import export_digests

    with clear_errors():
        settings = load_settings(config)
        if data_dir is not None:
            settings = settings.model_copy(update={"data_dir": data_dir})
        digests = asyncio.run(export_digests(settings, datetime.now(UTC), group, unit))
    rows = weekly_rows(digests)
    text = rows_csv(rows) if output_format is TableFormat.CSV else rows_json(rows) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}")
