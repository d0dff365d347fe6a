"""The back's outline from the segmentation mask: direction on a real cat-cow, rounded and arched
backs found in real rows, and a clear skip where there is no outline."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import clip_track, needs_media, needs_wild_media, wild_track
from upperback.analysis import analyze
from upperback.evaluation.injections import after_first_rep, bend_back
from upperback.form.back_outline import NO_OUTLINE
from upperback.kinematics.signals import body_signals
from upperback.pose.landmarks import Landmark as L
from upperback.pose.outline import back_curve, back_profile
from upperback.pose.track import BACK_PROFILE


def test_profile_of_a_drawn_back_bulges_where_the_drawing_does():
    """A hinged torso drawn as a mask: a straight back has no curve, a humped one a positive one."""
    image = np.full((33, 3), np.nan, np.float32)
    image[[L.LEFT_HIP, L.RIGHT_HIP], :2] = (100, 200)
    image[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], :2] = (300, 200)
    image[[L.LEFT_KNEE, L.RIGHT_KNEE], :2] = (110, 300)  # knees below: the back is up
    image[L.NOSE, :2] = (330, 230)
    rows, cols = np.mgrid[0:400, 0:400]
    flat = ((cols >= 80) & (cols <= 320) & (rows >= 160) & (rows <= 260)).astype(np.float32)
    hump = flat.copy()
    top = 160 - 30 * np.sin(np.pi * np.clip((cols - 100) / 200, 0, 1))
    hump[(rows >= top) & (cols >= 100) & (cols <= 300)] = 1.0
    flat_profile, hump_profile = back_profile(flat, image), back_profile(hump, image)
    assert np.allclose(flat_profile, 0.2, atol=0.01)  # 40 px above a 200 px torso line
    assert hump_profile[5] == pytest.approx(0.35, abs=0.01)  # 30 px more at mid-back
    assert abs(back_curve(flat_profile[None])[0]) < 0.005
    assert back_curve(hump_profile[None])[0] > 0.05


@needs_media
def test_cat_reads_rounded_and_cow_arched_on_the_real_clip():
    signals = body_signals(clip_track("cat_cow_home_side.mp4"))
    curve = signals["back_curve_ratio"]
    assert np.isfinite(curve).mean() > 0.9
    cat = np.nanmax(curve)
    cow_start, cow_end = np.nanmean(curve[:3]), np.nanmean(curve[-3:])
    assert cat > 0.05, "the cat (spine flexed) bulges the back outward"
    assert cow_start < 0 and cow_end < 0, "the cow (spine extended) dips it inward"
    assert cat - max(cow_start, cow_end) > 0.06


@needs_media
@pytest.mark.parametrize("amount, code", [(0.08, "rounded_back"), (-0.08, "arched_lower_back")])
def test_back_bending_after_the_first_rep_is_flagged_on_those_reps(amount, code):
    track = clip_track("row_dumbbell_gym_side.mp4")
    clean = analyze(track, "bent-over-row")
    assert not any(f.code == code for f in clean.faults)
    changed = analyze(bend_back(track, amount, after_first_rep(track.times_s, clean.reps)), "bent-over-row")
    flagged = [rep.index for rep in changed.reps if code in rep.faults]
    assert flagged == list(range(1, changed.rep_count))
    fault = next(f for f in changed.faults if f.code == code)
    assert fault.cue and abs(fault.value) > abs(fault.threshold)


@needs_media
def test_arm_over_the_back_is_not_read_as_a_rounded_back():
    """At the top of a row the elbow rises past the back; the stations it may hide are left out."""
    track = clip_track("row_one_arm_chair_lowres.mp4")
    raw = back_curve(track.extras[BACK_PROFILE])
    masked = body_signals(track, smooth=False)["back_curve_ratio"]
    assert np.nanmax(raw) > 0.06 > np.nanmax(masked) + 0.02


@needs_media
def test_landmark_input_without_outline_skips_back_checks_with_a_reason():
    track = clip_track("row_dumbbell_gym_side.mp4")
    bare = dataclasses.replace(track, extras={})
    report = analyze(bare, "bent-over-row")
    skipped = [s for s in report.quality.skipped_checks if s.startswith(("rounded_back", "arched_lower_back"))]
    assert len(skipped) == 2 and all(NO_OUTLINE in s for s in skipped)
    assert report.rep_count == analyze(track, "bent-over-row").rep_count


@needs_wild_media
def test_video_filmed_from_the_front_says_so_not_that_it_is_a_landmark_file():
    """A front-view video has an outline but no side-on back: the reason names the view."""
    report = analyze(wild_track("reverse_fly_gif_1rep.mp4"), "reverse-fly")
    reason = next(s for s in report.quality.skipped_checks if s.startswith("arched_lower_back"))
    assert NO_OUTLINE not in reason and "filmed from the front" in reason
