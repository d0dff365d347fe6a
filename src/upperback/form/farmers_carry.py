"""Farmer's carry: no reps; the walk itself (steps, time, cadence) and posture faults.

A carry is judged over the walk, from the first step to the last, and its pick-up and
set-down (the stretches before and after). The camera view may change mid-clip (walking
toward the camera, then away), so the view-dependent checks read the per-frame view and
judge only the frames filmed from a view the fault allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.arrays import AnyArray
from upperback.form import FormModule, register
from upperback.form.common import beyond_faults, fault_event, finite_stat, frame_flags, plan_checks, spans, window
from upperback.form.evidence import MIN_REPORTED, graded, margin_confidence, noise_for
from upperback.form.movement_result import MovementResult
from upperback.form.report import FaultEvent
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Fault, Movement, View

STEP_HYSTERESIS_RATIO = 0.05
"""Left-minus-right ankle height, over leg length, that must be passed on each side for an
alternation of the feet to count as a step (keeps jitter while standing from counting)."""
MAX_STEP_INTERVAL_S = 1.5
"""Steps further apart than this belong to different stretches of walking (e.g. either side
of a turn filmed too close to see the feet); such gaps do not enter the cadence."""
MIN_VIEW_COVERAGE_S = 2.0
"""Frames of a view, in all, needed before a check allowed only in that view is run on them
when the clip's main view is another one."""
VIEW_SETTLE_S = 0.5
"""Frames this close to a change of view (a turn) are judged in no view."""
MIN_VIEW_RUN_FRAMES = 3
"""Runs of one view shorter than this are taken as misjudged frames, not a change of view."""
RELAXED_PERCENTILE = 90
"""Percentile of the ear-to-shoulder ratio (per view) taken as the shoulders' resting height."""


@dataclass(frozen=True)
class Steps:
    """Steps found from the feet's alternation.

    Attributes
    ----------
    times_s : (N,) times of the steps (greatest separation of the feet in each half-stride)
    interval_s : median time between consecutive steps of one stretch of walking, NaN if none
    """

    times_s: AnyArray
    interval_s: float


