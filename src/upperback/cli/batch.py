"""``upperback batch``: analyse many videos at once, on this machine or on a Ray cluster."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from upperback.errors import UpperbackError
from upperback.pose.rate import DEFAULT_RATE_HZ
from upperback.terminal import console, err_console, progress_bar

if TYPE_CHECKING:
    from upperback.batch import BatchResult

MAX_FAILURES_LISTED = 10


class EngineName(StrEnum):
    local = "local"
    ray = "ray"


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command to the ``upperback`` app."""
    app.command("batch")(batch)


def batch(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Videos, folders (searched recursively for videos) or CSV manifests with a path column "
            "and optional exercise and client_id columns; relative paths are relative to the manifest."
        ),
    ],
    exercise: Annotated[
        str,
        typer.Option(
            "--exercise",
            "-x",
            help="Movement or variant id, or auto to recognise it, for inputs whose manifest row does not name one.",
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", help="Output folder: results/<key>.json per video, summary.csv, summary.parquet."),
    ],
    engine: Annotated[
        EngineName, typer.Option(help="local: a process pool on this machine; ray: Ray tasks, here or on a cluster.")
    ] = EngineName.local,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Videos analysed at once (default: one per CPU core, or the Ray cluster's CPUs)."),
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster to join, e.g. auto or ray://HEAD:10001 (with --engine ray).")
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="Also write an HTML report per video.")] = False,
    video_out: Annotated[bool, typer.Option("--video-out", help="Also write an annotated video per video.")] = False,
    rate: Annotated[float, typer.Option(min=0, help="Frames analysed per second; 0 = every frame.")] = DEFAULT_RATE_HZ,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Analyse again the videos that failed in an earlier run.")
    ] = False,
) -> None:
    """Analyse many videos: one report per video and a summary table. Re-running skips finished work."""
    from upperback.batch import BatchOptions, LocalEngine, RayEngine, discover_inputs, run_batch
    from upperback.batch.ray_engine import import_ray

    if address and engine is not EngineName.ray:
        raise UpperbackError("--address joins a Ray cluster; add --engine ray.")
    if engine is EngineName.ray:
        import_ray()  # before any work, if Ray is missing
    found = discover_inputs(inputs, exercise, exclude=out_dir)
    runner = RayEngine(address=address, workers=workers) if engine is EngineName.ray else LocalEngine(workers=workers)
    options = BatchOptions(rate_hz=rate or None, html=html, video_out=video_out, retry_failed=retry_failed)

    try:
        with progress_bar(f"Analysing videos ({engine.value})", unit="videos") as update:
            result = run_batch(found, out_dir, runner, options, progress=update)
    except KeyboardInterrupt:
        err_console.print(f"Stopped. Finished videos are saved in {out_dir}; run the same command again to continue.")
        raise typer.Exit(130) from None
    _print_result(result)
    if result.failed_rows:
        raise typer.Exit(1)


def _print_result(result: BatchResult) -> None:
    layout = result.layout
    speed = ""
    if result.analyzed and result.elapsed_s > 0:
        speed = (
            f" ({result.video_s:.0f} s of video in {result.elapsed_s:.0f} s, "
            f"{result.video_s / result.elapsed_s:.1f}x real time)"
        )
    console.print(
        f"Analysed {_videos(result.analyzed)}{speed}; {result.skipped} already done; "
        f"{result.failed} failed now, {result.failed_earlier} failed before.",
        highlight=False,
    )
    console.print(
        f"Reports in [bold]{layout.results}[/bold]; summary in [bold]{layout.summary_csv}[/bold] "
        f"and [bold]{layout.summary_parquet.name}[/bold]."
    )
    failed = result.failed_rows
    for row in failed[:MAX_FAILURES_LISTED]:
        error = row["error"] if row["error"].startswith(row["file"]) else f"{row['file']}: {row['error']}"
        err_console.print(f"[red]Failed:[/red] {error}", highlight=False)
    if len(failed) > MAX_FAILURES_LISTED:
        err_console.print(f"... and {len(failed) - MAX_FAILURES_LISTED} more in {layout.errors}.")
    if result.failed_earlier:
        err_console.print("Videos that failed before are not tried again; fix them and add --retry-failed.")


def _videos(count: int) -> str:
    return f"{count} video" if count == 1 else f"{count} videos"
