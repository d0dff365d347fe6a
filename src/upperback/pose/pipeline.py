"""Video file → ``PoseTrack``, fast: sampled frames, both CPU cores, streaming memory.

The video is cut into time segments, one per worker. The first segment runs in this process,
the others in spawned worker processes that each decode their own segment and run their own
BlazePose, so decoding and inference of all segments proceed in parallel. Frames are sampled
on a fixed clock (``rate_hz``), so the segments join without gaps or duplicates. Only the
landmarks travel back, never pictures, and no frame is kept after it is processed: memory does
not grow with video length.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue as queue_module
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from upperback.errors import UpperbackError
from upperback.pose.decode import iter_frames, probe_video
from upperback.pose.estimator import video_estimator
from upperback.pose.outline import back_profile
from upperback.pose.quality import check_track
from upperback.pose.rate import DEFAULT_RATE_HZ
from upperback.pose.track import PoseTrack, SourceInfo
from upperback.processes import end_processes

MIN_SEGMENT_S = 6.0
"""Shorter segments are not worth a worker process's start-up (about a second)."""

ProgressCallback = Callable[[float, float], None]
"""Called with (seconds of video done, seconds in all)."""

Row = tuple[float, int, object, object, object, object]
"""(time_s, frame_index, image, world, visibility, back_profile); ``None`` arrays: nobody found."""


class Cancelled(UpperbackError):
    """The user stopped the work; nothing was written."""

    exit_code = 130


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float


def extract_pose(
    source: str | os.PathLike[str],
    rate_hz: float | None = DEFAULT_RATE_HZ,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> PoseTrack:
    """Run BlazePose over a video file.

    Parameters
    ----------
    source
        Path of the video.
    rate_hz
        Frames analysed per second of video; ``None`` or 0 analyses every frame.
    workers
        Processes to use (default: the number of CPU cores); short videos use fewer.
    progress
        Optional callback for a progress bar.
    cancel
        Setting this event stops the work and raises :class:`Cancelled`.

    Returns
    -------
    PoseTrack
        With ``warnings`` about landmarks that were rarely visible. Raises
        :class:`~upperback.errors.UpperbackError` if no person is found at all.
    """
    path = Path(source)
    info = probe_video(path)
    rate = rate_hz if rate_hz and rate_hz < info.fps else None
    segments = split_segments(info.duration_s, _worker_count(info, workers), rate)
    report = _ProgressTotal(segments, info.duration_s, progress)
    if len(segments) == 1:
        rows = _segment_rows(path, segments[0], rate, threads=0,
                             on_frame=lambda t: report.update(0, t), cancel=cancel)
    else:
        rows = _parallel_rows(path, segments, rate, report, cancel)
    report.finish()
    track = PoseTrack.from_frames(rows, info, rate)
    return check_track(track)


def split_segments(duration_s: float, count: int, rate_hz: float | None) -> list[Segment]:
    """``count`` consecutive segments covering the video, cut on the sampling clock."""
    if count <= 1 or duration_s <= 0:
        return [Segment(0.0, math.inf)]
    cuts = [duration_s * i / count for i in range(1, count)]
    if rate_hz:
        cuts = [math.floor(c * rate_hz) / rate_hz for c in cuts]
    bounds = [0.0, *cuts, math.inf]
    return [Segment(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _worker_count(info: SourceInfo, workers: int | None) -> int:
    wanted = workers or os.cpu_count() or 1
    return max(1, min(wanted, int(info.duration_s // MIN_SEGMENT_S)))


def _segment_rows(
    path: Path,
    segment: Segment,
    rate_hz: float | None,
    threads: int,
    on_frame: Callable[[float], None],
    cancel: threading.Event | None = None,
) -> list[Row]:
    rows: list[Row] = []
    with video_estimator(segmentation=True) as pose:
        for frame in iter_frames(path, rate_hz, segment.start_s, segment.end_s, threads=threads):
            if cancel is not None and cancel.is_set():
                raise Cancelled("Stopped before the end; nothing was saved.")
            found = pose.process(frame.rgb)
            if found is None:
                rows.append((frame.time_s, frame.index, None, None, None, None))
            else:
                rows.append((frame.time_s, frame.index, found.image, found.world, found.visibility,
                             back_profile(found.mask, found.image)))
            on_frame(frame.time_s)
    return rows


def _parallel_rows(
    path: Path,
    segments: list[Segment],
    rate_hz: float | None,
    report: _ProgressTotal,
    cancel: threading.Event | None,
) -> list[Row]:
    context = multiprocessing.get_context("spawn")  # mediapipe does not survive fork
    messages = context.Queue()
    processes = [
        context.Process(target=_worker_main, args=(path, seg, rate_hz, index, messages), daemon=True)
        for index, seg in enumerate(segments[1:], start=1)
    ]
    results: dict[int, list[Row]] = {}

    def drain(block: bool) -> None:
        while True:
            try:
                kind, index, payload = messages.get(block=block, timeout=1.0 if block else None)
            except queue_module.Empty:
                lost = [i for i, p in enumerate(processes, start=1)
                        if i not in results and not p.is_alive()]
                if block and lost:
                    raise UpperbackError("A pose worker process stopped unexpectedly; try again "
                                         "with --workers 1.") from None
                return
            if kind == "progress":
                report.update(index, payload)
            elif kind == "error":
                raise UpperbackError(payload)
            else:
                results[index] = payload
            if block:
                return

    try:
        for process in processes:
            process.start()

        def on_frame(time_s: float) -> None:
            report.update(0, time_s)
            drain(block=False)

        results[0] = _segment_rows(path, segments[0], rate_hz, threads=1,
                                   on_frame=on_frame, cancel=cancel)
        while len(results) < len(segments):
            if cancel is not None and cancel.is_set():
                raise Cancelled("Stopped before the end; nothing was saved.")
            drain(block=True)
    finally:
        end_processes(processes)
        messages.close()
    return [row for index in sorted(results) for row in results[index]]


def _worker_main(path: Path, segment: Segment, rate_hz: float | None, index: int,
                 messages: multiprocessing.Queue) -> None:
    """Entry point of a worker process: analyse one segment, send progress and rows back."""
    last_sent = -math.inf

    def on_frame(time_s: float) -> None:
        nonlocal last_sent
        if time_s - last_sent >= 1.0:
            messages.put(("progress", index, time_s))
            last_sent = time_s

    try:
        rows = _segment_rows(path, segment, rate_hz, threads=1, on_frame=on_frame)
        messages.put(("rows", index, rows))
    except UpperbackError as exc:
        messages.put(("error", index, exc.message))
    except KeyboardInterrupt:
        pass


class _ProgressTotal:
    """Adds up the progress of all segments into one (done, total) callback."""

    def __init__(self, segments: list[Segment], total_s: float,
                 callback: ProgressCallback | None) -> None:
        self._starts = [seg.start_s for seg in segments]
        self._done = [0.0] * len(segments)
        self._total = total_s
        self._callback = callback

    def update(self, index: int, time_s: float) -> None:
        if self._callback is None:
            return
        self._done[index] = max(0.0, time_s - self._starts[index])
        self._callback(min(sum(self._done), self._total), self._total)

    def finish(self) -> None:
        """Report the whole video done (the last frame starts before the end of the video)."""
        if self._callback is not None:
            self._callback(self._total, self._total)
