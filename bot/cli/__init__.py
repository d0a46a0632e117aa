"""The ``fingertip`` command line: one module per command, registered here in one place."""

from __future__ import annotations

import typer

from bot.cli import audit, classify, demo, evaluate, export, run, train

app = typer.Typer(
    name="fingertip",
    help="Fingertip audits work chat groups for fingertip formalism (指尖上的形式主义).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("audit")(audit.audit)
app.command("export")(export.export)
app.command("classify")(classify.classify)
app.command("eval")(evaluate.evaluate_command)
app.command("train")(train.train)
app.command("run")(run.run)
app.command("demo")(demo.demo)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="fingertip")
