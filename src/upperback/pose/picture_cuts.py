"""Hard cuts seen in the picture: most of the frame changes from one analysed frame to the next.

The measure is the content score of scene-cut detectors such as PySceneDetect's, in its
simplest form: the mean change of the pixels of a small copy of the frame. It is worked out
with NumPy on every ``step``-th pixel, since PySceneDetect would bring OpenCV and half a second
of imports into every pose worker. A cut found here restarts BlazePose's tracking (after a cut
it would go on looking where the last person was) and, where the person also moved or changed
size, ends a shot (:mod:`upperback.kinematics.shots`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

THUMBNAIL_PX = 160
"""Long side of the small copy compared: enough to see a cut, cheap at any video size."""
MIN_CHANGE = 55.0
"""Mean change of a pixel's red, green and blue (0-255) that marks a cut. Within the shots of
the 18 shared clips, at 10 analysed frames a second, it is at most 27 (the cat-cow's last
second, the brisk chest-supported fly); the 13 hard cuts of real video files (the seated fly's
own, and the 12 edits of ``bench/video_edits.py``) change it by 61 to 165. A camera panning
across the gym clip's busy background at up to 2.6 picture widths a second changes it by 49
at most, so the threshold sits above that and below every cut, with any one clip left out."""


class PictureCuts:
    """Watches the analysed frames of one video, in order, for hard cuts."""

    def __init__(self) -> None:
        self._last: NDArray[np.float32] | None = None

    def forget(self) -> None:
        """Start afresh: the next frame does not follow the last one seen."""
        self._last = None

    def is_cut(self, rgb: NDArray[np.uint8]) -> bool:
        """Whether this (H, W, 3) picture is a hard cut from the one before it."""
        height, width = rgb.shape[:2]
        step = max(1, round(max(height, width) / THUMBNAIL_PX))
        small = rgb[::step, ::step].astype(np.float32)
        last, self._last = self._last, small
        return last is not None and last.shape == small.shape and float(np.abs(small - last).mean()) >= MIN_CHANGE
