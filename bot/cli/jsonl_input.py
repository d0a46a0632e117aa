"""JSON Lines input shared by ``fingertip classify`` and ``fingertip eval``."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import typer

from bot.core.classifier import Classifier, RuleFileError, load_classifier

RULES_HELP = "An extra rule file (TOML, same format as the shipped ones); repeatable."


@dataclass(frozen=True, slots=True)
class JsonLine:
    number: int
    record: dict[str, object]


class InputError(Exception):
    """A whole input cannot be read (missing file, unreadable)."""


def read_records(source: TextIO, errors: list[str]) -> Iterator[JsonLine]:
    for number, raw in enumerate(source, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: not valid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(record, dict):
            errors.append(f"line {number}: not a JSON object")
            continue
        if not isinstance(record.get("text"), str):
            errors.append(f"line {number}: has no string 'text'")
            continue
        yield JsonLine(number, record)


def _open(path: str) -> contextlib.AbstractContextManager[TextIO]:
    if path == "-":
        return contextlib.nullcontext(sys.stdin)
    try:
        return Path(path).open(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"Input file {path} does not exist; check the path.") from None
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror}.") from None


@contextlib.contextmanager
def opened(path: str) -> Iterator[TextIO]:
    """Open ``path`` (or stdin for "-"); a missing file is one line on stderr and exit 2."""
    try:
        source = _open(path)
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    with source as handle:
        yield handle


def classifier_or_exit(rules: list[Path] | None) -> Classifier:
    try:
        return load_classifier(tuple(rules or ()))
    except RuleFileError as error:
        typer.echo(f"Cannot load rules: {error}", err=True)
        raise typer.Exit(2) from None


def report_bad_lines(errors: list[str]) -> None:
    for message in errors:
        typer.echo(f"{message}; skipped", err=True)
    if errors:
        raise typer.Exit(1)
