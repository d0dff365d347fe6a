"""No track, however odd, crashes the analysis of any movement."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import clip_track, needs_media
from upperback.analysis import FORM_MODULES, analyze, shortest_rep_s
from upperback.errors import UpperbackError
from upperback.form.report import FormReport
from upperback.library import get_library
from upperback.pose.landmarks import NUM_LANDMARKS
from upperback.pose.track import PoseTrack, SourceInfo

MOVEMENTS = sorted(FORM_MODULES)


def synthetic_track(n: int, rate_hz: float, seed: int, nan_fraction: float, constant: bool) -> PoseTrack:
    rng = np.random.default_rng(seed)
    base = rng.uniform(100, 600, (1, NUM_LANDMARKS, 3)).astype(np.float32)
    image = np.repeat(base, n, axis=0) if constant else rng.uniform(0, 720, (n, NUM_LANDMARKS, 3)).astype(np.float32)
    world = (image - 360) / 400
    visibility = rng.uniform(0, 1, (n, NUM_LANDMARKS)).astype(np.float32)
    missing = rng.uniform(size=n) < nan_fraction
    image[missing] = world[missing] = np.nan
    visibility[missing] = np.nan
    source = SourceInfo(name="synthetic", width=720, height=720, fps=30.0, frames=n, duration_s=n / rate_hz)
    return PoseTrack(
        times_s=np.arange(n) / rate_hz,
        image=image,
        world=world,
        visibility=visibility,
        frame_index=np.arange(n),
        source=source,
        analysis_rate_hz=rate_hz,
    )


def assert_consistent(report: FormReport) -> None:
    assert report.rep_count == len(report.reps) >= 0
    for rep in report.reps:
        assert rep.start_s <= rep.top_s <= rep.end_s
    report.to_dict()  # serialisable


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(0, 400),
    rate_hz=st.sampled_from([5.0, 10.0, 30.0]),
    seed=st.integers(0, 10_000),
    nan_fraction=st.sampled_from([0.0, 0.5, 0.95, 1.0]),
    constant=st.booleans(),
    movement=st.sampled_from(MOVEMENTS),
)
def test_random_tracks_never_crash(n, rate_hz, seed, nan_fraction, constant, movement):
    track = synthetic_track(n, rate_hz, seed, nan_fraction, constant)
    if (n - 1) / rate_hz < shortest_rep_s(get_library().movement(movement)):  # too short for a rep: said so
        with pytest.raises(UpperbackError, match="far too short to check"):
            analyze(track, movement)
        return
    assert_consistent(analyze(track, movement))


@needs_media
@pytest.mark.parametrize("movement", MOVEMENTS)
def test_real_track_with_most_frames_lost(movement):
    track = clip_track("row_dumbbell_underhand_home.mp4")
    lost = np.random.default_rng(3).uniform(size=len(track)) < 0.7
    image, world, vis = track.image.copy(), track.world.copy(), track.visibility.copy()
    image[lost] = world[lost] = np.nan
    vis[lost] = np.nan
    assert_consistent(analyze(dataclasses.replace(track, image=image, world=world, visibility=vis), movement))


@needs_media
@pytest.mark.parametrize("movement", MOVEMENTS)
def test_very_long_track(movement):
    """A real track repeated to 20 minutes: the analysis stays correct and finishes."""
    track = clip_track("row_one_arm_chair_lowres.mp4")
    copies = int(20 * 60 / track.source.duration_s)
    step = track.source.duration_s
    long = dataclasses.replace(
        track,
        times_s=np.concatenate([track.times_s + k * step for k in range(copies)]),
        image=np.concatenate([track.image] * copies),
        world=np.concatenate([track.world] * copies),
        visibility=np.concatenate([track.visibility] * copies),
        frame_index=np.arange(copies * len(track)),
        extras={name: np.concatenate([values] * copies) for name, values in track.extras.items()},
        source=dataclasses.replace(track.source, duration_s=copies * step),
    )
    report = analyze(long, movement)
    assert_consistent(report)
    if movement == "bent-over-row":
        assert report.rep_count >= 0.9 * copies * 6
