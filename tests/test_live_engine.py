"""Parts of the live engine on their own: the causal filter, cue choice, camera check, the pose path."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import CLIPS, clip_track, needs_media
from upperback.errors import UnknownNameError, UpperbackError
from upperback.form import cat_cow
from upperback.form.common import window
from upperback.form.report import FaultEvent
from upperback.kinematics.causal import CausalCleaner, OneEuroFilter, causal_clean
from upperback.kinematics.movement_signals import build_signals
from upperback.kinematics.shots import shot_starts
from upperback.kinematics.signals import body_signals
from upperback.library import get_library
from upperback.live import LiveSet, check_camera
from upperback.live.cues import CuePicker
from upperback.live.signals import LiveSignals, judge, one_frame
from upperback.pose.landmarks import Landmark


@needs_media
def test_live_movement_signals_are_built_once_and_filtered_causally():
    """Live, the cat-cow spine curve is the offline definition filtered causally (frame by frame
    as over the whole track at once), and the cat-cow check reads it as it is, without
    smoothing it again."""
    track = clip_track("cat_cow_home_side.mp4")
    movement = get_library().movement("cat-cow")
    view, sides = judge(track, shot_starts(track))
    live = LiveSignals(movement)
    for index in range(len(track)):
        live.add(one_frame(track, index), view, sides.frames(0, index + 1))
    signals = live.body_signals(track)
    _, whole = build_signals(track, sides, CausalCleaner(), CausalCleaner())
    curve = signals["spine_curve_deg"]
    np.testing.assert_allclose(curve, whole["spine_curve_deg"], equal_nan=True)
    np.testing.assert_allclose(curve, signals["head_flexion_deg"] + 90.0 - signals["hip_deg"], equal_nan=True)
    offline = body_signals(track)["spine_curve_deg"]
    assert np.nanmax(np.abs(curve - offline)) > 1.0  # causal, not zero-lag
    result = cat_cow.check(signals, movement)
    assert len(result.reps) == 1
    rep = result.reps[0]
    assert rep.metrics["flexion_deg"] == pytest.approx(np.nanmax(curve[window(track.times_s, rep.start_s, rep.end_s)]))


def test_one_euro_is_causal_and_equals_its_batch_form():
    rng = np.random.default_rng(3)
    times = np.arange(200) / 10.0
    values = np.sin(2 * np.pi * 0.4 * times)[:, None] * [40.0, 0.2] + rng.normal(0, [2.0, 0.01], (200, 2))
    batch = causal_clean(values, times, beta=np.array([0.01, 1.0]))
    one_euro = OneEuroFilter(beta=np.array([0.01, 1.0]))
    stepwise = np.array([one_euro(t, v) for t, v in zip(times, values)])
    np.testing.assert_allclose(batch, stepwise)
    changed = values.copy()
    changed[120:] += 50.0  # what comes later cannot change what was already output
    np.testing.assert_allclose(causal_clean(changed, times, beta=np.array([0.01, 1.0]))[:120], batch[:120])
    # it smooths: frame-to-frame jitter shrinks at rest
    still = rng.normal(90.0, 2.0, 100)
    smooth = causal_clean(still, times[:100])
    assert np.std(np.diff(smooth[10:])) < 0.5 * np.std(np.diff(still[10:]))


def test_one_euro_follows_fast_moves_with_little_lag():
    times = np.arange(40) / 10.0
    ramp = np.clip((times - 1.0) * 150.0, 0, 100)  # a 150 deg/s pull, then a hold
    smooth = causal_clean(ramp, times)
    assert abs(smooth[times == 2.0][0] - ramp[times == 2.0][0]) < 25  # mid-pull: under 2 frames behind
    assert abs(smooth[-1] - 100.0) < 1.0


def test_one_euro_holds_short_gaps_and_drops_long_ones():
    times = np.arange(30) / 10.0
    values = np.full(30, 10.0)
    values[5:8] = np.nan  # 0.3 s: held
    values[15:25] = np.nan  # 1.0 s: lost after 0.5 s
    out = causal_clean(values, times)
    assert np.isfinite(out[5:8]).all()
    assert np.isfinite(out[15:20]).all() and np.isnan(out[21:25]).all()
    assert out[25] == 10.0  # restarts from the next real sample
    one_euro = OneEuroFilter()
    one_euro(1.0, np.ones(1))
    with pytest.raises(ValueError, match="time order"):
        one_euro(0.5, np.ones(1))


def _fault(code: str, severity: str) -> FaultEvent:
    fault = get_library().movement("bent-over-row").fault(code)
    return FaultEvent(code, severity, 0, 0.0, 1.0, 1.0, 1.0, fault.explanation, fault.cue)


def test_cue_picker_says_the_most_severe_fault_once_per_offer_and_waits():
    movement = get_library().movement("bent-over-row")
    picker = CuePicker([f.code for f in movement.faults], min_gap_s=4.0, repeat_after_s=12.0)
    first = picker.offer(
        2.0, [_fault("fast_lowering", "info"), _fault("rounded_back", "error"), _fault("shrugging", "warning")], rep=0
    )
    assert first.code == "rounded_back" and first.text == movement.fault("rounded_back").cue
    assert picker.offer(4.0, [_fault("shrugging", "warning")], rep=1) is None  # too soon
    second = picker.offer(7.0, [_fault("shrugging", "warning"), _fault("torso_swing", "warning")], rep=2)
    assert second.code == "torso_swing"  # equal severity: the library's order
    assert picker.offer(12.0, [_fault("torso_swing", "warning")], rep=3) is None  # said 5 s ago
    third = picker.offer(12.0, [_fault("torso_swing", "warning"), _fault("shrugging", "warning")], rep=3)
    assert third.code == "shrugging"
    assert [c.number for c in picker.cues] == [1, 2, 3]
    assert picker.offer(30.0, [], rep=4) is None


def test_unknown_movement_is_refused_with_a_suggestion():
    with pytest.raises(UnknownNameError):
        LiveSet("bent-over-rows")


def test_frames_must_come_in_time_order():
    live_set = LiveSet("bent-over-row")
    live_set.push(1.0, None, None, None)
    with pytest.raises(UpperbackError, match="time order"):
        live_set.push(0.5, None, None, None)


@needs_media
def test_camera_check_on_real_frames():
    row = get_library().movement("bent-over-row")
    carry = get_library().movement("farmers-carry")
    side = clip_track("row_dumbbell_gym_side.mp4")
    i = int(np.flatnonzero(side.detected)[0])
    size = (side.source.width, side.source.height)
    good = check_camera(row, side.image[i], side.world[i], side.visibility[i], size, luma=120.0)
    assert good.ok and good.view in {"side", "oblique"}
    assert check_camera(row, side.image[i], side.world[i], side.visibility[i], size, 20.0).problem == "too_dark"
    assert check_camera(row, None, None, None, size, 120.0).problem == "no_person"
    feet_y = float(np.nanmax(side.image[i, [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE], 1]))
    cut = check_camera(row, side.image[i], side.world[i], side.visibility[i], (size[0], int(feet_y) - 5))
    assert cut.problem == "body_cut_off" and "head and feet" in cut.message
    front = clip_track("farmers_carry_front_back.mp4")
    j = int(np.flatnonzero(front.detected)[5])
    wrong = check_camera(
        row, front.image[j], front.world[j], front.visibility[j], (front.source.width, front.source.height), 120.0
    )
    assert wrong.problem == "wrong_view" and wrong.message == "Turn side-on to the camera."
    assert check_camera(
        carry, front.image[j], front.world[j], front.visibility[j], (front.source.width, front.source.height), 120.0
    ).ok


@needs_media
def test_process_frame_runs_blazepose_on_a_shrunk_picture_and_reports_full_size_pixels():
    from upperback.pose.decode import iter_frames

    track = clip_track("row_dumbbell_gym_side.mp4")
    frames = [f for f, _ in zip(iter_frames(CLIPS / "row_dumbbell_gym_side.mp4", 10.0), range(15))]
    with LiveSet("bent-over-row", max_width_px=640) as live_set:
        live_set.warm_up()
        states = [live_set.process_frame(f.rgb, f.time_s) for f in frames]
    last = states[-1]
    assert last.found and last.frame_size == (1280, 720) and last.analyzed
    offline = track.image[len(frames) - 1, :, :2]
    torso = np.linalg.norm(offline[Landmark.LEFT_SHOULDER] - offline[Landmark.LEFT_HIP])
    shoulders = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
    error = np.linalg.norm(last.skeleton[shoulders, :2] - offline[shoulders], axis=-1)
    assert np.median(error) < 0.1 * torso
    assert last.camera is not None and last.camera.luma is not None and not math.isnan(last.camera.luma)
    assert live_set.history.track().extras.get("back_profile") is not None
    data = last.to_dict()
    assert len(data["skeleton"]) == 33 and data["frame_size"] == [1280, 720]
