"""The ``upperback`` command line: a thin shell over the library, pose, form, report and log functions.

One module per command group, each adding its commands with ``register``; every command
imports what it needs when it runs, so ``upperback --help`` and the library commands start fast.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from upperback.cli import analyze, batch, library, log, plan, web
from upperback.errors import UpperbackError
from upperback.terminal import err_console

app = typer.Typer(
    name="upperback",
    help="An upper-back training coach: learn the movements, check your form, plan and log training.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for group in (library, analyze, log, batch, plan, web):
    group.register(app)


def main(args: list[str] | None = None) -> None:
    """Console-script entry point: user errors are printed without a traceback."""
    try:
        app(args=args, prog_name="upperback")
    except UpperbackError as exc:
        err_console.print(f"[bold red]Error:[/bold red] {escape(exc.message)}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Stopped. Nothing was saved.")
        sys.exit(130)
