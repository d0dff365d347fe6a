"""Cat-cow: cycles from a signed spine-curve proxy; faults from range and hand/knee placement.

BlazePose has no points along the spine, so the spine's shape is read from the two ends that
move with it, in the picture of a side view:

* the head: the signed angle of the shoulder→ear line from the torso line (hip→shoulder),
  positive when the head hangs below the torso line (it drops as the back rounds in the cat),
  negative when it lifts above it (cow). "Below" is the side of the torso line where the knees
  are, so the sign holds whichever way the person faces and however the phone was held;
* the pelvis: the shoulder–hip–knee angle below the right angle of a square table-top,
  ``90 - hip_deg``; it grows as the pelvis tucks under in the cat and turns negative as it
  tips forward in the cow.

Their sum, ``spine_curve_deg``, is positive when the back is rounded (cat) and negative when it
is arched (cow). The head dominates its range (about 80° in a full cat-cow against the pelvis'
5–10°), so a cat-cow done with a still head reads small. The back's own outline from the
segmentation mask (``back_curve_ratio``, :mod:`upperback.pose.outline`) measures the spine's bend
itself; its range per cycle is reported as ``back_range_ratio`` (torso lengths; videos only). The
cycles are counted on ``spine_curve_deg``, whose larger swing separates cat from cow more surely;
filmed close, with the knees out of the picture, on the head's angle alone (the counting's
alternative), which then also gives the cycle's range.
These measures are body signals, built and cleaned by the caller with the others
(:mod:`upperback.kinematics.movement_signals`), so live they are causally filtered.

One cycle is one cat and one cow: the counter counts each excursion into the cat and back. Per
cycle, ``flexion_deg`` is the largest rounding (positive curve), ``extension_deg`` the largest
arch (minus the most negative curve) and ``range_deg`` the spread between the two.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from upperback.arrays import AnyArray
from upperback.form import FormModule, register
from upperback.form.common import (
    Counted,
    count_reps,
    finite_stat,
    frame_flags,
    make_rep,
    no_reps_reason,
    plan_checks,
    rep_limit_faults,
    set_summary,
    window,
)
from upperback.form.evidence import settle_rep_faults
from upperback.form.movement_result import MovementResult
from upperback.form.report import FaultEvent
from upperback.form.reps import RepTiming
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Counting, Movement


def check(signals: BodySignals, movement: Movement) -> MovementResult:
    """Count cat-cow cycles and judge each against the movement's thresholds.

    Parameters
    ----------
    signals
        Cleaned body signals of a side (or oblique) view.
    movement
        The cat-cow library entry: counting rules and fault thresholds.

    Returns
    -------
    MovementResult
        One rep per cycle with ``flexion_deg``, ``extension_deg``, ``range_deg`` and the hand and
        knee offsets; faults ``small_range``, ``hands_not_under_shoulders``, ``knees_not_under_hips``.
    """
    assert movement.counting is not None
    plan = plan_checks(movement, signals.view.view)
    t = signals.times_s
    events: list[FaultEvent] = []
    counted = count_cycles(signals, movement.counting)
    cycles = counted.timings
    all_metrics = []
    for index, timing in enumerate(cycles):
        inside = window(t, timing.start_s, timing.end_s)
        curve = signals[counted.counted_on[index]]  # the head alone where the knees are out of the picture
        flexion = finite_stat(curve[inside], "max")
        extension = -finite_stat(curve[inside], "min")
        head = signals["head_flexion_deg"][inside]
        back = signals["back_curve_ratio"][inside]
        metrics = {
            "flexion_deg": flexion,
            "extension_deg": extension,
            "range_deg": flexion + extension,
            "head_range_deg": finite_stat(head, "max") - finite_stat(head, "min"),
            "back_range_ratio": finite_stat(back, "max") - finite_stat(back, "min"),
            "hand_offset_ratio": finite_stat(signals["hand_offset_ratio"][inside], "median"),
            "knee_offset_ratio": finite_stat(signals["knee_offset_ratio"][inside], "median"),
            "to_cat_s": timing.top_s - timing.start_s,
            "to_cow_s": timing.end_s - timing.top_s,
        }
        rep_faults = rep_limit_faults(
            movement,
            plan.runnable,
            timing,
            index,
            [
                ("small_range", "min_spine_curve_range_deg", metrics["range_deg"], "min"),
                ("hands_not_under_shoulders", "max_hand_offset_ratio", abs(metrics["hand_offset_ratio"]), "max"),
                ("knees_not_under_hips", "max_knee_offset_ratio", abs(metrics["knee_offset_ratio"]), "max"),
            ],
            signals.view.view,
        )
        events.extend(rep_faults)
        all_metrics.append(metrics)
    faults = settle_rep_faults(events, len(cycles))
    reps = [make_rep(i, timing, all_metrics[i], faults, i in counted.partial) for i, timing in enumerate(cycles)]
    faults.sort(key=lambda f: (f.start_s, f.code))
    summary = set_summary(reps, ["range_deg", "flexion_deg", "extension_deg", "to_cat_s", "to_cow_s"])
    return MovementResult(
        reps=reps,
        faults=faults,
        metrics=summary,
        skipped=list(plan.skipped),
        notes=counted.notes + no_reps_reason(signals, movement, counted),
        shots=counted.shots,
    )


def count_cycles(signals: BodySignals, counting: Counting) -> Counted:
    """Cycles of the spine-curve signal (or, where it is not seen, of its alternatives: the head's
    angle when the knees are out of the picture), one cat and one cow each.

    The shared rep counter finds each excursion into the cat (``top_s``), within each shot
    (:func:`~upperback.form.common.count_reps`); a cycle runs from where that excursion began
    to the deepest cow that follows it on the same signal, before the next cat and within
    ``max_rep_s`` of this one (or to where the counter saw the return, if later).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    counting : Counting
        The movement's rep-counting settings.

    Returns
    -------
    Counted
        One timing per cycle, in time order, with the counter's partial cycles, shots and notes.
    """
    times_s = signals.times_s
    counted = count_reps(signals, counting)
    cats = counted.timings
    found = []
    for i, cat in enumerate(cats):
        until_s = cat.top_s + counting.max_rep_s
        if i + 1 < len(cats):
            until_s = min(until_s, cats[i + 1].top_s)
        curve_deg = signals[counted.counted_on[i]]
        after = (times_s > cat.top_s) & (times_s < until_s) & np.isfinite(curve_deg)
        end_s = cat.end_s
        if after.any():
            cow = np.flatnonzero(after)[np.argmin(curve_deg[after])]
            end_s = max(end_s, float(times_s[cow]))
        found.append(RepTiming(cat.start_s, cat.top_s, end_s, cat.rest_value, cat.top_value))
    return dataclasses.replace(counted, timings=found)


CAT_COW_SIGNALS = ("head_flexion_deg", "pelvis_tuck_deg", "spine_curve_deg", "hand_offset_ratio", "knee_offset_ratio")
"""The cat-cow's own body signals (:mod:`upperback.kinematics.movement_signals`)."""


