"""A pose worker process: analyses the chunks of video it is handed, one at a time.

Started by :mod:`upperback.pose.pipeline` as ``python -m upperback.pose.worker``, so it loads
the pose stack and nothing else (not the command line, not the web app): it is ready about as
soon as the main process. Requests and answers are pickled over its stdin and stdout:

- in: ``(path, rate_hz, turn, index, start_s, end_s)`` for each chunk (``turn``: quarter turns
  added to the picture, see ``SampledFrames``), ``None`` to stop; tracking goes
  on from the previous chunk when this one is the next of the same video, else starts afresh;
- out: ``("progress", index, time_s)``, then ``("rows", index, rows)`` or ``("error", index, message)``.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, cast

from upperback.errors import UpperbackError
from upperback.pose.decode import SampledFrames
from upperback.pose.estimator import BlazePose
from upperback.pose.picture_cuts import PictureCuts
from upperback.processes import exit_with_starting_process

Row = tuple[float, int, object, object, object, object, bool]
"""(time_s, frame_index, image, world, visibility, back_profile, picture_cut); ``None`` arrays:
nobody found."""

PROGRESS_EVERY_S = 1.0
"""Seconds of video between two progress messages from a worker."""


class Cancelled(UpperbackError):
    """The user stopped the work; nothing was written."""

    exit_code = 130


def chunk_rows(
    pose: BlazePose,
    cuts: PictureCuts,
    frames: SampledFrames,
    start_s: float,
    end_s: float,
    on_frame: Callable[[float], None],
    cancel: threading.Event | None = None,
    restart: bool = True,
) -> list[Row]:
    """Landmarks, back outline and picture cut of every sampled frame in ``[start_s, end_s)``.

    With ``restart``, tracking starts afresh (a chunk that does not follow the previous one);
    without, it goes on from the previous chunk's last frame. It starts afresh at a hard cut
    in the picture too, which ``cuts`` watches for (a chunk that starts afresh has no frame
    before its first to compare it with, and restarts tracking there anyway).
    """
    from upperback.pose.outline import back_profile  # SciPy: loaded once work starts, after the workers

    if restart:
        pose.reset()
        cuts.forget()
    rows: list[Row] = []
    for frame in frames.frames(start_s, end_s):
        if cancel is not None and cancel.is_set():
            raise Cancelled("Stopped before the end; nothing was saved.")
        cut = cuts.is_cut(frame.rgb)
        if cut:
            pose.reset()
        found = pose.process(frame.rgb)
        if found is None:
            rows.append((frame.time_s, frame.index, None, None, None, None, cut))
        else:
            profile = back_profile(found.mask, found.image) if found.mask is not None else None
            rows.append((frame.time_s, frame.index, found.image, found.world, found.visibility, profile, cut))
        on_frame(frame.time_s)
    return rows


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer chunk requests until ``None`` or the end of ``requests``."""
    frames: SampledFrames | None = None
    previous: tuple[str, float | None, int, int] | None = None  # the last chunk analysed

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()

    cuts = PictureCuts()
    with BlazePose(segmentation=True) as pose:
        try:
            while (request := _receive(requests)) is not None:
                path, rate_hz, turn, index, start_s, end_s = request
                last_sent = -math.inf

                def on_frame(time_s: float, index: int = index) -> None:
                    nonlocal last_sent
                    if time_s - last_sent >= PROGRESS_EVERY_S:
                        send(("progress", index, time_s))
                        last_sent = time_s

                try:
                    if frames is None or (frames.path, frames.rate_hz, frames.turn) != (Path(path), rate_hz, turn):
                        if frames is not None:
                            frames.close()
                        frames = SampledFrames(path, rate_hz, threads=1, turn=turn)
                    restart = previous != (path, rate_hz, turn, index - 1)
                    previous = (path, rate_hz, turn, index)
                    send(("rows", index, chunk_rows(pose, cuts, frames, start_s, end_s, on_frame, restart=restart)))
                except UpperbackError as exc:
                    send(("error", index, exc.message))
        finally:
            if frames is not None:
                frames.close()


def _receive(requests: BinaryIO) -> tuple[Any, ...] | None:
    try:
        return cast("tuple[Any, ...]", pickle.load(requests))
    except EOFError:
        return None


def main() -> None:
    """Serve on stdin/stdout; anything else native code writes to stdout is dropped."""
    exit_with_starting_process()
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):  # the main process stopped the work
        serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
