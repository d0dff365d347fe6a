"""Bent-over row: reps from the working elbow, faults from torso, neck and shoulder signals."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from upperback.arrays import AnyArray
from upperback.form import FormModule, register
from upperback.form.back_outline import back_metrics, first_rep_back, outline_limits, outline_unavailable
from upperback.form.common import (
    count_reps,
    finite_stat,
    frame_flags,
    make_rep,
    no_reps_reason,
    phase_metrics,
    plan_checks,
    posture_without_reps,
    rep_limit_faults,
    rep_view,
    set_summary,
    sustained_faults,
    window,
)
from upperback.form.evidence import settle_rep_faults
from upperback.form.movement_result import MovementResult
from upperback.form.report import FaultEvent
from upperback.form.reps import RepTiming
from upperback.form.rounded_back import load_rounded_back_model, rounded_back_features
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Movement


def check(signals: BodySignals, movement: Movement) -> MovementResult:
    """Count rows and judge each one against the movement's fault thresholds.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    movement : Movement
        The movement, with its fault thresholds.

    Returns
    -------
    MovementResult
        The reps, fault events, metrics and skipped checks.
    """
    assert movement.counting is not None
    plan = plan_checks(movement, signals.view.view, outline_unavailable(signals))
    t = signals.times_s
    counted = count_reps(signals, movement.counting)
    timings = counted.timings
    baseline_back = first_rep_back(signals, timings)
    events: list[FaultEvent] = []
    all_metrics = []
    for index, timing in enumerate(timings):
        inside = window(t, timing.start_s, timing.end_s)
        torso = signals["torso_deg"][inside]
        elbow = signals["elbow_deg"][inside]
        metrics = {
            "top_elbow_deg": finite_stat(elbow, "min"),
            "bottom_elbow_deg": finite_stat(elbow, "max"),
            "elbow_range_deg": finite_stat(elbow, "max") - finite_stat(elbow, "min"),
            "torso_deg": finite_stat(torso, "median"),
            "torso_range_deg": finite_stat(torso, "max") - finite_stat(torso, "min"),
            "neck_max_deg": finite_stat(signals["neck_deg"][inside], "max"),
            "elevation_change_ratio": shrug_ratio(signals, timing),
            **back_metrics(signals, inside, baseline_back),
            **phase_metrics(timing),
        }
        partial = index in counted.partial
        limits = [
            *outline_limits(metrics),
            ("torso_too_upright", "max_torso_angle_deg", metrics["torso_deg"], "max"),
            ("torso_swing", "max_torso_range_deg", metrics["torso_range_deg"], "max"),
            ("shrugging", "max_elevation_change_ratio", metrics["elevation_change_ratio"], "max"),
            ("partial_range", "max_top_elbow_angle_deg", metrics["top_elbow_deg"], "max"),
            ("partial_range", "min_elbow_range_deg", metrics["elbow_range_deg"], "min"),
        ]
        if not partial:  # a rep the clip cut has no true tempo
            limits.append(("fast_lowering", "min_eccentric_s", metrics["eccentric_s"], "min"))
        view = rep_view(signals, timing.start_s, timing.end_s)
        events.extend(rep_limit_faults(movement, plan.for_rep(movement, view), timing, index, limits, view))
        all_metrics.append(metrics)
    faults = settle_rep_faults(events, len(timings))
    reps = [make_rep(i, timing, all_metrics[i], faults, i in counted.partial) for i, timing in enumerate(timings)]
    skipped = plan.skipped_after(
        {c for t in timings for c in plan.for_rep(movement, rep_view(signals, t.start_s, t.end_s))}
    )
    if reps:
        faults.extend(
            sustained_faults(
                signals,
                movement,
                plan.runnable,
                reps,
                [
                    ("neck_not_neutral", "neck_deg", "max_neck_angle_deg"),
                    ("stood_up_mid_set", "torso_deg", "standing_torso_angle_deg"),
                ],
            )
        )
    else:
        faults.extend(
            posture_without_reps(
                signals,
                movement,
                plan.runnable,
                [
                    ("torso_too_upright", "torso_deg", "max_torso_angle_deg"),
                ],
            )
        )
    faults.sort(key=lambda f: (f.start_s, f.code))
    summary = set_summary(reps, ["concentric_s", "eccentric_s", "torso_deg", "elbow_range_deg"])
    return MovementResult(
        reps=reps,
        faults=faults,
        metrics=summary,
        skipped=skipped,
        notes=counted.notes + no_reps_reason(signals, movement, counted),
        shots=counted.shots,
    )


def shrug_ratio(signals: BodySignals, timing: RepTiming) -> float:
    """Fall of the ear-to-shoulder distance during a rep below its value just before the rep,
    as a share of that value (positive when the shoulders rise toward the ears).

    Measured in the picture and in world landmarks, and the smaller fall is kept: a real shrug
    shortens both, while each has its own false fall (the picture's when the head turns from
    the camera in an oblique view, the world's from BlazePose's depth guess as the arm moves).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    timing : RepTiming
        The rep.

    Returns
    -------
    float
        The fall as a share of the value before the rep; NaN where unknown.
    """
    t = signals.times_s
    before = window(t, timing.start_s - 0.5, timing.start_s)
    inside = window(t, timing.start_s, timing.end_s)
    falls = []
    for name in ("elevation_ratio", "elevation_world_ratio"):
        rest = finite_stat(signals[name][before], "median")
        falls.append((rest - finite_stat(signals[name][inside], "min")) / rest)
    return float(np.nanmin(falls)) if np.isfinite(falls).any() else float("nan")


def frame_faults(signals: BodySignals, movement: Movement) -> dict[str, AnyArray]:
    """Faults judged on each frame alone (unsmoothed signals): 1, 0, or NaN where unknown.

    ``rounded_back`` is the learned model's verdict on the frame (docs/rounded_back.md).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    movement : Movement
        The movement, with its fault thresholds.

    Returns
    -------
    dict[str, AnyArray]
        Fault code to (T,) flags.
    """
    judged = {fault.code for fault in movement.faults}  # a variant may leave some out

    def limit(code: str, key: str) -> float:  # numpydoc ignore=GL08
        return movement.fault(code).thresholds[key]

    probability = load_rounded_back_model().predict_probability(
        rounded_back_features(signals.track.image, signals.track.visibility)
    )
    flags: dict[str, Callable[[], AnyArray]] = {
        "torso_too_upright": lambda: frame_flags(
            signals.raw["torso_deg"], limit("torso_too_upright", "max_torso_angle_deg")
        ),
        "neck_not_neutral": lambda: frame_flags(
            signals.raw["neck_deg"], limit("neck_not_neutral", "max_neck_angle_deg")
        ),
        "rounded_back": lambda: frame_flags(probability, limit("rounded_back", "min_probability")),
    }
    return {code: flag() for code, flag in flags.items() if code in judged}


register(FormModule("bent-over-row", check, frame_faults=frame_faults))
