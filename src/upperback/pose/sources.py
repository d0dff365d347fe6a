"""A pose track from whatever the user has: a video, a saved ``.npz`` track, a landmark ``.csv`` or
an OpenPose COCO-18 keypoint array (``.npy``)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from upperback.pose.rate import DEFAULT_RATE_HZ
from upperback.pose.track import PoseTrack

NOT_VIDEOS = (".npz", ".npy", ".csv")
"""File kinds read as landmarks; anything else is read as a video."""


def is_video_path(source: str | os.PathLike[str]) -> bool:
    """Whether :func:`read_track` runs BlazePose over ``source`` (rather than reading landmarks)."""
    return Path(source).suffix.lower() not in NOT_VIDEOS


def read_track(
    source: str | os.PathLike[str],
    rate_hz: float | None = DEFAULT_RATE_HZ,
    workers: int | None = None,
    width: int | None = None,
    height: int | None = None,
    progress: Callable[[float, float], None] | None = None,
    cancel: threading.Event | None = None,
) -> PoseTrack:
    """Load a track, read a landmark CSV (``width``/``height`` for normalised coordinates) or
    run BlazePose over a video (``rate_hz``, ``workers``, ``progress``, ``cancel``: see
    :func:`upperback.pose.pipeline.extract_pose`). Each loads only what its kind of file needs."""
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        from upperback.pose.npz import load_track

        return load_track(path)
    if suffix == ".npy":
        from upperback.pose.coco18 import read_coco18

        return read_coco18(path)
    if suffix == ".csv":
        from upperback.pose.csv_import import read_landmark_csv

        return read_landmark_csv(path, width=width, height=height)
    from upperback.pose.pipeline import extract_pose

    return extract_pose(path, rate_hz=rate_hz, workers=workers, progress=progress, cancel=cancel)
