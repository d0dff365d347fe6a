"""Side-lying thoracic rotation (open book): reps per side from the top arm's turn about the body.

All angles come from the world landmarks (metres) and are measured about the body's long axis
(mid-hip → mid-shoulder), i.e. after projecting each vector onto the plane across the body:

* ``rotation_deg``: angle between the top arm (shoulder→wrist) and the bottom arm; about 0 with
  the palms together, about 180 with the arms stretched in opposite directions;
* ``chest_turn_deg``: angle between the shoulder line and the hip line (bottom → top side);
  0 with the shoulders stacked over the hips, 90 with the chest facing the ceiling;
* head turn: change of the face direction (mid-ear → nose) from the start of the rep.

The top side is the side whose hip is higher in the picture. Reps are counted from
``rotation_deg`` by the shared rep counter, restarting when the person rolls onto the other side.
"""

from __future__ import annotations

import numpy as np

from upperback.form import FormModule, register
from upperback.form.common import finite_stat, make_rep, phase_metrics, plan_checks, rep_limit_faults, window
from upperback.form.movement_result import MovementResult
from upperback.form.report import FaultEvent, Rep
from upperback.form.reps import RepCounter, RepRules, RepTiming
from upperback.kinematics.angles import angle_between_deg, joint_angle_deg
from upperback.kinematics.filters import clean
from upperback.kinematics.signals import SIDE_LANDMARKS, BodySignals
from upperback.library.models import Counting, Movement
from upperback.pose.landmarks import Landmark as L
from upperback.pose.track import PoseTrack


def check(signals: BodySignals, movement: Movement) -> MovementResult:
    """Count open-book reps per side and judge each against the movement's thresholds.

    Parameters
    ----------
    signals
        Body signals of the set; the module reads ``signals.track`` (world landmarks).
    movement
        The thoracic-rotation library entry: counting rules and fault thresholds.

    Returns
    -------
    MovementResult
        Reps with ``rotation_deg`` (peak angle between the arms), ``rotation_range_deg``,
        ``chest_turn_deg``, ``head_turn_deg``, ``knee_shift_ratio``,
        ``knee_flexion_deg`` and ``top_side`` (0 left, 1 right); metrics ``reps_left`` and
        ``reps_right``; faults ``small_rotation``, ``top_knee_drifted``, ``head_not_following``.
    """
    assert movement.counting is not None
    plan = plan_checks(movement, signals.view.view)
    t = signals.times_s
    m = rotation_signals(signals.track)
    top = m["top_is_left"]
    reps: list[Rep] = []
    faults: list[FaultEvent] = []
    for index, timing in enumerate(count_rotations(t, m["rotation_deg"], top, movement.counting)):
        inside = window(t, timing.start_s, timing.end_s)
        first = int(np.flatnonzero(inside)[0])
        chest_turn = finite_stat(m["chest_turn_deg"][inside], "max") - m["chest_turn_deg"][first]
        face = m["face_dir"][inside]
        head_turn = finite_stat(angle_between_deg(face, m["face_dir"][first][None, :]), "max")
        knee = m["knee_world_m"][inside]
        thigh_m = finite_stat(m["thigh_m"][inside], "median")
        shift = np.linalg.norm(knee - knee[0], axis=-1) / thigh_m
        left_on_top = bool(finite_stat(top[inside].astype(float), "median") >= 0.5)
        with np.errstate(invalid="ignore", divide="ignore"):
            head_ratio = head_turn / chest_turn if chest_turn >= movement.thresholds["min_chest_turn_for_head_deg"] else np.nan
        metrics = {
            "rotation_deg": timing.top_value,
            "rotation_range_deg": timing.depth,
            "chest_turn_deg": float(chest_turn),
            "head_turn_deg": float(head_turn),
            "head_turn_ratio": float(head_ratio),
            "knee_shift_ratio": finite_stat(shift, "max"),
            "knee_flexion_deg": finite_stat(m["knee_flexion_deg"][inside], "median"),
            "top_side": 0.0 if left_on_top else 1.0,
            **phase_metrics(timing),
        }
        rep_faults = rep_limit_faults(movement, plan.runnable, timing, index, [
            ("small_rotation", "min_arm_spread_deg", metrics["rotation_deg"], "min"),
            ("small_rotation", "min_chest_turn_deg", metrics["chest_turn_deg"], "min"),
            ("top_knee_drifted", "max_knee_shift_ratio", metrics["knee_shift_ratio"], "max"),
            ("top_knee_drifted", "min_knee_flexion_deg", metrics["knee_flexion_deg"], "min"),
            ("top_knee_drifted", "max_knee_flexion_deg", metrics["knee_flexion_deg"], "max"),
            ("head_not_following", "min_head_turn_ratio", metrics["head_turn_ratio"], "min"),
        ])
        faults.extend(rep_faults)
        reps.append(make_rep(index, timing, metrics, rep_faults))
    faults.sort(key=lambda f: (f.start_s, f.code))
    summary: dict[str, float] = {
        "reps_left": float(sum(r.metrics["top_side"] == 0.0 for r in reps)),
        "reps_right": float(sum(r.metrics["top_side"] == 1.0 for r in reps)),
    }
    if reps:
        for key in ("rotation_deg", "chest_turn_deg", "head_turn_deg"):
            summary[f"mean_{key}"] = float(np.nanmean([r.metrics[key] for r in reps]))
        summary["set_duration_s"] = reps[-1].end_s - reps[0].start_s
    return MovementResult(reps=reps, faults=faults, metrics=summary, skipped=list(plan.skipped))


