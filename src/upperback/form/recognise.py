"""``--exercise auto``: tell which movement of the library a video shows, from posture and motion.

Each movement's ``recognition`` entry in the library says how it looks to a coach's eye, as a
product of terms on a few measures of the whole video (:class:`RecognitionFeature`): for example
lying on the side (the open book), on hands and knees (cat-cow), upright and travelling (the
carry), or hinged forward with the elbows bending through a large range (the row). Each movement
gets a score from 0 to 1; the best wins when it is clear of the runner-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.arrays import AnyArray
from upperback.form.common import finite_stat
from upperback.kinematics.signals import BodySignals
from upperback.library import get_library
from upperback.library.models import RecognitionFeature, RecognitionTerm
from upperback.pose.landmarks import Landmark as L

MIN_MARGIN = 0.15
"""The winner's score must beat the runner-up's by this much."""


@dataclass(frozen=True)
class Recognition:
    """The recognised movement (None when nothing fits), whether it won clearly, and all scores.

    When no movement wins clearly, the library's ``fallback`` movement is chosen if its posture
    fits fully: a hinged hold or set-up with no clear arm movement gets a 0-rep row report rather
    than a guess at another movement.
    """

    exercise: str | None
    clear: bool
    scores: dict[str, float]


def recognise(signals: BodySignals) -> Recognition:
    """Score each movement of the library that has a ``recognition`` entry and pick the clear winner.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the whole video.

    Returns
    -------
    Recognition
        The winning movement id (None when no movement wins clearly), whether it won clearly, and
        every movement's score.
    """
    features = measure(signals)
    rules = {m.id: m.recognition for m in get_library().movements if m.recognition is not None}
    scores = {
        name: float(np.nan_to_num(_product([*rule.posture, *rule.motion], features))) for name, rule in rules.items()
    }
    ranked = sorted(scores, key=lambda name: scores[name], reverse=True)
    best = ranked[0] if ranked else None
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    clear = best is not None and scores[best] >= 0.3 and scores[best] - runner_up >= MIN_MARGIN
    if clear:
        return Recognition(best, True, scores)
    fallback = next(
        (name for name, rule in rules.items() if rule.fallback and _product(rule.posture, features) == 1.0), None
    )
    return Recognition(fallback, False, scores)


def measure(signals: BodySignals) -> dict[RecognitionFeature, float]:
    """Measure the whole video as the recognition terms read it.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the whole video.

    Returns
    -------
    dict of RecognitionFeature to float
        Each feature's value (medians and ranges over the video).
    """
    elbow_range = _spread(signals["elbow_deg"])
    arm_spread_range = _spread(signals["arm_spread_deg"])
    F = RecognitionFeature
    return {
        F.TORSO_DEG: finite_stat(signals["torso_deg"], "median"),
        F.HIP_DEG: finite_stat(signals["hip_deg"], "median"),
        F.KNEE_DEG: finite_stat(signals["knee_deg"], "median"),
        F.ELBOW_RANGE_DEG: elbow_range,
        F.ARM_SPREAD_RANGE_DEG: arm_spread_range,
        F.ARM_SPREAD_BEYOND_ELBOW_RANGE_DEG: arm_spread_range - elbow_range,
        F.ELBOW_BEYOND_ARM_SPREAD_RANGE_DEG: elbow_range - arm_spread_range,
        F.HANDS_BELOW_SHOULDERS_RATIO: _hands_below_shoulders(signals),
        F.LYING_ON_SIDE: _lying_on_side(signals),
        F.TRAVEL: _travel(signals),
    }


def _product(terms: list[RecognitionTerm], features: dict[RecognitionFeature, float]) -> float:
    score = 1.0
    for term in terms:
        score = score * _term(term, features)
    return score


def _term(term: RecognitionTerm, features: dict[RecognitionFeature, float]) -> float:
    """One term's factor: its shape's value, scaled by its weight, or one minus that."""
    if term.any_of is not None:
        value = max(_term(sub, features) for sub in term.any_of)
    else:
        assert term.feature is not None
        x = features[term.feature]
        if term.between is not None:
            value = _between(x, *term.between)
        elif term.ramp is not None:
            value = _ramp(x, *term.ramp)
        else:
            assert term.near is not None and term.tolerance is not None
            value = _near(x, term.near, term.tolerance)
    value = term.weight * value if term.weight != 1.0 else value
    return 1 - value if term.against else value


def _lying_on_side(signals: BodySignals) -> float:
    """1 when the hip→shoulder and hip→ankle lines lie level in the picture while the shoulders
    are stacked one above the other (side-lying), 0 otherwise."""
    p = signals.track.image
    mid_hip = (p[:, L.LEFT_HIP, :2] + p[:, L.RIGHT_HIP, :2]) / 2
    mid_ankle = (p[:, L.LEFT_ANKLE, :2] + p[:, L.RIGHT_ANKLE, :2]) / 2
    legs = mid_ankle - mid_hip
    with np.errstate(invalid="ignore", divide="ignore"):
        legs_level = np.degrees(np.arctan2(np.abs(legs[:, 1]), np.abs(legs[:, 0])))
        stack = np.abs(p[:, L.LEFT_SHOULDER, 1] - p[:, L.RIGHT_SHOULDER, 1]) / np.linalg.norm(
            p[:, L.LEFT_SHOULDER, :2] - p[:, L.RIGHT_SHOULDER, :2], axis=-1
        )
    torso = finite_stat(signals["torso_deg"], "median")
    return float(
        _between(torso, -1, 30)
        * _between(finite_stat(legs_level, "median"), -1, 30)
        * _ramp(finite_stat(stack, "median"), 0.5, 0.8)
    )


def _hands_below_shoulders(signals: BodySignals) -> float:
    """How far the wrists hang below the shoulders in the picture, in torso lengths (median)."""
    p = signals.track.image
    drop = np.nanmean(p[:, [L.LEFT_WRIST, L.RIGHT_WRIST], 1], axis=1) - np.nanmean(
        p[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1], axis=1
    )
    torso_len = np.linalg.norm(p[:, L.LEFT_SHOULDER, :2] - p[:, L.LEFT_HIP, :2], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(finite_stat(drop / torso_len, "median"))


def _travel(signals: BodySignals) -> float:
    """How much the hips travel across (or toward) the camera, in body heights: walking."""
    p = signals.track.image
    mid_hip = (p[:, L.LEFT_HIP, :2] + p[:, L.RIGHT_HIP, :2]) / 2
    height = finite_stat(
        np.linalg.norm(p[:, L.NOSE, :2] - (p[:, L.LEFT_ANKLE, :2] + p[:, L.RIGHT_ANKLE, :2]) / 2, axis=-1), "median"
    )
    size = np.linalg.norm(p[:, L.LEFT_SHOULDER, :2] - p[:, L.RIGHT_HIP, :2], axis=-1)
    moved = _spread(mid_hip[:, 0]) / height if height > 0 else 0.0
    scale_change = _spread(size) / finite_stat(size, "median") if np.isfinite(size).any() else 0.0
    return float(max(_ramp(moved, 0.3, 1.0), _ramp(scale_change, 0.3, 0.8)))


def _spread(values: AnyArray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.subtract(*np.percentile(finite, [95, 5]))) if len(finite) >= 5 else 0.0


def _ramp(x: float, low: float, high: float) -> float:
    """0 below ``low``, 1 above ``high``, linear between."""
    if not np.isfinite(x):
        return 0.0
    return float(np.clip((x - low) / (high - low), 0.0, 1.0))


def _between(x: float, low: float, high: float) -> float:
    return 1.0 if np.isfinite(x) and low <= x <= high else 0.0


def _near(x: float, centre: float, tolerance: float) -> float:
    if not np.isfinite(x):
        return 0.0
    return float(np.clip(1 - abs(x - centre) / tolerance, 0.0, 1.0))
