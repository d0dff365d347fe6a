"""The annotated video: the lifter's own video with the analysis drawn on every frame.

H.264 (libx264, yuv420p) in MP4 with the index at the front (``+faststart``), so it plays
in a browser while it downloads. Every source frame is kept with its own timestamp: same
resolution (upright; odd sizes padded by one pixel), frame count and duration as the input,
without audio.

Notes
-----
The video is decoded a second time (the pose pass keeps no pictures), every frame this time,
rotated upright as :mod:`upperback.pose.decode` does. Measured on the 2-core development
machine while other work shared it: the shared 720p clips (25–30 fps) take 0.6–0.9 CPU-seconds
per second of video (decoding to RGB, drawing, converting to YUV and encoding, no single step
dominating), which came to 1.0–1.3x real time at a load of 4–6 and 0.5–0.8x at 7–9; the
864x628 cat-cow clip ran at 1.4–1.8x and the 202x360 phone clip at 2.2–2.7x.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from upperback.errors import UpperbackError
from upperback.files import atomic_target
from upperback.form.report import FormReport
from upperback.pose.decode import iter_frames, probe_video
from upperback.pose.pipeline import ProgressCallback
from upperback.pose.track import PoseTrack
from upperback.report.overlay import FrameOverlay

TIME_BASE = Fraction(1, 90000)
"""Timestamps of the output, fine enough to keep any source's frame times."""
ENCODER_OPTIONS = {"crf": "21", "preset": "veryfast"}
"""Quality near the source's at a speed that keeps annotating faster than real time."""


def write_annotated_video(video: Path, track: PoseTrack, report: FormReport, path: Path,
                          progress: ProgressCallback | None = None) -> Path:
    """Draw the analysis onto every frame of ``video`` and save it as an MP4 at ``path``.

    Parameters
    ----------
    video
        The video the track was made from.
    track
        Its pose track (as returned by ``analyze_with_track``).
    report
        The analysis of it.
    path
        Where to write; written to a temporary file first and renamed when complete, so an
        interrupted run leaves no half-written video.
    progress
        Optional callback with (seconds of video done, seconds in all).

    Returns
    -------
    Path
        ``path``.
    """
    video, path = Path(video), Path(path)
    info = probe_video(video)
    _check_matches(video, info.width, info.height, track)
    overlay = FrameOverlay(track, report)
    width, height = info.width + info.width % 2, info.height + info.height % 2
    with atomic_target(path) as partial:
        with av.open(str(partial), mode="w", format="mp4", options={"movflags": "+faststart"}) as output:
            stream = output.add_stream("libx264", rate=Fraction(info.fps).limit_denominator(1001))
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.codec_context.time_base = TIME_BASE
            stream.options = dict(ENCODER_OPTIONS)
            stream.codec_context.thread_type = "AUTO"
            stream.codec_context.thread_count = 0
            last_pts = -1
            for frame in iter_frames(video):
                rgb = frame.rgb if frame.rgb.flags.writeable else frame.rgb.copy()
                overlay.draw(rgb, frame.time_s)
                if rgb.shape[:2] != (height, width):
                    rgb = np.pad(rgb, ((0, height - rgb.shape[0]), (0, width - rgb.shape[1]), (0, 0)), mode="edge")
                picture = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                picture.pts = max(round(frame.time_s / TIME_BASE), last_pts + 1)
                picture.time_base = TIME_BASE
                last_pts = picture.pts
                output.mux(stream.encode(picture))
                if progress is not None:
                    progress(min(frame.time_s, info.duration_s), info.duration_s)
            output.mux(stream.encode(None))
    return path


def _check_matches(video: Path, width: int, height: int, track: PoseTrack) -> None:
    """Refuse a track made from another video (its picture size differs)."""
    if (track.source.width, track.source.height) != (width, height):
        raise UpperbackError(
            f"{video}: the pose track is of a {track.source.width}x{track.source.height} video, but this one "
            f"is {width}x{height}. Pass the video the track was made from."
        )
