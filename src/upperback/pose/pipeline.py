"""Video file → ``PoseTrack``, fast: sampled frames, every CPU core, streaming memory.

The video is cut into one contiguous run per process, as equal as the sampling clock allows,
and each run into chunks of a few seconds. This process and worker processes
(:mod:`upperback.pose.worker`, each with its own decoder and BlazePose, started from that light
module) work through their own runs chunk by chunk, decoding and tracking on without a break.
A process that finishes early takes chunks from the end of the longest run that still has at
least two waiting, so no core idles while a lot of work is left; tracking starts afresh at a
taken chunk. Cuts are on the sampling clock, so the chunks together give exactly the frames one
pass would. Only the landmarks travel back, never pictures, and no frame is kept after it is
processed: memory does not grow with video length.

Tracking restarts where runs start, as before chunks existed: restarting BlazePose moves the
landmarks of the frames after it by its tracking noise (a median 3 px at 720p, measured), which
is harmless but not nothing, so chunks continue each other's tracking instead of restarting.
"""

from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import upperback
from upperback.errors import UpperbackError
from upperback.pose.decode import SampledFrames, probe_video
from upperback.pose.estimator import video_estimator
from upperback.pose.picture_cuts import PictureCuts
from upperback.pose.quality import check_track
from upperback.pose.rate import DEFAULT_RATE_HZ
from upperback.pose.track import PoseTrack, SourceInfo
from upperback.pose.worker import Cancelled, Row, chunk_rows
from upperback.processes import PARENT_PID_VARIABLE, end_processes

__all__ = ["DEFAULT_RATE_HZ", "Cancelled", "ProgressCallback", "Segment", "extract_pose", "split_chunks"]

CHUNK_S = 4.0
"""Seconds of video per chunk: about 40 analysed frames at 10 Hz, a second or so of work, so a
process that finishes early waits at most about that long for the others."""

MIN_LEFT_TO_TAKE = 2
"""A process that has finished its own run takes chunks only from a run with at least this many
still waiting. Taking the very last one would save at most about a second, not worth a restart
of tracking (which moves the following landmarks by BlazePose's noise) in the common case where
the processes finish close together."""

MIN_SHARE_S = 6.0
"""Each process gets at least this much video: a worker's start-up (about a second) would cost
more than it saves on a shorter share."""

