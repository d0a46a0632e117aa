"""``fingertip audit``: audit a Telegram Desktop chat export and print its weekly digests."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from bot.cli.errors import clear_errors, fail
from bot.cli.options import ConfigOption, LanguageChoice
from bot.config.settings import Settings, load_settings
from bot.core.classifier import load_classifier
from bot.core.thresholds import load_threshold_file
from bot.sources.telegram_export import ChatSummary, list_chats
from bot.usecases.audit_pool import WorkersError, parse_workers

if TYPE_CHECKING:
    from bot.usecases.audit import AuditResult


class OutputFormat(StrEnum):
    """How ``audit`` prints its digests."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"


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
        OutputFormat, typer.Option("--format", help="text, json or csv.")
    ] = OutputFormat.TEXT,
    lang: Annotated[LanguageChoice | None, typer.Option(help="Report language.")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Keep the store here (default: a private, temporary one)."),
    ] = None,
    redis_url: Annotated[
        str | None,
        typer.Option(
            help="Write into this Redis (default: a private, temporary store; "
            "FINGERTIP_REDIS_URL is never used by audits)."
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(help="Also write the digest page of the last week to this HTML file."),
    ] = None,
    all_chats: Annotated[
        bool,
        typer.Option(
            "--all", help="Audit every group chat of a full-account export, then a roll-up."
        ),
    ] = False,
    workers: Annotated[
        str | None,
        typer.Option(
            "--workers",
            help="Processes that classify messages (default: one per CPU; 1: no extra process).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Audit a chat export and print its weekly digests."""
    from bot.render.json_report import audit_to_dict
    from bot.render.text_report import print_audit
    from bot.usecases.audit import run_audit

    try:
        processes = parse_workers(workers)
    except WorkersError as error:
        fail(str(error))
    with clear_errors():
        settings = load_settings(
            config,
            timezone=tz,
            working_hours=hours,
            calendar=calendar,
            quiet_hours=quiet,
            language=lang.value if lang else None,
        )
        if all_chats:
            _audit_all(export, settings, thresholds, output, processes)
            return
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
                redis_url=redis_url,
                workers=processes,
            )
        )
    if html is not None and result.digests:
        _write_page(html, result, settings.language)
    if output is OutputFormat.CSV:
        from bot.render.table_export import rows_csv, weekly_rows

        typer.echo(rows_csv(weekly_rows(result.digests)), nl=False)
    elif output is OutputFormat.JSON:
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
            result.working_time,
            result.digests,
            settings.language,
        )
    if result.skip_summary:
        typer.echo(f"fingertip: {result.skip_summary}", err=True)


def _write_page(path: Path, result: AuditResult, language: str) -> None:
    """The last week's page, with every week's figures embedded as its CSV download."""
    import base64

    from bot.render.table_export import rows_csv, weekly_rows
    from bot.render.web_page import DigestPage, digest_page_html

    figures = rows_csv(weekly_rows(result.digests)).encode("utf-8")
    page = DigestPage(
        digest=result.digests[-1],
        history=result.digests[-8:],
        working_time=result.working_time,
        download_href="data:text/csv;charset=utf-8;base64," + base64.b64encode(figures).decode(),
    )
    try:
        path.write_text(digest_page_html(page, language), encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")


def _audit_all(
    export: Path,
    settings: Settings,
    thresholds: Path | None,
    output: OutputFormat,
    workers: int,
) -> None:
    """``--all``: every group chat's digests, then the roll-up of each week across them."""
    from bot.render.i18n import Translator
    from bot.render.json_report import audit_to_dict
    from bot.render.rollup import rollup_lines, rollup_to_dict
    from bot.render.text_report import print_audit
    from bot.usecases.audit import run_audit_all

    overrides = load_threshold_file(thresholds) if thresholds else {}
    effective = settings.base_thresholds().with_overrides(overrides)
    classifier = load_classifier(settings.rules_files)
    result = asyncio.run(
        run_audit_all(
            export, settings, classifier, effective, now=datetime.now(UTC), workers=workers
        )
    )
    if output is OutputFormat.JSON:
        document = {
            "chats": [
                audit_to_dict(
                    r.chat.id,
                    r.chat.name,
                    r.working_time.timezone.key,
                    r.working_time.describe(),
                    r.digests,
                )
                for r in result.chats
            ],
            "rollup": rollup_to_dict(result.rollups),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, soft_wrap=False)
    for r in result.chats:
        print_audit(console, r.chat.name, r.working_time, r.digests, settings.language)
    _ = Translator(settings.language)
    for rollup in result.rollups:
        console.print(Text(_("Roll-up: {unit}", unit=_("all groups")), style="bold"))
        for line in rollup_lines(_, rollup, limit=len(rollup.groups)):
            console.print(line, markup=False)


def _print_chat_list(chats: list[ChatSummary]) -> None:
    typer.echo("This export holds several chats; choose one with --chat NAME_OR_ID:")
    for summary in chats:
        typer.echo(f"  {summary.id}\t{summary.type}\t{summary.name}")
