"""Gap filling on the sampling clocks real videos give (frames up to one source frame off the
0.1 s slots), and at the lowest frame rate the analysis takes."""

from __future__ import annotations

import numpy as np

from conftest import clip_track, needs_media
from upperback.kinematics.filters import fill_gaps


def holes(times_s: np.ndarray, start: int, missing: int) -> np.ndarray:
    values = np.sin(times_s)
    values[start : start + missing] = np.nan
    return fill_gaps(values, times_s)


@needs_media
def test_four_missing_samples_are_filled_on_a_real_29_97_fps_clock():
    times = clip_track("row_dumbbell_underhand_home.mp4").times_s  # 10 Hz slots of a 29.97 fps video
    for start in range(5, len(times) - 10, 7):  # wherever the hole falls, its span reads 0.47-0.53 s
        assert not np.isnan(holes(times, start, 4)).any()
        assert np.isnan(holes(times, start, 5)).sum() == 5  # 0.6 s: left open


def test_two_missing_samples_are_filled_at_five_frames_a_second():
    times = np.arange(0, 10, 0.2)
    filled = holes(times, 10, 2)
    assert not np.isnan(filled).any()
    assert np.allclose(filled[10:12], np.interp(times[10:12], times[[9, 12]], np.sin(times[[9, 12]])))
    assert np.isnan(holes(times, 10, 3)).sum() == 3