def check(signals: BodySignals, movement: Movement) -> MovementResult:
    """Measure the carry (time, steps, cadence, posture) and flag its faults.

    Parameters
    ----------
    signals
        Body signals of the whole clip.
    movement
        The farmer's carry entry of the library (fault codes and thresholds).

    Returns
    -------
    MovementResult
        No reps; carry measures in ``metrics``; faults with ``rep=None``.
    """
    t = signals.times_s
    views = per_frame_views(signals)
    runnable, skipped = plan_by_frames(movement, signals.view.view, views, t)
    steps = find_steps(signals)
    walk = carry_mask(signals, movement, steps)
    lean_deg = signals["trunk_lean_deg"]
    frontal = np.isin(views, [View.FRONT.value, View.BACK.value])
    with np.errstate(invalid="ignore"):
        abs_lateral = np.abs(signals["lateral_lean_deg"])
        abs_tilt = np.abs(signals["shoulder_tilt_deg"])
    duration_s = carry_duration_s(steps, walk, t)
    metrics = {
        "carry_duration_s": duration_s,
        "steps": float(len(steps.times_s)),
        "cadence_steps_per_min": 60.0 / steps.interval_s if steps.interval_s > 0 else float("nan"),
        "mean_lateral_lean_deg": _mean(abs_lateral[walk & frontal]),
        "max_shoulder_tilt_deg": finite_stat(abs_tilt[walk & frontal], "max"),
        "mean_torso_deg": mean_torso_deg(signals["torso_deg"], lean_deg, views, walk),
        "mean_trunk_lean_deg": _mean(lean_deg[walk]),
    }
    faults: list[FaultEvent] = []
    if "leaning_sideways" in runnable:
        fault = movement.fault("leaning_sideways")
        side_lean = np.fmax(abs_lateral, abs_tilt)
        faults += beyond_faults(
            fault,
            side_lean,
            t,
            walk & in_views(views, fault),
            fault.thresholds["max_lateral_lean_deg"],
            "max",
            noise=noise_for("max_lateral_lean_deg"),
        )
    if "leaning_forward" in runnable:
        fault = movement.fault("leaning_forward")
        limit = 90.0 - fault.thresholds["max_forward_lean_deg"]
        faults += beyond_faults(
            fault,
            signals["torso_deg"],
            t,
            walk & in_views(views, fault),
            limit,
            "min",
            noise=noise_for("max_forward_lean_deg"),
        )
    if "head_forward" in runnable:
        fault = movement.fault("head_forward")
        faults += beyond_faults(
            fault,
            signals["neck_deg"],
            t,
            walk & in_views(views, fault),
            fault.thresholds["max_head_forward_deg"],
            "max",
            noise=noise_for("max_head_forward_deg"),
        )
    if "shrugging" in runnable:
        fault = movement.fault("shrugging")
        facing = elevation_views(signals)
        # the smaller of the falls in the picture and in world landmarks (see bent_over_row.shrug_ratio)
        drop = np.fmin(
            elevation_drop_ratio(signals["elevation_ratio"], facing, walk, t),
            elevation_drop_ratio(signals["elevation_world_ratio"], facing, walk, t),
        )
        faults += beyond_faults(
            fault,
            drop,
            t,
            walk & (facing != ""),
            fault.thresholds["max_elevation_change_ratio"],
            "max",
            noise=noise_for("max_elevation_change_ratio"),
        )
    if "stooped_pickup" in runnable:
        faults += stooped_faults(
            movement.fault("stooped_pickup"),
            lean_deg,
            signals["knee_flexion_deg"],
            t,
            in_views(views, movement.fault("stooped_pickup")),
        )
    faults.sort(key=lambda f: (f.start_s, f.code))
    return MovementResult(reps=[], faults=faults, metrics=metrics, skipped=skipped, step_times_s=steps.times_s)


def per_frame_views(signals: BodySignals) -> AnyArray:
    """(T,) settled per-frame views: a frame keeps its view label (``front``, ``side``, ...)
    only when every labelled frame within ``VIEW_SETTLE_S`` of it agrees; frames near a turn,
    runs of a view shorter than ``MIN_VIEW_RUN_FRAMES`` and frames without a person get ``""``,
    so no view-dependent check reads them.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.

    Returns
    -------
    AnyArray
        (T,) view names, ``""`` where unsettled.
    """
    return settle_views(np.asarray(signals.view.per_frame, dtype=object).astype(str), signals.times_s)


def settle_views(labels: AnyArray, t: AnyArray) -> AnyArray:
    """``per_frame_views`` for any per-frame labels (``""`` where unknown).

    Parameters
    ----------
    labels : AnyArray
        (T,) labels, ``""`` where unknown.
    t : AnyArray
        (T,) frame times.

    Returns
    -------
    AnyArray
        (T,) settled labels.
    """
    views = labels.copy()
    step = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    for label in set(views) - {""}:  # a blip of another view is no turn: it is left unjudged
        for start, stop in spans(views == label, t):
            if stop - start < MIN_VIEW_RUN_FRAMES:
                views[start:stop] = ""
    half = int(round(VIEW_SETTLE_S / step)) if step > 0 else 0
    settled = views.copy()
    for shift in range(1, min(half, len(views) - 1) + 1):
        for near, here in ((views[shift:], slice(0, len(views) - shift)), (views[:-shift], slice(shift, len(views)))):
            differs = (near != "") & (near != views[here])
            settled[here][differs] = ""
    return settled


def in_views(views: AnyArray, fault: Fault) -> AnyArray:
    """Frames filmed from one of the views the fault can be judged from.

    Parameters
    ----------
    views : AnyArray
        (T,) settled per-frame views (:func:`per_frame_views`).
    fault : Fault
        The library fault, with the views it can be judged from.

    Returns
    -------
    AnyArray
        (T,) mask.
    """
    return np.isin(views, [v.value for v in fault.views])


