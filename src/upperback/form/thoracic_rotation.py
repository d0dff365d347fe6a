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

from upperback.arrays import AnyArray
from upperback.form import FormModule, register
from upperback.form.common import (
    count_reps,
    finite_stat,
    make_rep,
    phase_metrics,
    plan_checks,
    rep_limit_faults,
    window,
)
from upperback.form.evidence import settle_rep_faults
from upperback.form.movement_result import MovementResult
from upperback.form.report import FaultEvent, Rep
from upperback.form.reps import RepTiming
from upperback.kinematics.angles import angle_between_deg
from upperback.kinematics.movement_signals import AXES
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Counting, Movement


def check(signals: BodySignals, movement: Movement) -> MovementResult:
    """Count open-book reps per side and judge each against the movement's thresholds.

    Parameters
    ----------
    signals
        Body signals of the set, with the open-book measures (world landmarks).
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
    m = rotation_signals(signals)
    top = m["top_is_left"]
    events: list[FaultEvent] = []
    timings = count_rotations(signals, movement.counting)
    all_metrics = []
    for index, timing in enumerate(timings):
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
            head_ratio = (
                head_turn / chest_turn if chest_turn >= movement.thresholds["min_chest_turn_for_head_deg"] else np.nan
            )
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
        rep_faults = rep_limit_faults(
            movement,
            plan.runnable,
            timing,
            index,
            [
                ("small_rotation", "min_arm_spread_deg", metrics["rotation_deg"], "min"),
                ("small_rotation", "min_chest_turn_deg", metrics["chest_turn_deg"], "min"),
                ("top_knee_drifted", "max_knee_shift_ratio", metrics["knee_shift_ratio"], "max"),
                ("top_knee_drifted", "min_knee_flexion_deg", metrics["knee_flexion_deg"], "min"),
                ("top_knee_drifted", "max_knee_flexion_deg", metrics["knee_flexion_deg"], "max"),
                ("head_not_following", "min_head_turn_ratio", metrics["head_turn_ratio"], "min"),
            ],
        )
        events.extend(rep_faults)
        all_metrics.append(metrics)
    faults = settle_rep_faults(events, len(timings))  # the evidence every per-rep fault needs
    reps: list[Rep] = [make_rep(i, timing, all_metrics[i], faults) for i, timing in enumerate(timings)]
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


def count_rotations(signals: BodySignals, counting: Counting) -> list[RepTiming]:
    """Reps of the top arm's turn, by the shared rep counter within each shot
    (:func:`~upperback.form.common.count_reps`); it restarts when the top side changes.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    counting : Counting
        The movement's rep-counting settings.

    Returns
    -------
    list[RepTiming]
        One timing per rep, in time order.
    """
    return count_reps(signals, counting, same_side(signals["top_is_left"])).timings


def same_side(top_is_left: AnyArray) -> AnyArray:
    """(T,) True where the top side is the one of the frame before (and on the first frame).

    Parameters
    ----------
    top_is_left : AnyArray
        (T,) True where the left side is on top.

    Returns
    -------
    AnyArray
        (T,) mask.
    """
    return np.concatenate([[True], top_is_left[1:] == top_is_left[:-1]]) if len(top_is_left) else np.ones(0, bool)


def rotation_signals(signals: BodySignals) -> dict[str, AnyArray]:
    """The open-book measures among the (cleaned) body signals
    (:mod:`upperback.kinematics.movement_signals`).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.

    Returns
    -------
    dict of name to array
        ``top_is_left`` (T,) 1.0 where the left side is on top; ``rotation_deg``,
        ``chest_turn_deg``, ``knee_flexion_deg`` (180 minus the top knee angle), ``thigh_m`` (T,);
        ``face_dir`` (T, 3) mid-ear → nose across the long axis; ``knee_world_m`` (T, 3) top
        knee in world metres.
    """
    return {
        "top_is_left": signals["top_is_left"],
        "rotation_deg": signals["rotation_deg"],
        "chest_turn_deg": signals["chest_turn_deg"],
        "face_dir": np.stack([signals[f"face_{a}_m"] for a in AXES], axis=-1),
        "knee_flexion_deg": signals["top_knee_flexion_deg"],
        "thigh_m": signals["top_thigh_m"],
        "knee_world_m": np.stack([signals[f"top_knee_{a}_m"] for a in AXES], axis=-1),
    }


register(FormModule("thoracic-rotation", check))
