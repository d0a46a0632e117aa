"""``fingertip demo``: the real bot against a local Telegram double, one scripted week."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.errors import clear_errors
from bot.cli.options import LanguageChoice


def demo(
    lang: Annotated[
        LanguageChoice, typer.Option(help="Language of the digest.")
    ] = LanguageChoice.ZH,
    chart: Annotated[
        Path | None, typer.Option(help="Save the digest's hour chart (PNG) to this file.")
    ] = None,
) -> None:
    """Play a scripted week against a local Telegram double and print the leader's digest."""
    from bot.demo.week import run_demo
    from bot.render.i18n import Translator

    with clear_errors():
        result = asyncio.run(run_demo(lang.value))
    _ = Translator(lang.value)
    typer.echo(
        _(
            "Demo: {messages} messages over one week in a sandboxed work group, {flags} "
            "anonymous flags; the weekly digest fired on Monday 09:00 (Asia/Shanghai). "
            "The leader received:",
            messages=result.group_messages,
            flags=result.flags,
        )
        + "\n"
    )
    for message in result.leader_messages:
        typer.echo(message)
        typer.echo("")
    if result.chart_png is not None:
        where = _("use --chart FILE to save it")
        if chart is not None:
            chart.write_bytes(result.chart_png)
            where = _("saved to {path}", path=str(chart))
        typer.echo(
            _(
                "[and a chart of demands by hour: PNG, {size} bytes; {where}]",
                size=f"{len(result.chart_png):,}",
                where=where,
            )
        )
