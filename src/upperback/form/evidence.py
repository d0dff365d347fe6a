"""How surely a measured value shows a fault: the margin beyond the threshold against the pose
model's own noise, and whether more than one rep (or a sustained stretch) shows it.

BlazePose's landmarks jitter: two runs over the same video differ by 2–4° on arm angles
(docs/performance.md), so a value a degree past its limit is no evidence of anything. A fault is
reported when the evidence is at least moderate (``MIN_REPORTED``); a fault of severity
``error`` keeps it only when the evidence is clear (``CLEAR``), otherwise it is reported as a
possible fault with severity ``warning``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np

from upperback.form.report import POSSIBLE_BELOW, FaultEvent
from upperback.library.models import View

NOISE_BY_UNIT = {"_deg": 3.0, "_s": 0.1, "_ratio": 0.02}
"""Run-to-run noise per unit: 3° (docs/performance.md, 2–4° on arm angles); 0.1 s (one frame at
the 10 Hz analysis rate); 0.02 for ratios of lengths in the picture (2–3 px of jitter on a
torso of about 150 px)."""
REFILMED_NOISE = {
    "max_top_elbow_angle_deg": 3.5,  # top_elbow_deg: 3.22 (2.92-3.43)
    "min_elbow_range_deg": 4.5,  # elbow_range_deg: 4.27 (3.73-4.38)
    "min_top_spread_deg": 7.0,  # top_spread_deg: 6.87 (3.51-8.62)
    "min_spine_curve_range_deg": 4.0,  # cat-cow range_deg: 3.99 (3.96-4.38; two clips)
    "max_elevation_change_ratio": 0.025,  # elevation_change_ratio: 0.0246 (0.0234-0.0255)
}
"""How far a measure moves when the same rep is filmed again in another way (mirrored, another
frame rate or picture size, sped up, with a title, stored on its side): the robust standard
deviation of the change over the reps judged for the measure's fault, ``bench/encoding_noise.py``
on 12 clips in 7 versions each (docs/accuracy.md), rounded up; in brackets its range with any one
clip left out. Listed where it exceeds the unit's run-to-run noise, which stays the floor; the
per-rep measure each was read on is named beside it. Not the lowering time (0.18 s): at the
10 Hz analysis rate a lowering six times too fast still reads 0.3-0.5 s, so a wider noise would
leave nothing between that floor and the 0.6 s limit; the check it serves is a hint (severity
``info``), and one analysed frame stays its noise."""
OBLIQUE_NOISE_FACTOR = 2.0
"""Angles in the picture of an oblique view are corrected for the body's turn, which BlazePose
gives to within about 5°: near 45° of turn that moves a 50° torso angle by about 3°, so the
noise of angle measures is taken as twice the side view's there."""
MIN_REPORTED = 0.5
"""Events with less confidence are not reported: the signal cannot tell them from noise."""
CLEAR = POSSIBLE_BELOW
"""From this confidence a fault is clear; below it, it is worded as possible and an ``error``
fault is reported as a ``warning``."""
SINGLE_REP_WEIGHT = 0.8
"""A set of one rep cannot show a fault twice: its evidence counts for a little less."""


def noise_for(threshold_key: str, view: View | None = None) -> float:
    """The noise of the measure a threshold limits: the unit's run-to-run noise
    (``max_torso_angle_deg`` → 3°) or, where larger, the measure's change when re-filmed
    (``REFILMED_NOISE``), in ``view``.

    Parameters
    ----------
    threshold_key : str
        A threshold's name, ending in its unit (``_deg``, ``_ratio``, ...).
    view : View | None
        The camera view, None when not known.

    Returns
    -------
    float
        The measurement noise in the threshold's unit.
    """
    for suffix, noise in NOISE_BY_UNIT.items():
        if threshold_key.endswith(suffix):
            oblique = view is View.OBLIQUE and suffix == "_deg"
            noise = max(noise, REFILMED_NOISE.get(threshold_key, 0.0))
            return noise * (OBLIQUE_NOISE_FACTOR if oblique else 1.0)
    return 0.0


def margin_confidence(value: float, threshold: float, noise: float, kind: str) -> float:
    """How far ``value`` lies beyond ``threshold``, in noise widths: 0.25 at the threshold, 0.5
    (``MIN_REPORTED``) one noise width beyond it, 1 at three widths.

    Parameters
    ----------
    value : float
        The measured value.
    threshold : float
        The fault's threshold.
    noise : float
        The measurement noise in the value's unit.
    kind : str
        ``"max"`` when values above the threshold are faults, ``"min"`` when below.

    Returns
    -------
    float
        Confidence from 0 to 1.
    """
    excess = (value - threshold) if kind == "max" else (threshold - value)
    if noise <= 0:
        return 1.0 if excess > 0 else 0.25
    widths = round(excess / noise, 6)  # times are whole frames apart: 0.6 - 0.5 s is one width
    return float(np.clip(0.25 + 0.25 * widths, 0.0, 1.0))


def settle_rep_faults(events: list[FaultEvent], judged_reps: int) -> list[FaultEvent]:
    """Per-rep events with their final confidence, keeping only those the evidence supports.

    A code seen on a single rep of a set of several is dropped (one rep is within the noise of
    a set): a rep shows it only when its own evidence is reportable (``MIN_REPORTED``), so a
    value just past the threshold on one rep does not vouch for an outlier on another. In a
    one-rep set the confidence is scaled by ``SINGLE_REP_WEIGHT``. Errors below ``CLEAR``
    become warnings.

    Parameters
    ----------
    events : list[FaultEvent]
        The per-rep fault events found in the set.
    judged_reps : int
        How many reps were judged.

    Returns
    -------
    list[FaultEvent]
        The events kept, with their final confidence and severity.
    """
    reps_with = Counter(e.code for e in events if e.confidence >= MIN_REPORTED)
    kept = []
    for event in events:
        if reps_with[event.code] < 2 and judged_reps > 1:
            continue
        weight = SINGLE_REP_WEIGHT if judged_reps <= 1 else 1.0
        kept.append(graded(event, event.confidence * weight))
    return [e for e in kept if e.confidence >= MIN_REPORTED]


def graded(event: FaultEvent, confidence: float) -> FaultEvent:
    """``event`` with ``confidence``; an ``error`` below ``CLEAR`` is reported as a warning.

    Parameters
    ----------
    event : FaultEvent
        The fault event.
    confidence : float
        Its confidence, 0 to 1.

    Returns
    -------
    FaultEvent
        A copy of the event with the confidence and the severity it earns.
    """
    severity = event.severity
    if severity == "error" and confidence < CLEAR:
        severity = "warning"
    return dataclasses.replace(event, confidence=round(float(confidence), 3), severity=severity)
