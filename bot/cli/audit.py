"""``fingertip audit``: audit a Telegram Desktop chat export and print its weekly digests."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.cli.errors import clear_errors
from bot.cli.options import ConfigOption, LanguageChoice
from bot.config.settings import load_settings
from bot.core.classifier import load_classifier
from bot.core.thresholds import load_threshold_file
from bot.sources.telegram_export import ChatSummary, list_chats


class OutputFormat(StrEnum):
    """How ``audit`` prints its digests."""

    TEXT = "text"
    JSON = "json"


def audit(
    export: Annotated[
        Path, typer.Argument(help="Telegram Desktop export: result.json or its folder.")
    ],
    chat: Annotated[
        str | None, typer.Option(help="Chat name or id in a full-account export.")
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="IANA time zone of the group.")] = None,
    hours: Annotated[
        str | None, typer.Option(help='Working hours, e.g. "mon-fri 09:00-18:00".')
    ] = None,
    calendar: Annotated[str | None, typer.Option(help="Holiday calendar: cn or none.")] = None,
    quiet: Annotated[str | None, typer.Option(help='Quiet hours, e.g. "22:00-07:00".')] = None,
    thresholds: Annotated[
        Path | None, typer.Option(help="TOML file with threshold overrides.")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text or json.")
    ] = OutputFormat.TEXT,
    lang: Annotated[LanguageChoice | None, typer.Option(help="Report language.")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Keep the store here (default: a temporary one).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Audit a chat export and print its weekly digests."""
    from bot.render.json_report import audit_to_dict
    from bot.render.text_report import print_audit
    from bot.usecases.audit import run_audit

    with clear_errors():
        settings = load_settings(
            config,
            timezone=tz,
            working_hours=hours,
            calendar=calendar,
            quiet_hours=quiet,
            language=lang.value if lang else None,
        )
        if chat is None:
            chats = list_chats(export)
            if len(chats) > 1:
                _print_chat_list(chats)
                return
        overrides = load_threshold_file(thresholds) if thresholds else {}
        effective = settings.base_thresholds().with_overrides(overrides)
        classifier = load_classifier(settings.rules_files)
        result = asyncio.run(
            run_audit(
                export,
                chat,
                settings,
                classifier,
                effective,
                now=datetime.now(UTC),
                data_dir=data_dir,
            )
        )
    if output is OutputFormat.JSON:
        document = audit_to_dict(
            result.chat.id,
            result.chat.name,
            result.working_time.timezone.key,
            result.working_time.describe(),
            result.digests,
        )
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        console = Console(highlight=False, soft_wrap=False)
        print_audit(
            console,
            result.chat.name,
            result.working_time.describe(),
            result.digests,
            settings.language,
        )
    if result.skip_summary:
        typer.echo(f"fingertip: {result.skip_summary}", err=True)


def _print_chat_list(chats: list[ChatSummary]) -> None:
    typer.echo("This export holds several chats; choose one with --chat NAME_OR_ID:")
    for summary in chats:
        typer.echo(f"  {summary.id}\t{summary.type}\t{summary.name}")