def cat_cow_signals(signals: BodySignals) -> dict[str, AnyArray]:
    """The cat-cow measures among the (cleaned) body signals.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.

    Returns
    -------
    dict of name to (T,) array
        ``head_flexion_deg`` signed head angle from the torso line (positive below it);
        ``pelvis_tuck_deg`` ``90 - hip_deg``; ``spine_curve_deg`` their sum (cat positive);
        ``hand_offset_ratio`` wrist ahead of the shoulder (toward the head, positive) and
        ``knee_offset_ratio`` knee ahead of the hip, horizontally in the picture, over torso length.
    """
    return {name: signals[name] for name in CAT_COW_SIGNALS}


def frame_faults(signals: BodySignals, movement: Movement) -> dict[str, AnyArray]:
    """Hand and knee placement judged on each frame alone: 1, 0, or NaN where unknown.

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
    raw = signals.raw
    hands = movement.fault("hands_not_under_shoulders").thresholds["max_hand_offset_ratio"]
    knees = movement.fault("knees_not_under_hips").thresholds["max_knee_offset_ratio"]
    return {
        "hands_not_under_shoulders": frame_flags(np.abs(raw["hand_offset_ratio"]), hands),
        "knees_not_under_hips": frame_flags(np.abs(raw["knee_offset_ratio"]), knees),
    }


register(FormModule("cat-cow", check, frame_faults=frame_faults))
