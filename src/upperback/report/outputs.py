"""Every file an analysis writes: report JSON, report page, annotated video, pose track.

The command line, the web app's jobs and the batch workers all write through
:func:`write_outputs`, so the same analysis gives the same files whoever asked for it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from upperback.pose.npz import save_track
from upperback.pose.pipeline import ProgressCallback
from upperback.report.html import write_html_report
from upperback.report.json_io import write_report_json
from upperback.report.video import write_annotated_video

if TYPE_CHECKING:
    from upperback.analysis import Analysis


@dataclass(frozen=True)
class OutputPaths:
    """Where to write each output of one analysis; None leaves that output out."""

    report_json: Path | None = None
    report_html: Path | None = None
    annotated_video: Path | None = None
    pose_track: Path | None = None


def write_outputs(
    analysis: Analysis,
    video: Path | None,
    paths: OutputPaths,
    video_progress: ProgressCallback | None = None,
) -> None:
    """Write the outputs ``paths`` asks for.

    Parameters
    ----------
    analysis
        The analysis, with the pose track and signals it was made from (``full_analysis``).
    video
        The analysed video (for the page's key frames and the annotated video); None for
        landmark input, which can have no annotated video.
    paths
        Where each output goes.
    video_progress
        Called with (seconds of video drawn, seconds in all); it may raise to stop.

    Notes
    -----
    Each file is written atomically and the report JSON last, so its presence marks a
    complete set. The page is written in a thread while the video is drawn: both mostly wait
    on FFmpeg and image code that leave Python's lock free, so two cores share them.
    """
    if paths.annotated_video is not None and video is None:
        raise ValueError("an annotated video needs the video the track was made from")
    if paths.pose_track is not None:
        save_track(analysis.track, paths.pose_track)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-page") as pool:
        page = (
            pool.submit(write_html_report, analysis, paths.report_html, video)
            if paths.report_html is not None
            else None
        )
        if paths.annotated_video is not None and video is not None:  # checked above
            write_annotated_video(video, analysis, paths.annotated_video, progress=video_progress)
        if page is not None:
            page.result()
    if paths.report_json is not None:
        write_report_json(analysis.report, paths.report_json)
