"""Farmer's carry: the walk measured on the real clip, and faults injected into its track."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import clip_track, needs_media
from upperback.analysis import analyze
from upperback.evaluation.injections import between, shrug_between, tilt_shoulders
from upperback.pose.landmarks import Landmark as L

CLIP = "farmers_carry_front_back.mp4"
UPPER_BODY = [mark for mark in L if mark < L.LEFT_HIP]
"""Face, shoulders, arms and hands: everything above the hips."""


def codes(report) -> list[str]:
    return [fault.code for fault in report.faults]


def stooped(track, lean_deg: float, start_s: float, end_s: float):
    """The track with the trunk folded forward to ``lean_deg`` (toward the camera, in the
    picture and in 3D) over straightened knees."""
    image, world = track.image.copy(), track.world.copy()
    frames = np.flatnonzero(between(track, start_s, end_s))
    for points in (image, world):
        for side in (("LEFT_HIP", "LEFT_KNEE", "LEFT_ANKLE"), ("RIGHT_HIP", "RIGHT_KNEE", "RIGHT_ANKLE")):
            hip, knee, ankle = (L[name] for name in side)
            points[frames, knee] = (points[frames, hip] + points[frames, ankle]) / 2
        hips = (points[frames, L.LEFT_HIP] + points[frames, L.RIGHT_HIP]) / 2
        shoulders = (points[frames, L.LEFT_SHOULDER] + points[frames, L.RIGHT_SHOULDER]) / 2
        trunk = shoulders - hips
        now = np.arctan2(-trunk[:, 2], -trunk[:, 1])  # current forward lean in the y-z plane
        turn = np.radians(lean_deg) - now
        cos, sin = np.cos(turn)[:, None], np.sin(turn)[:, None]
        rel = points[frames][:, UPPER_BODY] - hips[:, None]
        y, z = rel[..., 1].copy(), rel[..., 2].copy()
        rel[..., 1], rel[..., 2] = cos * y - sin * z, sin * y + cos * z
        points[frames[:, None], UPPER_BODY] = rel + hips[:, None]
    return dataclasses.replace(track, image=image, world=world)


@pytest.fixture(scope="module")
def track():
    return clip_track(CLIP)


@needs_media
def test_real_clip_counts_the_walk_and_finds_good_form(track):
    report = analyze(track, "farmers-carry")
    assert report.reps == []
    metrics = report.metrics
    assert 12 <= metrics["steps"] <= 16
    assert 10.0 <= metrics["carry_duration_s"] <= 15.0
    assert 70 <= metrics["cadence_steps_per_min"] <= 130
    assert metrics["mean_lateral_lean_deg"] < 5
    assert metrics["max_shoulder_tilt_deg"] < 12
    assert metrics["mean_torso_deg"] > 70
    assert not [f for f in report.faults if f.severity == "error"]
    assert "leaning_sideways" not in codes(report)
    assert all(f.rep is None for f in report.faults)
    skipped = " ".join(report.quality.skipped_checks)
    assert "leaning_forward" in skipped and "head_forward" in skipped


@needs_media
def test_tilted_shoulders_are_leaning_sideways_at_the_right_time(track):
    report = analyze(tilt_shoulders(track, 15.0, 3.0, 5.0, absolute=True), "farmers-carry")
    leans = [f for f in report.faults if f.code == "leaning_sideways"]
    assert len(leans) == 1
    assert 2.7 <= leans[0].start_s <= 3.4 and 4.6 <= leans[0].end_s <= 5.3
    assert leans[0].value > 12 and leans[0].rep is None


@needs_media
def test_tilt_late_in_the_walk_away_is_found_too(track):
    report = analyze(tilt_shoulders(track, 15.0, 11.5, 13.5, absolute=True), "farmers-carry")
    leans = [f for f in report.faults if f.code == "leaning_sideways"]
    assert len(leans) == 1
    assert 11.2 <= leans[0].start_s <= 11.9 and 13.0 <= leans[0].end_s <= 13.8


@needs_media
def test_shoulders_raised_toward_the_ears_are_shrugging(track):
    report = analyze(shrug_between(track, 0.3, 3.0, 6.0), "farmers-carry")
    shrugs = [f for f in report.faults if f.code == "shrugging"]
    assert len(shrugs) == 1
    assert 2.7 <= shrugs[0].start_s <= 3.4 and shrugs[0].end_s >= 5.5


@needs_media
def test_folding_over_straight_knees_at_the_pick_up_is_stooped(track):
    report = analyze(stooped(track, 80.0, 0.0, 1.0), "farmers-carry")
    stoops = [f for f in report.faults if f.code == "stooped_pickup"]
    assert len(stoops) == 1
    assert stoops[0].severity == "error" and stoops[0].start_s <= 0.3 and stoops[0].value > 70


@needs_media
def test_a_bend_whose_knees_were_not_seen_is_not_called_a_stoop(track):
    """The same fold with the legs seen on one frame of it (as when the tracker catches the
    trunk before the legs): one frame cannot show whether it was a squat, so no fault; seen
    throughout, it is one."""
    folded = stooped(track, 80.0, 0.0, 1.0)
    frames = np.flatnonzero(between(folded, 0.0, 1.0))[1:]
    visibility = folded.visibility.copy()
    for side in ("LEFT", "RIGHT"):
        for part in ("KNEE", "ANKLE"):
            visibility[frames, L[f"{side}_{part}"]] = 0.0
    unseen = analyze(dataclasses.replace(folded, visibility=visibility), "farmers-carry")
    assert "stooped_pickup" not in codes(unseen)
    assert "stooped_pickup" in codes(analyze(folded, "farmers-carry"))


@needs_media
def test_small_changes_do_not_trigger(track):
    report = analyze(shrug_between(tilt_shoulders(track, 2.0, 3.0, 5.0), 0.04, 3.0, 6.0), "farmers-carry")
    assert "leaning_sideways" not in codes(report)
    assert "shrugging" not in codes(report)
    assert not [f for f in report.faults if f.severity == "error"]
    assert 12 <= report.metrics["steps"] <= 16
