"""``fingertip eval``: score the classifier against labelled messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.jsonl_input import (
    RULES_HELP,
    JsonLine,
    classifier_or_exit,
    opened,
    read_records,
    report_bad_lines,
)
from bot.core.evaluation import evaluate, format_report
from bot.core.labels import Label, parse_label


def evaluate_command(
    path: Annotated[str, typer.Argument(help="Labelled JSON Lines file (id, text, labels)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """Score the classifier against labelled messages: per-label P/R/F1 and macro F1."""
    classifier = classifier_or_exit(rules)
    errors: list[str] = []
    pairs: list[tuple[frozenset[Label], frozenset[Label]]] = []
    with opened(path) as handle:
        for line in read_records(handle, errors):
            gold = _gold_labels(line)
            predicted = classifier.classify(str(line.record["text"])).labels
            pairs.append((gold, predicted))
    report = evaluate(pairs)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        typer.echo(format_report(report))
    report_bad_lines(errors)


def _gold_labels(line: JsonLine) -> frozenset[Label]:
    names = line.record.get("labels")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        typer.echo(f"line {line.number}: 'labels' must be a list of label names", err=True)
        raise typer.Exit(2)
    try:
        return frozenset(parse_label(name) for name in names)
    except ValueError as error:
        typer.echo(f"line {line.number}: {error}", err=True)
        raise typer.Exit(2) from None
