"""The annotated video: the lifter's own video with the analysis drawn on every frame.

H.264 (libx264, yuv420p) in MP4 with the index at the front (``+faststart``), so it plays
in a browser while it downloads. Every source frame is kept with its own timestamp: same
resolution (upright; odd sizes padded by one pixel), frame count and duration as the input,
without audio.

Notes
-----
The video is decoded a second time (the pose pass keeps no pictures), every frame this time,
rotated upright as :mod:`upperback.pose.decode` does. Decoding and the conversion to RGB run in
a thread of their own, a few frames ahead of the drawing and encoding (both sides spend most of
their time in FFmpeg, outside Python's lock), so the two cores share the work instead of taking
turns; only those few frames are held at a time. Measured on the 2-core development
machine while other work shared it: the shared 720p clips (25–30 fps) take 0.6–0.9 CPU-seconds
per second of video (decoding to RGB, drawing, converting to YUV and encoding, no single step
dominating), which came to 1.0–1.3x real time at a load of 4–6 and 0.5–0.8x at 7–9; the
864x628 cat-cow clip ran at 1.4–1.8x and the 202x360 phone clip at 2.2–2.7x.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np

from upperback.errors import UpperbackError
from upperback.files import atomic_target
from upperback.pose.decode import Frame, iter_frames, probe_video
from upperback.pose.pipeline import ProgressCallback
from upperback.pose.track import PoseTrack
from upperback.report.overlay import FrameOverlay

if TYPE_CHECKING:
    from upperback.analysis import Analysis

TIME_BASE = Fraction(1, 90000)
"""Timestamps of the output, fine enough to keep any source's frame times."""
ENCODER_OPTIONS = {"crf": "21", "preset": "veryfast"}
"""Quality near the source's at a speed that keeps annotating faster than real time."""
FRAMES_AHEAD = 8
"""Decoded pictures waiting for the drawing at most (about 3 MB each at 720p)."""


def write_annotated_video(
    video: Path, analysis: Analysis, path: Path, progress: ProgressCallback | None = None
) -> Path:
    """Draw the analysis onto every frame of ``video`` and save it as an MP4 at ``path``.

    Parameters
    ----------
    video
        The video the track was made from.
    analysis
        The analysis of it, with its pose track (as returned by ``full_analysis``).
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
    turn = analysis.track.source.turn  # a picture stored on its side, stood upright by the analysis
    info = probe_video(video).turned(turn)
    _check_matches(video, info.width, info.height, analysis.track)
    overlay = FrameOverlay(analysis)
    width, height = info.width + info.width % 2, info.height + info.height % 2
    with (
        atomic_target(path) as partial,
        av.open(str(partial), mode="w", format="mp4", options={"movflags": "+faststart"}) as output,
    ):
        stream = output.add_stream("libx264", rate=Fraction(info.fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = TIME_BASE
        stream.options = dict(ENCODER_OPTIONS)
        stream.codec_context.thread_type = "AUTO"
        stream.codec_context.thread_count = 0
        last_pts = -1
        for frame in frames_ahead(iter_frames(video, turn=turn), FRAMES_AHEAD):
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


def frames_ahead(frames: Iterator[Frame], depth: int) -> Iterator[Frame]:
    """``frames``, produced by a background thread up to ``depth`` pictures ahead of the caller.

    Errors of the producer are raised in the caller; when the caller stops early, the thread
    stops too.
    """
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def produce() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        waiting.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            waiting.put(end)
        except BaseException as exc:
            waiting.put(exc)

    thread = threading.Thread(target=produce, name="decode-ahead", daemon=True)
    thread.start()
    try:
        while (item := waiting.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting for room
            try:
                waiting.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)
        close = getattr(frames, "close", None)
        if close is not None:
            close()


def _check_matches(video: Path, width: int, height: int, track: PoseTrack) -> None:
    """Refuse a track made from another video (its picture size differs)."""
    if (track.source.width, track.source.height) != (width, height):
        raise UpperbackError(
            f"{video}: the pose track is of a {track.source.width}x{track.source.height} video, but this one "
            f"is {width}x{height}. Pass the video the track was made from."
        )
