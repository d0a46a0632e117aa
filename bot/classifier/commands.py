"""CLI commands: ``fingertip classify`` and ``fingertip eval``."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TextIO

import typer

from bot.classifier import Classifier, RuleFileError, load_classifier
from bot.evaluation import evaluate, format_report
from bot.labels import Label, parse_label, sort_labels

_RULES_HELP = "An extra rule file (TOML, same format as the shipped ones); repeatable."


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    record: dict[str, object]


class _InputError(Exception):
    """A whole input cannot be read (missing file, unreadable)."""


def _records(source: TextIO, errors: list[str]) -> Iterator[_Line]:
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
        yield _Line(number, record)


def _open(path: str) -> contextlib.AbstractContextManager[TextIO]:
    if path == "-":
        return contextlib.nullcontext(sys.stdin)
    try:
        return Path(path).open(encoding="utf-8")
    except FileNotFoundError:
        raise _InputError(f"Input file {path} does not exist; check the path.") from None
    except OSError as error:
        raise _InputError(f"Cannot read {path}: {error.strerror}.") from None


@contextlib.contextmanager
def _opened(path: str) -> Iterator[TextIO]:
    """Open ``path`` (or stdin for "-"); a missing file is one line on stderr and exit 2."""
    try:
        source = _open(path)
    except _InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    with source as handle:
        yield handle


def _classifier(rules: list[Path] | None) -> Classifier:
    try:
        return load_classifier(tuple(rules or ()))
    except RuleFileError as error:
        typer.echo(f"Cannot load rules: {error}", err=True)
        raise typer.Exit(2) from None


def _report_bad_lines(errors: list[str]) -> None:
    for message in errors:
        typer.echo(f"{message}; skipped", err=True)
    if errors:
        raise typer.Exit(1)


def classify_command(
    path: Annotated[
        str, typer.Argument(help="JSON Lines file with id and text; - for stdin")
    ] = "-",
    rules: Annotated[list[Path] | None, typer.Option("--rules", help=_RULES_HELP)] = None,
) -> None:
    """Label every message of a JSON Lines file; print one JSON line per message."""
    classifier = _classifier(rules)
    errors: list[str] = []
    with _opened(path) as handle:
        for line in _records(handle, errors):
            result = classifier.classify(str(line.record["text"]))
            output = {
                "id": line.record.get("id"),
                "labels": [label.value for label in sort_labels(result.labels)],
                "exempt": result.exempt,
                "hits": [
                    {"label": hit.label.value, "rule": hit.rule, "match": hit.match}
                    for hit in result.hits
                ],
            }
            typer.echo(json.dumps(output, ensure_ascii=False))
    _report_bad_lines(errors)


def eval_command(
    path: Annotated[str, typer.Argument(help="Labelled JSON Lines file (id, text, labels)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help=_RULES_HELP)] = None,
) -> None:
    """Score the classifier against labelled messages: per-label P/R/F1 and macro F1."""
    classifier = _classifier(rules)
    errors: list[str] = []
    pairs: list[tuple[frozenset[Label], frozenset[Label]]] = []
    with _opened(path) as handle:
        for line in _records(handle, errors):
            gold = _gold_labels(line)
            predicted = classifier.classify(str(line.record["text"])).labels
            pairs.append((gold, predicted))
    report = evaluate(pairs)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        typer.echo(format_report(report))
    _report_bad_lines(errors)


def _gold_labels(line: _Line) -> frozenset[Label]:
    names = line.record.get("labels")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        typer.echo(f"line {line.number}: 'labels' must be a list of label names", err=True)
        raise typer.Exit(2)
    try:
        return frozenset(parse_label(name) for name in names)
    except ValueError as error:
        typer.echo(f"line {line.number}: {error}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    """Add the ``classify`` and ``eval`` commands to ``app``."""
    app.command("classify")(classify_command)
    app.command("eval")(eval_command)