def plan_by_frames(
    movement: Movement, main_view: View, views: AnyArray, times_s: AnyArray
) -> tuple[frozenset[str], list[str]]:
    """``plan_checks`` for the clip's main view, widened to the checks that another view
    allows when that view fills at least ``MIN_VIEW_COVERAGE_S`` of the clip.

    Parameters
    ----------
    movement : Movement
        The movement, with its fault thresholds.
    main_view : View
        The clip's main view.
    views : AnyArray
        (T,) settled per-frame views (:func:`per_frame_views`).
    times_s : AnyArray
        (T,) frame times.

    Returns
    -------
    tuple[frozenset[str], list[str]]
        The runnable fault codes and the notes for those skipped.
    """
    plan = plan_checks(movement, main_view)
    runnable = set(plan.runnable)
    step = float(np.median(np.diff(times_s))) if len(times_s) > 1 else 0.0
    for label in set(views) - {"", main_view.value}:
        if np.count_nonzero(views == label) * step >= MIN_VIEW_COVERAGE_S:
            runnable |= plan_checks(movement, View(label)).runnable
    skipped = [note for note in plan.skipped if note.split(":", 1)[0] not in runnable]
    return frozenset(runnable), skipped


def find_steps(signals: BodySignals) -> Steps:
    """Steps from the alternation of the feet in the picture.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.

    Returns
    -------
    Steps
        The steps found.

    Notes
    -----
    Walking toward or away from the camera, the feet take turns being the lower one in the
    picture (the leading foot is nearer, the swinging one lifted), so the left-minus-right
    ankle height over the leg length (``feet_apart_ratio``, cleaned by the caller without
    outlier rejection, which would clip the sharp peaks of quick steps) changes sign once per
    step. It is counted with hysteresis: a step is a swing past
    ``±STEP_HYSTERESIS_RATIO`` on the side opposite to the previous one; it is timed at the
    greatest separation of that half-stride. Frames where an ankle is not seen count nothing.
    """
    t = signals.times_s
    apart = signals["feet_apart_ratio"]
    times: list[float] = []
    side, best, best_t = 0, 0.0, float("nan")
    for time_s, value in zip(t, apart):
        if not np.isfinite(value):  # feet lost: the next swing either way is a new step
            if side != 0:
                times.append(best_t)
            side = 0
            continue
        sign = 1 if value > STEP_HYSTERESIS_RATIO else -1 if value < -STEP_HYSTERESIS_RATIO else 0
        if sign != 0 and sign != side:
            if side != 0:
                times.append(best_t)
            side, best, best_t = sign, abs(value), float(time_s)
        elif sign == side and sign != 0 and abs(value) > best:
            best, best_t = abs(value), float(time_s)
    if side != 0:
        times.append(best_t)
    found = np.asarray(times, dtype=float)
    gaps = np.diff(found)
    gaps = gaps[gaps <= MAX_STEP_INTERVAL_S]
    return Steps(found, float(np.median(gaps)) if len(gaps) else float("nan"))


def carry_mask(signals: BodySignals, movement: Movement, steps: Steps) -> AnyArray:
    """Frames of the carry: from the first step to the last (half a step either side);
    without steps (a standing hold), the longest stretch of upright standing.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    movement : Movement
        The carry, whose ``standing_max_lean_deg`` bounds upright standing.
    steps : Steps
        The steps (:func:`find_steps`).

    Returns
    -------
    AnyArray
        (T,) mask.
    """
    t = signals.times_s
    if len(steps.times_s) >= 2:
        pad = 0.5 * (steps.interval_s if np.isfinite(steps.interval_s) else 0.0)
        return window(t, steps.times_s[0] - pad, steps.times_s[-1] + pad)
    with np.errstate(invalid="ignore"):
        upright = signals["trunk_lean_deg"] < movement.thresholds["standing_max_lean_deg"]
    runs = spans(upright, t)
    mask = np.zeros(len(t), bool)
    if runs:
        start, stop = max(runs, key=lambda r: r[1] - r[0])
        mask[start:stop] = True
    return mask


