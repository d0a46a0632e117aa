"""``fingertip classify``: label loose messages (JSON Lines) or a chat export in context."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.errors import clear_errors
from bot.cli.jsonl_input import (
    RULES_HELP,
    classifier_or_exit,
    opened,
    read_records,
    report_bad_lines,
)
from bot.core.apps import AppAuditor, app_names, load_catalogue
from bot.core.apps.recognise import shared_recogniser
from bot.core.classifier import Classifier, Hit
from bot.core.labels import Label, sort_labels


def _hits(hits: tuple[Hit, ...]) -> list[dict[str, str]]:
    return [{"label": hit.label.value, "rule": hit.rule, "match": hit.match} for hit in hits]


def _labels(labels: frozenset[Label]) -> list[str]:
    return [label.value for label in sort_labels(labels)]


def classify(
    path: Annotated[
        str, typer.Argument(help="JSON Lines file with id and text; - for stdin")
    ] = "-",
    export: Annotated[
        Path | None,
        typer.Option(
            help="Telegram Desktop export (result.json or its folder): decide in context."
        ),
    ] = None,
    chat: Annotated[
        str | None, typer.Option(help="Chat name or id in a full-account export.")
    ] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """Label every message of a JSON Lines file or a chat export; print one JSON line each."""
    classifier = classifier_or_exit(rules)
    if export is not None:
        _classify_export(export, chat, classifier)
        return
    apps = AppAuditor(shared_recogniser(load_catalogue()))
    errors: list[str] = []
    with opened(path) as handle:
        for line in read_records(handle, errors):
            text = str(line.record["text"])
            result = classifier.classify(text)
            output = {
                "id": line.record.get("id"),
                "labels": _labels(result.labels),
                "exempt": result.exempt,
                "apps": app_names(apps(text, result.labels)),
                "hits": _hits(result.hits),
            }
            typer.echo(json.dumps(output, ensure_ascii=False))
    report_bad_lines(errors)


def _classify_export(export: Path, chat: str | None, classifier: Classifier) -> None:
    from bot.usecases.classify_export import classify_export

    with clear_errors():
        for item in classify_export(export, chat, classifier):
            decided = item.decided
            output = {
                "id": item.message_id,
                "labels": _labels(decided.labels),
                "exempt": decided.exempt,
                "apps": list(item.apps),
                "hits": _hits(decided.hits),
                "context": {
                    "chases": decided.chases,
                    "answers": decided.answers,
                    "role": decided.role,
                    "reason": decided.reason,
                },
            }
            typer.echo(json.dumps(output, ensure_ascii=False))
