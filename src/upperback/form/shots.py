"""Shots: the stretches of a video filmed without a cut, where one person moves continuously.

A hard camera cut (or an edit that jumps to another take) moves the person across the picture,
or changes their size, from one analysed frame to the next by more than a body can move in that
time; a title card or an empty stretch leaves nobody in the picture for a while. Reps are
counted within each shot, so the counter never joins the end of one take to the start of another.
"""

from __future__ import annotations

import numpy as np

from upperback.pose.landmarks import Landmark as L
from upperback.pose.track import PoseTrack

MAX_JUMP_TORSO_LENGTHS_PER_S = 6.0
"""Fastest plausible move of the hip centre in the picture. A brisk walk (1.5 m/s) is about 3
torso lengths a second; at the 10 Hz analysis rate a cut that moves the person by more than
0.6 torso lengths between two frames is beyond it."""
MAX_SCALE_STEP = 1.5
"""Largest change of the torso's length in the picture from one analysed frame to the next
(within 0.2 s): walking toward the camera changes it by a few per cent; a cut to a wider or
closer shot changes it by half or more."""
MAX_SCALE_STEP_S = 0.2
MIN_SHOT_S = 0.5
"""Shorter "shots" are detection flicker (e.g. the first frames of a track); they hold no rep."""
MIN_EMPTY_S = 1.0
"""Nobody in the picture this long (a title card, an outro, a stretch of empty room) ends a shot."""


def shot_spans(track: PoseTrack) -> list[tuple[int, int]]:
    """Index ranges [start, stop) of the shots, in time order; frames without a person between
    two shots, and flickers shorter than ``MIN_SHOT_S``, belong to none."""
    t = track.times_s
    p = track.image
    hip = (p[:, L.LEFT_HIP, :2] + p[:, L.RIGHT_HIP, :2]) / 2
    shoulder = (p[:, L.LEFT_SHOULDER, :2] + p[:, L.RIGHT_SHOULDER, :2]) / 2
    torso = np.linalg.norm(shoulder - hip, axis=-1)
    seen = np.flatnonzero(np.isfinite(torso) & (torso > 0))
    if len(seen) == 0:
        return []
    found, start = [], int(seen[0])
    for before, after in zip(seen, seen[1:]):
        gap_s = float(t[after] - t[before])
        jump = float(np.linalg.norm(hip[after] - hip[before]) / max(torso[before], torso[after]))
        scale = float(max(torso[after], torso[before]) / min(torso[after], torso[before]))
        if (gap_s >= MIN_EMPTY_S or jump > MAX_JUMP_TORSO_LENGTHS_PER_S * gap_s
                or (gap_s <= MAX_SCALE_STEP_S and scale > MAX_SCALE_STEP)):
            found.append((start, int(before) + 1))
            start = int(after)
    found.append((start, int(seen[-1]) + 1))
    return [(a, b) for a, b in found if t[b - 1] - t[a] >= MIN_SHOT_S]