def carry_duration_s(steps: Steps, walk: AnyArray, times_s: AnyArray) -> float:
    """Time spent carrying: first to last step plus one step's time (or the hold's length).

    Parameters
    ----------
    steps : Steps
        The steps (:func:`find_steps`).
    walk : AnyArray
        (T,) mask of the carry's frames (:func:`carry_mask`).
    times_s : AnyArray
        (T,) frame times.

    Returns
    -------
    float
        Seconds.
    """
    if len(steps.times_s) >= 2:
        interval = steps.interval_s if np.isfinite(steps.interval_s) else 0.0
        return float(steps.times_s[-1] - steps.times_s[0] + interval)
    if not walk.any():
        return 0.0
    step = float(np.median(np.diff(times_s))) if len(times_s) > 1 else 0.0
    inside = times_s[walk]
    return float(inside[-1] - inside[0] + step)


def elevation_views(signals: BodySignals) -> AnyArray:
    """(T,) settled views for the shoulders' height: ``front`` for frames filmed from the front
    or obliquely, else ``side`` or ``back``. The ear-to-shoulder distance and the torso both run
    up the body, so a turn between front and oblique changes their ratio little and they share
    one resting height; side-on, and from behind (where the ears are guessed), it looks
    different. Unknown or turning: ``""``.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.

    Returns
    -------
    AnyArray
        (T,) view names, ``""`` where unsettled.
    """
    raw = np.asarray(signals.view.per_frame, dtype=object).astype(str)
    grouped = np.where(raw == View.OBLIQUE.value, View.FRONT.value, raw)
    return settle_views(grouped.astype(object).astype(str), signals.times_s)


def elevation_drop_ratio(elevation: AnyArray, views: AnyArray, walk: AnyArray, times_s: AnyArray) -> AnyArray:
    """(T,) fall of the ear-to-shoulder ratio below its relaxed value in the walk.

    Parameters
    ----------
    elevation : AnyArray
        (T,) ear-to-shoulder distance over the torso length.
    views : AnyArray
        (T,) views (:func:`elevation_views`).
    walk : AnyArray
        (T,) mask of the carry's frames (:func:`carry_mask`).
    times_s : AnyArray
        (T,) frame times.

    Returns
    -------
    AnyArray
        (T,) fall, NaN where unknown.

    Notes
    -----
    The ratio looks different from the front, the back and the side, so each view has its
    own baseline: the ``RELAXED_PERCENTILE`` of the ratio over the walk filmed from it (the
    shoulders at their lowest, apart from outliers), so a shrug is found wherever it happens in
    the walk, the first seconds included. Frames of no view (turning) stay NaN.
    """
    drop = np.full(len(elevation), np.nan)
    for label in (View.FRONT.value, View.BACK.value, View.SIDE.value):
        frames = walk & (views == label) & np.isfinite(elevation)
        if not frames.any():
            continue
        baseline = float(np.percentile(elevation[frames], RELAXED_PERCENTILE))
        if np.isfinite(baseline) and baseline > 0:
            drop[frames] = (baseline - elevation[frames]) / baseline
    return drop


MIN_KNEES_SEEN = 0.5
"""A bend is judged for a stoop only where the knees were seen in at least half its frames: a
bend the tracker caught before it found the legs (the first frames of a letterboxed video) says
nothing of how the knees moved."""


