"""``--exercise auto``: tell which of the five movements a video shows, from posture and motion.

The rules follow how the movements differ to a coach's eye:

- lying on the side (the body's long axis level in the picture, hips and shoulders stacked
  vertically): side-lying thoracic rotation;
- on hands and knees (torso level, hips and knees bent near 90°, hands below the shoulders):
  cat-cow;
- upright, arms hanging and the body travelling across the picture or stepping: farmer's carry;
- hinged forward (or chest on a bench): a row if the elbows bend through a large range, a
  reverse fly if the upper arms sweep apart while the elbows stay nearly straight.

Each movement gets a score from 0 to 1; the best wins when it is clear of the runner-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.form.common import finite_stat
from upperback.kinematics.signals import BodySignals
from upperback.pose.landmarks import Landmark as L

MIN_MARGIN = 0.15
"""The winner's score must beat the runner-up's by this much."""


@dataclass(frozen=True)
class Recognition:
    """The recognised movement (None when nothing fits), whether it won clearly, and all scores.

    A hinged posture with no clear arm movement (a hold, a set-up) falls back to the bent-over
    row, the hinge movement that gets a 0-rep report rather than a guess at another movement.
    """

    exercise: str | None
    clear: bool
    scores: dict[str, float]


def recognise(signals: BodySignals) -> Recognition:
    """Score each movement and pick the clear winner, if there is one."""
    torso = finite_stat(signals["torso_deg"], "median")
    hip = finite_stat(signals["hip_deg"], "median")
    knee = finite_stat(signals["knee_deg"], "median")
    elbow_range = _spread(signals["elbow_deg"])
    arm_spread_range = _spread(signals["arm_spread_deg"])
    lying = _lying_on_side(signals)
    walking = _travel(signals)
    hinged = _between(torso, 0, 65)
    scores = {
        "thoracic-rotation": lying,
        "cat-cow": (1 - lying) * _between(torso, -1, 30) * _near(hip, 95, 30) * _near(knee, 95, 35)
        * _hands_below_shoulders(signals),
        "farmers-carry": (1 - lying) * _between(torso, 65, 91) * max(walking, 0.3 * _near(hip, 175, 20)),
        "bent-over-row": (1 - lying) * hinged * _ramp(elbow_range, 15, 45)
        * (1 - 0.7 * _ramp(arm_spread_range - elbow_range, 20, 60)),
        "reverse-fly": (1 - lying) * hinged * _ramp(arm_spread_range, 40, 90)
        * (1 - 0.7 * _ramp(elbow_range - arm_spread_range, 0, 30)),
    }
    scores = {k: float(np.nan_to_num(v)) for k, v in scores.items()}
    ranked = sorted(scores, key=scores.get, reverse=True)
    best, second = ranked[0], ranked[1]
    clear = scores[best] >= 0.3 and scores[best] - scores[second] >= MIN_MARGIN
    if clear:
        return Recognition(best, True, scores)
    return Recognition("bent-over-row" if hinged and not lying else None, False, scores)


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
            p[:, L.LEFT_SHOULDER, :2] - p[:, L.RIGHT_SHOULDER, :2], axis=-1)
    torso = finite_stat(signals["torso_deg"], "median")
    return float(_between(torso, -1, 30) * _between(finite_stat(legs_level, "median"), -1, 30)
                 * _ramp(finite_stat(stack, "median"), 0.5, 0.8))


def _hands_below_shoulders(signals: BodySignals) -> float:
    p = signals.track.image
    drop = np.nanmean(p[:, [L.LEFT_WRIST, L.RIGHT_WRIST], 1], axis=1) - np.nanmean(
        p[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1], axis=1)
    torso_len = np.linalg.norm(p[:, L.LEFT_SHOULDER, :2] - p[:, L.LEFT_HIP, :2], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(_ramp(finite_stat(drop / torso_len, "median"), 0.4, 0.8))


def _travel(signals: BodySignals) -> float:
    """How much the hips travel across (or toward) the camera, in body heights: walking."""
    p = signals.track.image
    mid_hip = (p[:, L.LEFT_HIP, :2] + p[:, L.RIGHT_HIP, :2]) / 2
    height = finite_stat(np.linalg.norm(p[:, L.NOSE, :2] - (p[:, L.LEFT_ANKLE, :2] + p[:, L.RIGHT_ANKLE, :2]) / 2,
                                        axis=-1), "median")
    size = np.linalg.norm(p[:, L.LEFT_SHOULDER, :2] - p[:, L.RIGHT_HIP, :2], axis=-1)
    moved = _spread(mid_hip[:, 0]) / height if height > 0 else 0.0
    scale_change = _spread(size) / finite_stat(size, "median") if np.isfinite(size).any() else 0.0
    return float(max(_ramp(moved, 0.3, 1.0), _ramp(scale_change, 0.3, 0.8)))


def _spread(values: np.ndarray) -> float:
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
