"""Bent-over row: reps from the working elbow, faults from torso, neck and shoulder signals."""

from __future__ import annotations

import numpy as np

from upperback.form.common import (
    count_reps,
    fault_event,
    finite_stat,
    plan_checks,
    rep_at,
    spans,
    window,
)
from upperback.form.movement_result import MovementResult
from upperback.form.report import FaultEvent, Rep
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Movement

UNAVAILABLE = ("arched_lower_back", "rounded_back")
"""Checks that need a signal this module does not have yet."""


def check(signals: BodySignals, movement: Movement) -> MovementResult:
    """Count rows and judge each one against the movement's fault thresholds."""
    assert movement.counting is not None
    timings = count_reps(signals, movement.counting)
    plan = plan_checks(movement, signals.view.view, UNAVAILABLE)
    t = signals.times_s
    reps: list[Rep] = []
    faults: list[FaultEvent] = []

    def limit(code: str, key: str) -> float:
        return movement.fault(code).thresholds[key]

    for index, timing in enumerate(timings):
        inside = window(t, timing.start_s, timing.end_s)
        torso = signals["torso_deg"][inside]
        elevation = signals["elevation_ratio"][inside]
        rest_elevation = finite_stat(signals["elevation_ratio"][window(t, timing.start_s - 0.5, timing.start_s)],
                                     "median")
        metrics = {
            "top_elbow_deg": timing.top_value,
            "elbow_range_deg": timing.depth,
            "torso_deg": finite_stat(torso, "median"),
            "torso_range_deg": finite_stat(torso, "max") - finite_stat(torso, "min"),
            "neck_max_deg": finite_stat(signals["neck_deg"][inside], "max"),
            "elevation_change_ratio": (rest_elevation - finite_stat(elevation, "min")) / rest_elevation,
            "concentric_s": timing.top_s - timing.start_s,
            "eccentric_s": timing.end_s - timing.top_s,
        }
        rep_faults = _rep_faults(movement, plan.runnable, timing, metrics, index, limit)
        faults.extend(rep_faults)
        reps.append(Rep(index=index, start_s=timing.start_s, top_s=timing.top_s, end_s=timing.end_s,
                        metrics=metrics, faults=sorted({f.code for f in rep_faults})))

    if reps:
        faults.extend(_set_faults(signals, movement, plan.runnable, reps))
    faults.sort(key=lambda f: (f.start_s, f.code))
    return MovementResult(reps=reps, faults=faults, metrics=_summary(reps), skipped=plan.skipped)


def _rep_faults(movement, runnable, timing, metrics, index, limit) -> list[FaultEvent]:
    found = []

    def add(code: str, value: float, threshold: float) -> None:
        if code in runnable:
            found.append(fault_event(movement.fault(code), timing.start_s, timing.end_s, value, threshold, index))

    upright = limit("torso_too_upright", "max_torso_angle_deg")
    if metrics["torso_deg"] > upright:
        add("torso_too_upright", metrics["torso_deg"], upright)
    swing = limit("torso_swing", "max_torso_range_deg")
    if metrics["torso_range_deg"] > swing:
        add("torso_swing", metrics["torso_range_deg"], swing)
    shrug = limit("shrugging", "max_elevation_change_ratio")
    if metrics["elevation_change_ratio"] > shrug:
        add("shrugging", metrics["elevation_change_ratio"], shrug)
    top_limit = limit("partial_range", "max_top_elbow_angle_deg")
    range_limit = limit("partial_range", "min_elbow_range_deg")
    if metrics["top_elbow_deg"] > top_limit:
        add("partial_range", metrics["top_elbow_deg"], top_limit)
    elif metrics["elbow_range_deg"] < range_limit:
        add("partial_range", metrics["elbow_range_deg"], range_limit)
    lowering = limit("fast_lowering", "min_eccentric_s")
    if metrics["eccentric_s"] < lowering:
        add("fast_lowering", metrics["eccentric_s"], lowering)
    return found


def _set_faults(signals: BodySignals, movement: Movement, runnable, reps: list[Rep]) -> list[FaultEvent]:
    """Faults judged over the whole set rather than one rep: neck position, standing up."""
    t = signals.times_s
    in_set = window(t, reps[0].start_s, reps[-1].end_s)
    found = []
    checks = [
        ("neck_not_neutral", "neck_deg", "max_neck_angle_deg"),
        ("stood_up_mid_set", "torso_deg", "standing_torso_angle_deg"),
    ]
    for code, signal, key in checks:
        if code not in runnable:
            continue
        fault = movement.fault(code)
        threshold = fault.thresholds[key]
        with np.errstate(invalid="ignore"):
            beyond = in_set & (signals[signal] > threshold)
        for start, stop in spans(beyond, t, fault.thresholds.get("min_duration_s", 0.0)):
            value = finite_stat(signals[signal][start:stop], "max")
            found.append(fault_event(fault, t[start], t[stop - 1], value, threshold,
                                     rep_at(reps, float(t[start]))))
    return found


def _summary(reps: list[Rep]) -> dict[str, float]:
    if not reps:
        return {}
    def mean(key: str) -> float:
        return float(np.nanmean([r.metrics[key] for r in reps]))
    return {
        "mean_concentric_s": mean("concentric_s"),
        "mean_eccentric_s": mean("eccentric_s"),
        "mean_torso_deg": mean("torso_deg"),
        "mean_elbow_range_deg": mean("elbow_range_deg"),
        "set_duration_s": reps[-1].end_s - reps[0].start_s,
    }
