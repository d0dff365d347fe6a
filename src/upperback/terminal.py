"""Terminal helpers shared by CLI commands: consoles and progress bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

console = Console()
err_console = Console(stderr=True)


@contextmanager
def progress_bar(description: str, unit: str = "s") -> Iterator[Callable[[float, float], None]]:
    """A Rich progress bar on stderr; yields ``update(done, total)``.

    The bar appears at the first update, so work that fails at once (a missing file) prints
    only its error.
    """
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[amount]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
    )
    task = progress.add_task(description, total=None, amount="")

    def update(done: float, total: float) -> None:
        if not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total, amount=f"{done:.0f}/{total:.0f} {unit}")

    try:
        yield update
    finally:
        if progress.live.is_started:
            progress.stop()