ProgressCallback = Callable[[float, float], None]
"""Called with (seconds of video done, seconds in all)."""


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
    turn: int = 0,
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
    turn
        Quarter turns counterclockwise to stand a picture stored on its side upright
        (:func:`upperback.pose.orientation.upright_turn`); the track's ``source`` records it.

    Returns
    -------
    PoseTrack
        With ``warnings`` about landmarks that were rarely visible. Raises
        :class:`~upperback.errors.UpperbackError` if no person is found at all.
    """
    path = Path(source)
    info = probe_video(path).turned(turn)
    rate = rate_hz if rate_hz and rate_hz < info.fps else None
    runs = split_chunks(info.duration_s, rate, _process_count(info, workers))
    chunks = [chunk for run in runs for chunk in run]
    report = _ProgressTotal(chunks, info.duration_s, progress)
    rows = _ChunkRun(path, rate, info.turn, chunks, [len(run) for run in runs], report, cancel).run()
    report.finish()
    track = PoseTrack.from_frames(rows, info, rate)
    return check_track(track)


def split_chunks(
    duration_s: float, rate_hz: float | None, runs: int = 1, chunk_s: float = CHUNK_S
) -> list[list[Segment]]:
    """``runs`` consecutive runs covering the video, each cut into chunks of about ``chunk_s``;
    every cut on the sampling clock."""
    bounds = _cuts(0.0, duration_s, runs, rate_hz) if duration_s > 0 else [0.0, math.inf]
    out = []
    for start, end in zip(bounds, bounds[1:]):
        length = (duration_s if math.isinf(end) else end) - start
        inner = _cuts(start, start + length, max(1, round(length / chunk_s)), rate_hz)[1:-1]
        edges = [start, *inner, end]
        out.append([Segment(a, b) for a, b in zip(edges, edges[1:]) if b > a])
    return [run for run in out if run]


def _cuts(start_s: float, end_s: float, count: int, rate_hz: float | None) -> list[float]:
    """``[start_s, count - 1 even cuts between start_s and end_s on the sampling clock, inf]``."""
    cuts = [start_s + (end_s - start_s) * i / count for i in range(1, count)]
    if rate_hz:
        cuts = [math.floor(c * rate_hz) / rate_hz for c in cuts]
    return [start_s, *[c for c in cuts if c > start_s], math.inf]


def _process_count(info: SourceInfo, workers: int | None) -> int:
    wanted = workers or os.cpu_count() or 1
    return max(1, min(wanted, int(info.duration_s // MIN_SHARE_S)))


class _ChunkQueue:
    """Hands out chunk numbers: each process's own run in order, then, once that is done, the
    last chunk of the longest run with at least ``MIN_LEFT_TO_TAKE`` still waiting."""

    def __init__(self, run_lengths: list[int]) -> None:
        starts = [sum(run_lengths[:i]) for i in range(len(run_lengths))]
        self._runs = [deque(range(a, a + n)) for a, n in zip(starts, run_lengths)]
        self._lock = threading.Lock()

    def next_for(self, process: int) -> int | None:
        with self._lock:
            if self._runs[process]:
                return self._runs[process].popleft()
            longest = max(self._runs, key=len)
            return longest.pop() if len(longest) >= MIN_LEFT_TO_TAKE else None


class _ChunkRun:
    """One extraction: this process and ``process_count - 1`` workers share the chunks."""

    def __init__(
        self,
        path: Path,
        rate_hz: float | None,
        turn: int,
        chunks: list[Segment],
        run_lengths: list[int],
        report: _ProgressTotal,
        cancel: threading.Event | None,
    ) -> None:
        self.path, self.rate_hz, self.turn, self.chunks = path, rate_hz, turn, chunks
        self.queue = _ChunkQueue(run_lengths)
        self.process_count = len(run_lengths)
        self.report = report
        self.cancel = cancel
        self.results: dict[int, list[Row]] = {}
        self.failure: BaseException | None = None
        self.stop = threading.Event()  # a worker failed: the others stop too

    def run(self) -> list[Row]:
        processes = [_start_worker() for _ in range(self.process_count - 1)]
        threads = [
            threading.Thread(target=self._feed, args=(index, process), daemon=True)
            for index, process in enumerate(processes, start=1)
        ]
        try:
            for thread in threads:
                thread.start()
            self._analyze_here()
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.2)
                    self._check_stopped()
            self._check_stopped()
            if len(self.results) < len(self.chunks):
                raise UpperbackError("A pose worker process stopped unexpectedly; try again with --workers 1.")
        finally:
            self.stop.set()
            for process in processes:
                _close_quietly(process.stdin)
            end_processes(processes)
            for process in processes:
                _close_quietly(process.stdout)
        return [row for index in sorted(self.results) for row in self.results[index]]

    def _check_stopped(self) -> None:
        if self.failure is not None:
            raise self.failure
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("Stopped before the end; nothing was saved.")

    def _analyze_here(self) -> None:
        """This process's share: chunks analysed in this thread with its own BlazePose."""
        with (
            video_estimator(segmentation=True) as pose,
            SampledFrames(
                self.path, self.rate_hz, threads=0 if self.process_count == 1 else 1, turn=self.turn
            ) as frames,
        ):
            previous, cuts = None, PictureCuts()
            while (index := self.queue.next_for(0)) is not None:
                chunk = self.chunks[index]

                def on_frame(time_s: float, index: int = index) -> None:
                    self._check_stopped()
                    self.report.update(index, time_s)

                self.results[index] = chunk_rows(
                    pose, cuts, frames, chunk.start_s, chunk.end_s, on_frame, self.cancel, restart=previous != index - 1
                )
                previous = index

    def _feed(self, process_number: int, process: subprocess.Popen[bytes]) -> None:
        """Hand chunks to one worker process and collect its answers (runs in a thread)."""
        requests, answers = process.stdin, process.stdout
        assert requests is not None and answers is not None  # started with both pipes
        try:
            while not self.stop.is_set() and (index := self.queue.next_for(process_number)) is not None:
                chunk = self.chunks[index]
                pickle.dump((str(self.path), self.rate_hz, self.turn, index, chunk.start_s, chunk.end_s), requests)
                requests.flush()
                while True:
                    kind, _, payload = pickle.load(answers)
                    if kind == "progress":
                        self.report.update(index, payload)
                        continue
                    if kind == "error":
                        raise UpperbackError(payload)
                    self.results[index] = payload
                    break
        except (EOFError, OSError, pickle.UnpicklingError):
            if not self.stop.is_set():
                self._fail(UpperbackError("A pose worker process stopped unexpectedly; try again with --workers 1."))
        except BaseException as exc:
            self._fail(exc)

    def _fail(self, error: BaseException) -> None:
        if self.failure is None:
            self.failure = error
        self.stop.set()


def _start_worker() -> subprocess.Popen[bytes]:
    """A worker process started from its own light module; it finds upperback where this
    process found it (a source checkout as well as an installed package)."""
    package_root = str(Path(upperback.__file__).resolve().parent.parent)
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, environment.get("PYTHONPATH", "")) if p)
    environment[PARENT_PID_VARIABLE] = str(os.getpid())
    return subprocess.Popen(
        [sys.executable, "-m", "upperback.pose.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment
    )


def _close_quietly(pipe: IO[bytes] | None) -> None:
    try:
        if pipe is not None:
            pipe.close()
    except OSError:
        pass


class _ProgressTotal:
    """Adds up the progress of all chunks into one (done, total) callback (thread-safe)."""

    def __init__(self, segments: list[Segment], total_s: float, callback: ProgressCallback | None) -> None:
        self._starts = [seg.start_s for seg in segments]
        self._done = [0.0] * len(segments)
        self._total = total_s
        self._callback = callback
        self._lock = threading.Lock()

    def update(self, index: int, time_s: float) -> None:
        if self._callback is None:
            return
        with self._lock:
            self._done[index] = max(0.0, time_s - self._starts[index])
            self._callback(min(sum(self._done), self._total), self._total)

    def finish(self) -> None:
        """Report the whole video done (the last frame starts before the end of the video)."""
        if self._callback is not None:
            self._callback(self._total, self._total)
