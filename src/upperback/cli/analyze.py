"""The video commands: ``pose``, ``analyze`` and ``analyze-landmarks``."""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from upperback.errors import UpperbackError
from upperback.pose.rate import DEFAULT_RATE_HZ
from upperback.terminal import console, err_console, progress_bar

if TYPE_CHECKING:
    from concurrent.futures import Future

    from upperback.report.outputs import OutputPaths


def register(app: typer.Typer) -> None:
    """Add the video commands to the ``upperback`` app."""
    app.command()(pose)
    app.command()(analyze)
    app.command("analyze-landmarks")(analyze_landmarks)


def pose(
    source: Annotated[Path, typer.Argument(help="A video, or a landmark CSV (<landmark>_x/_y/_z/_v columns).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the track (.npz).")],
    rate: Annotated[
        float, typer.Option(help="Frames analysed per second of video; 0 = every frame.")
    ] = DEFAULT_RATE_HZ,
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all CPU cores).")] = None,
    width: Annotated[
        int | None, typer.Option(help="CSV only: video width in pixels, for normalised coordinates.")
    ] = None,
    height: Annotated[int | None, typer.Option(help="CSV only: video height in pixels.")] = None,
) -> None:
    """Find the body's landmarks in every analysed frame and save them as a pose track."""
    from upperback.pose.npz import save_track
    from upperback.pose.sources import read_track

    started = time.perf_counter()
    with progress_bar(f"Finding your pose in {source.name}") as update:
        track = read_track(source, rate_hz=rate or None, workers=workers, width=width, height=height, progress=update)
    save_track(track, output)
    elapsed = time.perf_counter() - started
    speed = f", {track.source.duration_s / elapsed:.1f}x real time" if elapsed > 0 else ""
    console.print(
        f"Saved {len(track)} frames to [bold]{output}[/bold]: person found in "
        f"{track.detected_fraction:.0%} of them, {track.source.width}x{track.source.height}, "
        f"{track.source.duration_s:.1f} s of video in {elapsed:.1f} s{speed}."
    )
    for warning in track.warnings:
        err_console.print(f"[yellow]Warning:[/yellow] {escape(warning)}", highlight=False)


def analyze(
    video: Annotated[Path, typer.Argument(help="The video of your set.")],
    exercise: Annotated[
        str,
        typer.Option(
            "--exercise",
            "-x",
            help=(
                "Movement id (e.g. bent-over-row), variant id (e.g. barbell-bent-over-row, whose thresholds "
                "then apply), or auto to recognise it."
            ),
        ),
    ],
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON.")] = None,
    rate: Annotated[float, typer.Option(help="Frames analysed per second; 0 = every frame.")] = DEFAULT_RATE_HZ,
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all CPU cores).")] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Also write a report page (one offline HTML file).")
    ] = None,
    video_out: Annotated[
        Path | None,
        typer.Option(
            "--video-out", help="Also write the video with skeleton, angle gauge, rep count and fault cues drawn (MP4)."
        ),
    ] = None,
    track_out: Annotated[
        Path | None,
        typer.Option("--track", help="Also save the pose track (.npz), to analyse again later with analyze-landmarks."),
    ] = None,
) -> None:
    """Count your reps, time them and check your form in a video."""
    from upperback.library import get_library
    from upperback.pose.sources import read_track
    from upperback.report.outputs import OutputPaths, write_outputs
    from upperback.report.terminal import report_summary

    if video_out is not None and video_out.resolve() == video.resolve():
        raise UpperbackError(f"{video_out}: that is the video being analysed; choose another name for --video-out.")
    if exercise != "auto":
        get_library().analysis_target(exercise)  # a mistyped movement or variant fails now, not after the video is read
    # The form analysis (SciPy and more, about a second to load) loads in a thread while the
    # pose workers start and BlazePose runs, instead of before them.
    analysis = _load_in_background("upperback.analysis")
    with progress_bar(f"Analysing {video.name}") as update:
        track = read_track(video, rate_hz=rate or None, workers=workers, progress=update)
        loaded = analysis.result()
        options = loaded.AnalysisOptions(rate_hz=rate or None, workers=workers, progress=update)
        track = loaded.stood_upright(video, track, exercise, options)  # a video stored on its side
    result = loaded.full_analysis(track, exercise)
    console.print(report_summary(result.report))
    paths = OutputPaths(report_json=json_out, report_html=html_out, annotated_video=video_out, pose_track=track_out)
    if video_out is None:
        write_outputs(result, video, paths)
    else:
        with progress_bar(f"Drawing on {video.name}") as update:
            write_outputs(result, video, paths, video_progress=update)
    _say_written(paths)


def analyze_landmarks(
    source: Annotated[
        Path, typer.Argument(help="A pose track (.npz), landmark CSV, or OpenPose COCO-18 keypoints (.npy).")
    ],
    exercise: Annotated[
        str,
        typer.Option(
            "--exercise",
            "-x",
            help=(
                "Movement id (e.g. bent-over-row), variant id (e.g. barbell-bent-over-row, whose thresholds "
                "then apply), or auto to recognise it."
            ),
        ),
    ],
    width: Annotated[int | None, typer.Option(help="CSV: video width in pixels, for normalised coordinates.")] = None,
    height: Annotated[int | None, typer.Option(help="CSV: video height in pixels.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON.")] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Also write a report page (one offline HTML file).")
    ] = None,
    per_frame: Annotated[
        Path | None,
        typer.Option(
            "--per-frame", help="Also write one CSV row per input row with a 0/1 column per single-frame fault."
        ),
    ] = None,
) -> None:
    """Analyse landmarks saved earlier (upperback pose) or exported by another tool."""
    from upperback.analysis import AnalysisOptions, frame_faults, full_analysis, load_track_from
    from upperback.report.outputs import OutputPaths, write_outputs
    from upperback.report.per_frame_csv import write_per_frame_csv
    from upperback.report.terminal import report_summary

    track = load_track_from(source, AnalysisOptions(width=width, height=height))
    result = full_analysis(track, exercise)
    report = result.report
    console.print(report_summary(report))
    if per_frame is not None:
        flags = frame_faults(result.track, report.variant or report.exercise, result.signals)
        write_per_frame_csv(result.track, flags, per_frame)
        console.print(f"Per-frame faults written to [bold]{per_frame}[/bold].")
    paths = OutputPaths(report_json=json_out, report_html=html_out)
    write_outputs(result, None, paths)
    _say_written(paths)


def _load_in_background(module: str) -> Future:
    """Start importing ``module`` in a thread; the future gives the module."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import")
    future = pool.submit(importlib.import_module, module)
    pool.shutdown(wait=False)  # the import goes on; the thread ends with it
    return future


def _say_written(paths: OutputPaths) -> None:
    for path, what in (
        (paths.annotated_video, "Annotated video"),
        (paths.report_html, "Report page"),
        (paths.pose_track, "Pose track"),
        (paths.report_json, "Report"),
    ):
        if path is not None:
            console.print(f"{what} written to [bold]{path}[/bold].")
