"""Bent-over reverse fly: reps from the spread of the upper arms; faults from torso, neck, elbows."""

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
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Movement


def check(signals: BodySignals, movement: Movement) -> MovementResult:
    """Count reverse flies and judge each against the movement's thresholds.

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
    plan = plan_checks(
        movement, signals.view.view, {k: v for k, v in outline_unavailable(signals).items() if k == "arched_lower_back"}
    )
    runnable, skipped = plan.runnable, list(plan.skipped)
    bench = frozenset({"torso_too_upright"}) if chest_supported(signals, movement) else frozenset()
    if bench:
        runnable = runnable - bench
        skipped = [n for n in skipped if not n.startswith("torso_too_upright:")]
        skipped.append("torso_too_upright: you are lying on an incline bench, which sets the torso angle.")
    t = signals.times_s
    neck_window = movement.fault("neck_jerk").thresholds["window_s"]
    counted = count_reps(signals, movement.counting)
    timings = counted.timings
    baseline_back = first_rep_back(signals, timings)
    events: list[FaultEvent] = []
    all_metrics = []
    for index, timing in enumerate(timings):
        inside = window(t, timing.start_s, timing.end_s)
        torso = signals["torso_deg"][inside]
        spread = signals["arm_spread_deg"][inside]
        metrics = {
            "top_spread_deg": finite_stat(spread, "max"),
            "spread_range_deg": finite_stat(spread, "max") - finite_stat(spread, "min"),
            "torso_deg": finite_stat(torso, "median"),
            "torso_range_deg": finite_stat(torso, "max") - finite_stat(torso, "min"),
            "neck_rise_deg": max_rise(signals["neck_deg"][inside], t[inside], neck_window),
            "max_elbow_deg": finite_stat(signals["elbow_deg"][inside], "max"),  # straightest elbow
            **back_metrics(signals, inside, baseline_back),
            **phase_metrics(timing),
        }
        limits = [
            *outline_limits(metrics),
            ("arms_short_of_line", "min_top_spread_deg", metrics["top_spread_deg"], "min"),
            ("torso_too_upright", "max_torso_angle_deg", metrics["torso_deg"], "max"),
            ("torso_swing", "max_torso_range_deg", metrics["torso_range_deg"], "max"),
            ("neck_jerk", "max_head_angle_change_deg", metrics["neck_rise_deg"], "max"),
        ]
        if index not in counted.partial:  # a rep the clip cut has no true tempo
            limits.append(("fast_lowering", "min_eccentric_s", metrics["eccentric_s"], "min"))
        view = rep_view(signals, timing.start_s, timing.end_s)
        events.extend(rep_limit_faults(movement, plan.for_rep(movement, view) - bench, timing, index, limits, view))
        all_metrics.append(metrics)
    faults = settle_rep_faults(events, len(timings))
    reps = [make_rep(i, timing, all_metrics[i], faults, i in counted.partial) for i, timing in enumerate(timings)]
    if reps:
        faults.extend(
            sustained_faults(
                signals,
                movement,
                runnable,
                reps,
                [
                    ("elbows_locked", "elbow_deg", "max_elbow_angle_deg"),
                ],
            )
        )
    else:
        faults.extend(
            posture_without_reps(
                signals,
                movement,
                runnable,
                [
                    ("torso_too_upright", "torso_deg", "max_torso_angle_deg"),
                ],
            )
        )
    faults.sort(key=lambda f: (f.start_s, f.code))
    summary = set_summary(reps, ["concentric_s", "eccentric_s", "top_spread_deg", "torso_deg"])
    judged = {c for t in timings for c in plan.for_rep(movement, rep_view(signals, t.start_s, t.end_s)) - bench}
    skipped = [note for note in skipped if note.split(":", 1)[0] not in judged]
    return MovementResult(
        reps=reps,
        faults=faults,
        metrics=summary,
        skipped=skipped,
        notes=counted.notes + no_reps_reason(signals, movement, counted),
        shots=counted.shots,
    )


def chest_supported(signals: BodySignals, movement: Movement) -> bool:
    """Whether the set was done lying on an incline bench (hips straight, torso inclined).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    movement : Movement
        The fly, whose ``chest_supported_min_hip_deg`` marks a straight hip.

    Returns
    -------
    bool
        True for a chest-supported set.
    """
    return finite_stat(signals["hip_deg"], "median") > movement.thresholds["chest_supported_min_hip_deg"]


def max_rise(values: AnyArray, times_s: AnyArray, window_s: float) -> float:
    """Largest increase of ``values`` within any ``window_s`` stretch (NaN-safe).

    Parameters
    ----------
    values : AnyArray
        (T,) signal, NaN where unknown.
    times_s : AnyArray
        (T,) frame times.
    window_s : float
        Length of the stretch.

    Returns
    -------
    float
        The largest rise; NaN when no stretch has two known values.
    """
    best = float("nan")
    for i in range(len(values)):
        later = (times_s > times_s[i]) & (times_s <= times_s[i] + window_s + 1e-9)
        rise = finite_stat(values[later] - values[i], "max")
        if np.isfinite(rise) and not (rise <= best):
            best = rise
    return best


def frame_faults(signals: BodySignals, movement: Movement) -> dict[str, AnyArray]:
    """Faults judged on each frame alone (unsmoothed signals): 1, 0, or NaN where unknown.

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

    flags: dict[str, Callable[[], AnyArray]] = {
        "torso_too_upright": lambda: frame_flags(
            signals.raw["torso_deg"], limit("torso_too_upright", "max_torso_angle_deg")
        ),
        "elbows_locked": lambda: frame_flags(signals.raw["elbow_deg"], limit("elbows_locked", "max_elbow_angle_deg")),
    }
    return {code: flag() for code, flag in flags.items() if code in judged}


register(FormModule("reverse-fly", check, frame_faults=frame_faults))