def stooped_faults(
    fault: Fault, lean_deg: AnyArray, flexion_deg: AnyArray, times_s: AnyArray, where: AnyArray
) -> list[FaultEvent]:
    """Bends (stretches where the trunk leans past ``max_trunk_lean_deg``) in which the knees
    never bend as far as ``min_knee_flexion_deg``: reaching the floor by folding over straight
    legs. If the knees bend deeply during the bend it is a squat, and fine.

    Parameters
    ----------
    fault : Fault
        The library fault, with its thresholds.
    lean_deg : AnyArray
        (T,) trunk lean from vertical.
    flexion_deg : AnyArray
        (T,) knee flexion.
    times_s : AnyArray
        (T,) frame times.
    where : AnyArray
        (T,) mask of the frames to judge.

    Returns
    -------
    list[FaultEvent]
        One event per stooped bend.

    Notes
    -----
    The knees are judged over the whole bend rather than frame by frame, so the moments of a
    good squat when the trunk has tipped before the knees have bent do not count as a stoop.
    """
    max_lean = fault.thresholds["max_trunk_lean_deg"]
    min_flexion = fault.thresholds["min_knee_flexion_deg"]
    with np.errstate(invalid="ignore"):
        bent = where & (lean_deg > max_lean)
    found = []
    for start, stop in spans(bent, times_s, fault.thresholds.get("min_duration_s", 0.0)):
        knees_seen = np.isfinite(flexion_deg[start:stop])
        if knees_seen.mean() < MIN_KNEES_SEEN:
            continue  # the knees cannot vouch for a stoop they were not seen in
        knees = finite_stat(flexion_deg[start:stop], "max")
        confidence = min(
            margin_confidence(
                finite_stat(lean_deg[start:stop], "median"), max_lean, noise_for("max_trunk_lean_deg"), "max"
            ),
            margin_confidence(knees, min_flexion, noise_for("min_knee_flexion_deg"), "min"),
        )
        event = fault_event(
            fault, times_s[start], times_s[stop - 1], finite_stat(lean_deg[start:stop], "max"), max_lean, None
        )
        found.append(graded(event, confidence))
    return [event for event in found if event.confidence >= MIN_REPORTED]


def mean_torso_deg(torso_deg: AnyArray, lean_deg: AnyArray, views: AnyArray, walk: AnyArray) -> float:
    """Mean torso angle above horizontal over the walk (90 upright): from the picture where the
    walk was filmed from the side, else from the 3D trunk lean (the picture's torso angle
    means little from the front or back).

    Parameters
    ----------
    torso_deg : AnyArray
        (T,) torso angle in the picture.
    lean_deg : AnyArray
        (T,) 3D trunk lean from vertical.
    views : AnyArray
        (T,) settled per-frame views (:func:`per_frame_views`).
    walk : AnyArray
        (T,) mask of the carry's frames (:func:`carry_mask`).

    Returns
    -------
    float
        Degrees above horizontal; NaN where unknown.
    """
    side = walk & (views == View.SIDE.value) & np.isfinite(torso_deg)
    if side.any():
        return _mean(torso_deg[side])
    return 90.0 - _mean(lean_deg[walk])


def _mean(values: AnyArray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.mean(finite)) if len(finite) else float("nan")


def frame_faults(signals: BodySignals, movement: Movement) -> dict[str, AnyArray]:
    """Lean and head position judged on each frame alone: 1, 0, or NaN where unknown.

    Frames filmed from a view a check cannot use are NaN for that check.

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
    views = per_frame_views(signals)
    raw = signals.raw
    with np.errstate(invalid="ignore"):
        side_lean = np.fmax(np.abs(raw["lateral_lean_deg"]), np.abs(raw["shoulder_tilt_deg"]))
    checks = {
        "leaning_sideways": (side_lean, movement.fault("leaning_sideways").thresholds["max_lateral_lean_deg"], "max"),
        "leaning_forward": (
            raw["torso_deg"],
            90.0 - movement.fault("leaning_forward").thresholds["max_forward_lean_deg"],
            "min",
        ),
        "head_forward": (raw["neck_deg"], movement.fault("head_forward").thresholds["max_head_forward_deg"], "max"),
    }
    flags = {}
    for code, (values, threshold, kind) in checks.items():
        usable = in_views(views, movement.fault(code))
        flags[code] = np.where(usable, frame_flags(values, threshold, kind), np.nan)
    return flags


register(FormModule("farmers-carry", check, frame_faults=frame_faults))
