"""How the command line reports what a user got wrong: one line on stderr, a non-zero status."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NoReturn

import typer

from bot.config.settings import SettingsError
from bot.core.apps import CatalogueError
from bot.core.classifier import RuleFileError
from bot.core.thresholds import ThresholdError
from bot.core.worktime import WorkTimeError
from bot.sources.telegram_export import ExportError
from storage.base import StoreError

EXPECTED_ERRORS = (
    SettingsError,
    WorkTimeError,
    ThresholdError,
    ExportError,
    StoreError,
    RuleFileError,
    CatalogueError,
)
"""Errors a user can cause; each carries one sentence saying what is wrong and how to fix it."""


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
