"""The ``fingertip`` command line: classify, eval, audit, run, demo."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from bot.classifier import RuleFileError, load_classifier
from bot.classifier.commands import register as register_classifier_commands
from bot.export import ChatSummary, ExportError, list_chats
from bot.settings import SettingsError, load_settings
from bot.thresholds import ThresholdError, load_threshold_file
from bot.worktime import WorkTimeError
from storage.base import StoreError

app = typer.Typer(
    name="fingertip",
    help="Fingertip audits work chat groups for fingertip formalism (指尖上的形式主义).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
register_classifier_commands(app)

EXPECTED_ERRORS = (
    SettingsError,
    WorkTimeError,
    ThresholdError,
    ExportError,
    StoreError,
    RuleFileError,
)


class OutputFormat(StrEnum):
    """How ``audit`` prints its digests."""

    TEXT = "text"
    JSON = "json"


class LanguageChoice(StrEnum):
    """Languages of the reports."""

    ZH = "zh"
    EN = "en"


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear line on stderr and exit with ``code``."""
    typer.echo(f"fingertip: {message}", err=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def clear_errors() -> Iterator[None]:
    """Turn the errors users can cause into one line on stderr and exit status 2."""
    try:
        yield
    except EXPECTED_ERRORS as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted", 130)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="FINGERTIP_CONFIG",
        help="TOML configuration file (keys as in examples/fingertip.toml).",
        show_default=False,
    ),
]


@app.command()
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
    from bot.audit import run_audit
    from bot.render.json_report import audit_to_dict
    from bot.render.text_report import print_audit

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
    if result.skipped:
        typer.echo(
            f"fingertip: skipped {result.skipped} malformed message entries in the export",
            err=True,
        )


@app.command()
def run(
    webhook: Annotated[
        str | None,
        typer.Option(help="Public HTTPS URL for a webhook; without it the bot long-polls."),
    ] = None,
    listen: Annotated[str, typer.Option(help="Address the webhook server binds.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the webhook server binds.")] = 8080,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="When polling, serve /healthz and /metrics on this port."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Run the live Telegram bot (needs FINGERTIP_TELEGRAM_TOKEN)."""
    from bot.runner import run_bot

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if webhook is not None and not webhook.startswith(("https://", "http://")):
        fail(
            f"--webhook must be an http(s) URL such as https://bot.example.org/telegram: {webhook}"
        )
    with clear_errors():
        settings = load_settings(config)
        asyncio.run(
            run_bot(
                settings,
                webhook_url=webhook,
                listen=listen,
                port=port,
                metrics_port=metrics_port,
            )
        )


@app.command()
def demo(
    lang: Annotated[
        LanguageChoice, typer.Option(help="Language of the digest.")
    ] = LanguageChoice.ZH,
    chart: Annotated[
        Path | None, typer.Option(help="Save the digest's hour chart (PNG) to this file.")
    ] = None,
) -> None:
    """Play a scripted week against a local Telegram double and print the leader's digest."""
    from bot.demo import run_demo

    with clear_errors():
        result = asyncio.run(run_demo(lang.value))
    typer.echo(
        f"Demo: {result.group_messages} messages over one week in a sandboxed work group, "
        f"{result.flags} anonymous flags; the weekly digest fired on Monday 09:00 "
        "(Asia/Shanghai). The leader received:\n"
    )
    for message in result.leader_messages:
        typer.echo(message)
        typer.echo("")
    if result.chart_png is not None:
        where = "use --chart FILE to save it"
        if chart is not None:
            chart.write_bytes(result.chart_png)
            where = f"saved to {chart}"
        typer.echo(
            f"[and a chart of demands by hour: PNG, {len(result.chart_png):,} bytes; {where}]"
        )


def _print_chat_list(chats: list[ChatSummary]) -> None:
    typer.echo("This export holds several chats; choose one with --chat NAME_OR_ID:")
    for summary in chats:
        typer.echo(f"  {summary.id}\t{summary.type}\t{summary.name}")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="fingertip")


if __name__ == "__main__":
    main()
