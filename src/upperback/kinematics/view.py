"""Where the camera stands: side, front, back or oblique, and which body side faces it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from upperback.arrays import FloatArray, ObjectArray
from upperback.library.models import View
from upperback.pose.landmarks import Landmark as L

SIDE_MAX_RATIO = 0.40
"""Shoulder width over torso length (in the picture) below which the view is side-on."""
FRONTAL_MIN_RATIO = 0.65
"""... and above which it is frontal (front or back). In between: oblique."""
VISIBLE = 0.5


@dataclass(frozen=True)
class ViewEstimate:
    """Camera view of a stretch of frames.

    Attributes
    ----------
    view : View
        The most common per-frame view.
    per_frame : (T,) array of str
        ``side``/``front``/``back``/``oblique``, or ``""`` where no person was found.
    near_side : str
        ``"left"`` or ``"right"``: the body side nearer the camera (the one to measure in side views).
    confidence : float
        Share of frames that agree with ``view``.
    """

    view: View
    per_frame: ObjectArray
    near_side: str
    confidence: float


def shoulder_width_ratio(image: FloatArray) -> FloatArray:
    """Shoulder width divided by torso length, both measured in the picture.

    Parameters
    ----------
    image : (T, 33, 3) array
        Image landmarks of a track.

    Returns
    -------
    (T,) array
        The ratio per frame; NaN where a landmark is missing.
    """
    shoulders = np.linalg.norm(image[:, L.LEFT_SHOULDER, :2] - image[:, L.RIGHT_SHOULDER, :2], axis=-1)
    mid_shoulder = (image[:, L.LEFT_SHOULDER, :2] + image[:, L.RIGHT_SHOULDER, :2]) / 2
    mid_hip = (image[:, L.LEFT_HIP, :2] + image[:, L.RIGHT_HIP, :2]) / 2
    torso = np.linalg.norm(mid_shoulder - mid_hip, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio: FloatArray = shoulders / torso
    return ratio


def near_side(image: FloatArray, visibility: FloatArray) -> str:
    """The body side facing the camera: the one whose landmarks are more visible and nearer (z).

    Parameters
    ----------
    image : (T, 33, 3) array
        Image landmarks of a track.
    visibility : (T, 33) array
        BlazePose's visibility of each landmark.

    Returns
    -------
    str
        ``"left"`` or ``"right"``.
    """
    left = [L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_HIP, L.LEFT_KNEE]
    right = [L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST, L.RIGHT_HIP, L.RIGHT_KNEE]
    with np.errstate(invalid="ignore"):
        vis_left, vis_right = np.nanmean(visibility[:, left]), np.nanmean(visibility[:, right])
        z_left, z_right = np.nanmedian(image[:, left, 2]), np.nanmedian(image[:, right, 2])
    if abs(vis_left - vis_right) > 0.05 or not np.isfinite(z_left - z_right):
        return "left" if vis_left >= vis_right else "right"
    return "left" if z_left <= z_right else "right"


def body_yaw_deg(world: FloatArray) -> FloatArray:
    """Turn of the body from facing the camera, from world landmarks.

    Uses the left-minus-right directions of the shoulder and hip lines in the horizontal
    plane (BlazePose world axes follow the camera: x right, y down, z away from the camera).

    Parameters
    ----------
    world : (T, 33, 3) array
        World landmarks of a track (NaN in landmark files, which have none).

    Returns
    -------
    (T,) array
        Degrees: 0 facing the camera, ±180 facing away, ±90 side-on, positive when the left side
        is nearer the camera; NaN where the world landmarks are missing.
    """
    across = world[:, L.LEFT_SHOULDER] - world[:, L.RIGHT_SHOULDER] + world[:, L.LEFT_HIP] - world[:, L.RIGHT_HIP]
    yaw: FloatArray = np.degrees(np.arctan2(-across[:, 2], across[:, 0]))
    return yaw


def estimate_view(image: FloatArray, world: FloatArray, visibility: FloatArray) -> ViewEstimate:
    """Classify the camera view frame by frame.

    Parameters
    ----------
    image : (T, 33, 3) array
        Image landmarks of a track.
    world : (T, 33, 3) array
        World landmarks, NaN where there are none (landmark files).
    visibility : (T, 33) array
        BlazePose's visibility of each landmark.

    Returns
    -------
    ViewEstimate
        The overall view, each frame's view and the near side.

    Notes
    -----
    With world landmarks (video input) the view follows from the body's yaw: within 30° of
    facing the camera (or facing away) is front (back), beyond 60° side, oblique between.
    This holds however far the torso leans. Without them (landmark CSVs) the picture's
    geometry stands in: side-on, the shoulders overlap, so their spacing is small next to the
    torso's length; facing the camera, the person's left shoulder appears on the picture's right.
    """
    yaw = body_yaw_deg(world)
    per_frame = np.full(len(image), "", dtype=object)
    if np.isfinite(yaw).any():
        turn = np.abs(yaw)
        per_frame[turn <= 30] = View.FRONT.value
        per_frame[turn >= 150] = View.BACK.value
        per_frame[(turn > 60) & (turn < 120)] = View.SIDE.value
        per_frame[((turn > 30) & (turn <= 60)) | ((turn >= 120) & (turn < 150))] = View.OBLIQUE.value
    else:
        ratio = shoulder_width_ratio(image)
        left_on_right = image[:, L.LEFT_SHOULDER, 0] > image[:, L.RIGHT_SHOULDER, 0]
        per_frame[ratio < SIDE_MAX_RATIO] = View.SIDE.value
        per_frame[(ratio >= SIDE_MAX_RATIO) & (ratio < FRONTAL_MIN_RATIO)] = View.OBLIQUE.value
        frontal = ratio >= FRONTAL_MIN_RATIO
        per_frame[frontal & left_on_right] = View.FRONT.value
        per_frame[frontal & ~left_on_right] = View.BACK.value
    labelled = per_frame[per_frame != ""].astype(str)
    if len(labelled) == 0:
        return ViewEstimate(View.SIDE, per_frame, "left", 0.0)
    values, counts = np.unique(labelled, return_counts=True)
    best = int(np.argmax(counts))
    median_yaw = float(np.nanmedian(yaw)) if np.isfinite(yaw).any() else math.nan
    if not np.isfinite(median_yaw) or abs(median_yaw) < 20:
        side_near = near_side(image, visibility)
    else:
        side_near = "left" if median_yaw > 0 else "right"
    return ViewEstimate(View(values[best]), per_frame, side_near, float(counts[best] / len(labelled)))
