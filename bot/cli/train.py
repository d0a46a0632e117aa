"""``fingertip train``: retrain the classifier's learned step (needs the ``train`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.errors import fail


def train(
    no_write: Annotated[
        bool, typer.Option("--no-write", help="Report the figures only; keep the weights.")
    ] = False,
    skip_figures: Annotated[
        bool, typer.Option("--skip-figures", help="Train and write only.")
    ] = False,
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus",
            help="Folder holding the shared dev.jsonl and threads.jsonl "
            "(default: shared/corpus beside the checkout).",
        ),
    ] = None,
) -> None:
    """Print honest cross-validated figures, then retrain the learned step on every set."""
    try:
        from bot.core.classifier import training
    except ImportError as error:
        fail(f"training needs scikit-learn ({error.name} is missing): pip install -e '.[train]'")
    arguments = [
        *(["--no-write"] if no_write else []),
        *(["--skip-figures"] if skip_figures else []),
        *(["--corpus", str(corpus)] if corpus is not None else []),
    ]
    training.main(arguments)
