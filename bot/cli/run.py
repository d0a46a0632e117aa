"""``fingertip run``: the live Telegram bot, long polling or behind a webhook."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from bot.cli.errors import clear_errors, fail
from bot.cli.options import ConfigOption
from bot.config.settings import load_settings


def run(
    webhook: Annotated[
        str | None,
        typer.Option(help="Public HTTPS URL for a webhook; without it the bot long-polls."),
    ] = None,
    listen: Annotated[str, typer.Option(help="Address the webhook server binds.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the webhook server binds.")] = 8080,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve /healthz and /metrics on this port (never on the webhook port)."),
    ] = None,
    web_port: Annotated[
        int | None,
        typer.Option(help="When polling, serve the digest pages (signed links) on this port."),
    ] = None,
    reuse_port: Annotated[
        bool,
        typer.Option(
            help="Let several workers on this host bind the same webhook port (SO_REUSEPORT); "
            "the kernel spreads connections over them."
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Run the live Telegram bot (needs FINGERTIP_TELEGRAM_TOKEN)."""
    from bot.runtime.logs import configure_logging
    from bot.runtime.runner import run_bot

    configure_logging()
    if webhook is not None and not webhook.startswith(("https://", "http://")):
        fail(
            f"--webhook must be an http(s) URL such as https://bot.example.org/telegram: {webhook}"
        )
    if reuse_port and webhook is None:
        fail("--reuse-port shares a webhook port between workers; it needs --webhook")
    with clear_errors():
        settings = load_settings(config)
        asyncio.run(
            run_bot(
                settings,
                webhook_url=webhook,
                listen=listen,
                port=port,
                metrics_port=metrics_port,
                web_port=web_port,
                reuse_port=reuse_port,
            )
        )
