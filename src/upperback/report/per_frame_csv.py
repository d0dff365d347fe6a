"""Per-frame fault flags as CSV: one row per input frame, one 0/1 column per single-frame fault."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from upperback.files import atomic_target
from upperback.pose.track import PoseTrack


def write_per_frame_csv(track: PoseTrack, flags: dict[str, np.ndarray], path: str | os.PathLike[str]) -> Path:
    """Columns ``frame`` (input row, from 0), ``time_s``, then one column per fault code:
    1 (fault seen on that frame), 0 (not seen) or empty (the frame cannot be judged: landmarks
    missing or the camera view unsuited). Written atomically."""
    path = Path(path)
    codes = sorted(flags)
    with atomic_target(path) as partial, partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["frame", "time_s", *codes])
        for i, (index, time_s) in enumerate(zip(track.frame_index, track.times_s)):
            cells = ["" if np.isnan(flags[c][i]) else int(flags[c][i]) for c in codes]
            writer.writerow([int(index), f"{time_s:.4f}", *cells])
    return path
