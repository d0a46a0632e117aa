"""Options several commands share."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class LanguageChoice(StrEnum):
    """Languages of the reports."""

    ZH = "zh"
    EN = "en"


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="FINGERTIP_CONFIG",
        help="TOML configuration file (keys as in examples/fingertip.toml).",
        show_default=False,
    ),
]