def count_rotations(times_s: np.ndarray, rotation_deg: np.ndarray, top_is_left: np.ndarray,
                    counting: Counting) -> list[RepTiming]:
    """Reps of the top arm's turn, by the shared rep counter; it restarts when the top side changes."""
    counter = RepCounter(RepRules(direction=counting.direction, min_depth=counting.min_depth,
                                  min_rep_s=counting.min_rep_s, max_rep_s=counting.max_rep_s))
    reps = []
    previous = None
    for time_s, value, side in zip(times_s, rotation_deg, top_is_left):
        rep = counter.update(float(time_s), float(value), active=previous is None or side == previous)
        previous = side
        if rep is not None:
            reps.append(rep)
    last = counter.finish()
    return reps + [last] if last is not None else reps


def rotation_signals(track: PoseTrack) -> dict[str, np.ndarray]:
    """Per-frame open-book measures of a side-lying body (see the module notes).

    Returns
    -------
    dict of name to array
        ``top_is_left`` (T,) bool; ``rotation_deg``, ``chest_turn_deg``,
        ``knee_flexion_deg`` (180 minus the top knee angle), ``thigh_m`` (T,), cleaned;
        ``face_dir`` (T, 3) mid-ear → nose across the long axis; ``knee_world_m`` (T, 3) top
        knee in world metres.
    """
    t, p, w = track.times_s, track.image, track.world.astype(float)

    def smooth(values: np.ndarray) -> np.ndarray:
        return clean(values, t) if len(values) > 1 else values.copy()

    hip_drop = smooth(p[:, L.LEFT_HIP, 1] - p[:, L.RIGHT_HIP, 1])  # image y grows downward
    top_is_left = ~(hip_drop > 0)
    sides = np.where(top_is_left[:, None], "left", "right"), np.where(top_is_left[:, None], "right", "left")

    def side_point(part: str, on_top: bool) -> np.ndarray:
        names = sides[0] if on_top else sides[1]
        left = w[:, SIDE_LANDMARKS["left"][part]]
        right = w[:, SIDE_LANDMARKS["right"][part]]
        return np.where(names == "left", left, right)

    mid_hip = (w[:, L.LEFT_HIP] + w[:, L.RIGHT_HIP]) / 2
    mid_shoulder = (w[:, L.LEFT_SHOULDER] + w[:, L.RIGHT_SHOULDER]) / 2
    axis = mid_shoulder - mid_hip
    with np.errstate(invalid="ignore", divide="ignore"):
        axis /= np.linalg.norm(axis, axis=-1, keepdims=True)

    def across(v: np.ndarray) -> np.ndarray:
        return v - np.sum(v * axis, axis=-1, keepdims=True) * axis

    top_sh, bottom_sh = side_point("shoulder", True), side_point("shoulder", False)
    top_arm = across(side_point("wrist", True) - top_sh)
    bottom_arm = across(side_point("wrist", False) - bottom_sh)
    shoulder_line = across(top_sh - bottom_sh)
    hip_line = across(side_point("hip", True) - side_point("hip", False))
    face = across(w[:, L.NOSE] - (w[:, L.LEFT_EAR] + w[:, L.RIGHT_EAR]) / 2)
    hip, knee, ankle = side_point("hip", True), side_point("knee", True), side_point("ankle", True)
    knee_world = np.stack([smooth(knee[:, k]) for k in range(3)], axis=-1)
    return {
        "top_is_left": top_is_left,
        "rotation_deg": smooth(angle_between_deg(top_arm, bottom_arm)),
        "chest_turn_deg": smooth(angle_between_deg(shoulder_line, hip_line)),
        "face_dir": np.stack([smooth(face[:, k]) for k in range(3)], axis=-1),
        "knee_flexion_deg": smooth(180.0 - joint_angle_deg(hip, knee, ankle)),
        "thigh_m": smooth(np.linalg.norm(knee - hip, axis=-1)),
        "knee_world_m": knee_world,
    }


def live_signals(track: PoseTrack, near: str) -> dict[str, np.ndarray]:
    """The rotation measures of each frame alone, for the live engine (which filters them itself)."""
    from upperback.live.signals import one_frame

    # rotation_signals cleans tracks longer than one frame; called frame by frame it is raw.
    rows = [rotation_signals(one_frame(track, i)) for i in range(len(track))]
    return {"rotation_deg": np.array([r["rotation_deg"][0] for r in rows], float),
            "top_is_left": np.array([float(r["top_is_left"][0]) for r in rows])}


register(FormModule("thoracic-rotation", check,
                    derived_signals={"rotation_deg": lambda signals: rotation_signals(signals.track)["rotation_deg"]},
                    live_signals=live_signals))
