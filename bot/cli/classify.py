"""``fingertip classify``: label loose messages (JSON Lines) and explain every label."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.jsonl_input import (
    RULES_HELP,
    classifier_or_exit,
    opened,
    read_records,
    report_bad_lines,
)
from bot.core.apps import AppAuditor, app_names, load_catalogue
from bot.core.apps.recognise import shared_recogniser
from bot.core.labels import sort_labels


def classify(
    path: Annotated[
        str, typer.Argument(help="JSON Lines file with id and text; - for stdin")
    ] = "-",
    rules: Annotated[list[Path] | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """Label every message of a JSON Lines file; print one JSON line per message."""
    classifier = classifier_or_exit(rules)
    apps = AppAuditor(shared_recogniser(load_catalogue()))
    errors: list[str] = []
    with opened(path) as handle:
        for line in read_records(handle, errors):
            text = str(line.record["text"])
            result = classifier.classify(text)
            output = {
                "id": line.record.get("id"),
                "labels": [label.value for label in sort_labels(result.labels)],
                "exempt": result.exempt,
                "apps": app_names(apps(text, result.labels)),
                "hits": [
                    {"label": hit.label.value, "rule": hit.rule, "match": hit.match}
                    for hit in result.hits
                ],
            }
            typer.echo(json.dumps(output, ensure_ascii=False))
    report_bad_lines(errors)
