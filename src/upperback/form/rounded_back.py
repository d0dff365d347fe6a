"""Rounded (lower/mid) back in bent-over rows: per-frame features and a small logistic model.

A rounded back cannot be read from one shoulder and one hip point, so this check is learned from
labelled frames (see ``docs/rounded_back.md`` and ``tools/train_rounded_back.py``). Inference is
plain numpy: :func:`rounded_back_features` turns pixel landmarks into a handful of invariant
features and :class:`RoundedBackModel` maps them to a probability.

Every feature is invariant to translation and uniform scale of the landmarks, and to which side
of the body faces the camera (the frame is mirrored so that the person faces +x). Two features
are ratios of vertical extents only, so they do not depend on the picture's aspect ratio at all;
the angle features do, which is why the model records the aspect ratio it was trained under.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from upperback.arrays import AnyArray
from upperback.kinematics.angles import joint_angle_deg
from upperback.pose.landmarks import Landmark

FEATURE_NAMES: tuple[str, ...] = (
    "torso_inclination_deg",
    "hip_angle_deg",
    "neck_angle_deg",
    "nose_offset_ratio",
    "elbow_offset_ratio",
    "elbow_along_ratio",
    "knee_along_ratio",
    "shoulder_rise_ratio",
    "elbow_drop_ratio",
)
"""The features, in column order. See :func:`rounded_back_features` for their definitions."""

MIN_VISIBILITY = 0.3
"""A landmark pair (or the nose) counts as seen when its better-seen point has at least this
visibility; frames where a needed pair is not seen get NaN features."""

_PAIRS: dict[str, tuple[Landmark, Landmark]] = {
    "shoulder": (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    "elbow": (Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW),
    "hip": (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    "knee": (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
}

MODEL_RESOURCE = "models/rounded_back.json"
"""Where the packaged model lives, relative to the ``upperback.form`` package."""


def rounded_back_features(image: AnyArray, visibility: AnyArray) -> AnyArray:
    """Per-frame features for the rounded-back model.

    Parameters
    ----------
    image : (T, 33, 3) array
        Image landmarks: x and y in pixels of the upright picture (true aspect ratio), z in the
        same pixel scale (``PoseTrack.image``); z is not used.
    visibility : (T, 33) array
        Landmark visibility, 0 to 1 (``PoseTrack.visibility``).

    Returns
    -------
    (T, F) float64 array
        Columns in the order of :data:`FEATURE_NAMES`. A row is all NaN when the nose, or any of
        the shoulder, elbow, hip or knee pairs, is missing or not seen (:data:`MIN_VISIBILITY`).

    Notes
    -----
    Left/right pairs are replaced by their midpoints, then the frame is translated to put the
    hip midpoint at the origin and mirrored so that the shoulders lie at +x (the person faces
    +x). With ``T`` the torso length (hip to shoulder midpoint), the torso axis ``u`` (hip to
    shoulder) and its normal ``n`` (pointing to the back side, up in the picture for a level
    torso):

    - ``torso_inclination_deg``: angle of the hip→shoulder line above the image horizontal
      (90 upright, 0 level, negative with the shoulders below the hips).
    - ``hip_angle_deg``: shoulder–hip–knee angle; ``neck_angle_deg``: nose–shoulder–hip angle.
    - ``nose_offset_ratio``, ``elbow_offset_ratio``: distance of the point from the torso line
      along ``n``, over ``T`` (negative: below the line, towards the belly).
    - ``elbow_along_ratio``, ``knee_along_ratio``: position of the point along ``u``, over ``T``.
    - ``shoulder_rise_ratio``: height of the shoulders above the hips over the drop of the knees
      below the hips; ``elbow_drop_ratio``: drop of the elbows below the hips over the same.
      Ratios of vertical extents: independent of the aspect ratio.

    BlazePose z is not used: depth features added under 0.01 to the grouped-CV F1, within the
    spread between folds, and z is the least reliable of BlazePose's outputs. Visibility is only
    used to blank frames.
    """
    image = np.asarray(image, dtype=float)
    visibility = np.asarray(visibility, dtype=float)
    if image.ndim != 3 or image.shape[1:] != (len(Landmark), 3):
        raise ValueError(f"image must have shape (T, {len(Landmark)}, 3), got {image.shape}")
    if visibility.shape != image.shape[:2]:
        raise ValueError(f"visibility must have shape {image.shape[:2]}, got {visibility.shape}")

    xy = image[..., :2]
    nose = xy[:, Landmark.NOSE]
    shoulder, elbow, hip, knee = (0.5 * (xy[:, a] + xy[:, b]) for a, b in _PAIRS.values())

    # Mirror so that the shoulders lie at +x of the hips (fall back to the nose when level).
    facing = np.sign(shoulder[:, 0] - hip[:, 0])
    facing = np.where(facing == 0, np.sign(nose[:, 0] - hip[:, 0]), facing)
    facing = np.where(facing == 0, 1.0, facing)

    def local(point: AnyArray) -> AnyArray:  # numpydoc ignore=GL08
        offset = point - hip
        return np.stack([offset[:, 0] * facing, offset[:, 1]], axis=1)

    nose, shoulder, elbow, knee = map(local, (nose, shoulder, elbow, knee))
    origin = np.zeros_like(shoulder)
    with np.errstate(invalid="ignore", divide="ignore"):
        torso_px = np.linalg.norm(shoulder, axis=1)
        axis = shoulder / torso_px[:, None]
        normal = np.stack([axis[:, 1], -axis[:, 0]], axis=1)  # +90° in the picture: the back side

        def along(point: AnyArray) -> AnyArray:
            out: AnyArray = np.sum(point * axis, axis=1) / torso_px
            return out

        def offset(point: AnyArray) -> AnyArray:
            out: AnyArray = np.sum(point * normal, axis=1) / torso_px
            return out

        knee_drop_px = knee[:, 1]  # image y grows downward
        columns = {
            "torso_inclination_deg": np.degrees(np.arctan2(-shoulder[:, 1], shoulder[:, 0])),
            "hip_angle_deg": joint_angle_deg(shoulder, origin, knee),
            "neck_angle_deg": joint_angle_deg(nose, shoulder, origin),
            "nose_offset_ratio": offset(nose),
            "elbow_offset_ratio": offset(elbow),
            "elbow_along_ratio": along(elbow),
            "knee_along_ratio": along(knee),
            "shoulder_rise_ratio": -shoulder[:, 1] / knee_drop_px,
            "elbow_drop_ratio": elbow[:, 1] / knee_drop_px,
        }
    features: AnyArray = np.stack([columns[name] for name in FEATURE_NAMES], axis=1)

    seen = visibility[:, Landmark.NOSE] >= MIN_VISIBILITY
    for a, b in _PAIRS.values():
        seen &= np.fmax(visibility[:, a], visibility[:, b]) >= MIN_VISIBILITY
    usable = seen & np.all(np.isfinite(features), axis=1) & (torso_px > 0) & (knee_drop_px > 0)
    features[~usable] = np.nan
    return features


@dataclass(frozen=True, eq=False)
class RoundedBackModel:
    """Logistic regression over :func:`rounded_back_features`, stored as plain arrays.

    ``probability = sigmoid(coefficients · (clip(x, clip_low, clip_high) - mean) / scale + intercept)``

    Attributes
    ----------
    feature_names : tuple of str
        Must equal :data:`FEATURE_NAMES` (checked by :meth:`from_dict`).
    mean, scale : (F,) arrays
        Standardisation fitted on the (clipped) training features.
    clip_low, clip_high : (F,) arrays
        Training quantiles each feature is clipped to, so that odd frames cannot give extreme
        probabilities.
    coefficients : (F,) array
    intercept : float
    threshold : float
        Probability at or above which a frame is called rounded, chosen from grouped CV.
    aspect_ratio : float
        Width / height of the pictures the training landmarks are assumed to come from.
    info : dict
        Cross-validation scores, data provenance and anything else recorded at training.
    """

    feature_names: tuple[str, ...]
    mean: AnyArray
    scale: AnyArray
    clip_low: AnyArray
    clip_high: AnyArray
    coefficients: AnyArray
    intercept: float
    threshold: float
    aspect_ratio: float
    info: Mapping[str, Any] = field(default_factory=dict)

    def predict_probability(self, features: AnyArray) -> AnyArray:
        """Probability that each frame shows a rounded back.

        Parameters
        ----------
        features : (T, F) array
            From :func:`rounded_back_features`.

        Returns
        -------
        (T,) float64 array
            NaN where any feature of the frame is NaN.
        """
        features = np.asarray(features, dtype=float)
        if features.ndim != 2 or features.shape[1] != len(self.feature_names):
            raise ValueError(f"features must have shape (T, {len(self.feature_names)}), got {features.shape}")
        z = (np.clip(features, self.clip_low, self.clip_high) - self.mean) / self.scale
        logit = z @ self.coefficients + self.intercept
        out: AnyArray = 1.0 / (1.0 + np.exp(-logit))
        return out

    def is_rounded(self, features: AnyArray) -> AnyArray:
        """(T,) bool: probability at or above :attr:`threshold` (False where it is NaN).

        Parameters
        ----------
        features : AnyArray
            (T, F) features (:func:`rounded_back_features`).

        Returns
        -------
        AnyArray
            (T,) mask.
        """
        with np.errstate(invalid="ignore"):
            return self.predict_probability(features) >= self.threshold

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundedBackModel:
        """Build a model from its JSON form (as written by the training script).

        Parameters
        ----------
        data : Mapping[str, Any]
            The model's JSON form.

        Returns
        -------
        RoundedBackModel
            The model.
        """
        names = tuple(data["feature_names"])
        if names != FEATURE_NAMES:
            raise ValueError(f"model features {names} do not match this code's {FEATURE_NAMES}")
        arrays = {}
        for key in ("mean", "scale", "clip_low", "clip_high", "coefficients"):
            values = np.asarray(data[key], dtype=float)
            if values.shape != (len(names),):
                raise ValueError(f"model field '{key}' has shape {values.shape}, expected ({len(names)},)")
            values.flags.writeable = False
            arrays[key] = values
        known = {"feature_names", "intercept", "threshold", "aspect_ratio", *arrays}
        return cls(
            feature_names=names,
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            aspect_ratio=float(data["aspect_ratio"]),
            info={k: v for k, v in data.items() if k not in known},
            **arrays,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_dict`.

        Returns
        -------
        dict[str, Any]
            The coefficients, scaling, threshold and training notes.
        """
        return {
            "feature_names": list(self.feature_names),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "clip_low": self.clip_low.tolist(),
            "clip_high": self.clip_high.tolist(),
            "coefficients": self.coefficients.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "aspect_ratio": self.aspect_ratio,
            **dict(self.info),
        }


@cache
def load_rounded_back_model() -> RoundedBackModel:
    """The model packaged with upperback (``upperback/form/models/rounded_back.json``).

    Returns
    -------
    RoundedBackModel
        The model.
    """
    text = resources.files("upperback.form").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    return RoundedBackModel.from_dict(json.loads(text))
