"""The outline of the back, read from BlazePose's person-segmentation mask.

Shoulder and hip landmarks are joint centres: the straight line between them says nothing about
the shape of the spine. The segmentation mask does: seen from the side, the edge of the body
behind that line follows the back. This module measures, per frame, how far the back's edge lies
from the hip–shoulder line at evenly spaced stations along it, as a fraction of torso length.
A rounded back bulges away from the line between the hips and the shoulders; an arched lower back
dips toward it just above the hips.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from upperback.pose.landmarks import Landmark
from upperback.pose.mask import PersonMask

STATIONS = np.linspace(0.0, 1.0, 11)
"""Positions along the torso, 0 at the hips and 1 at the shoulders."""

SEARCH_FRACTION = 0.9
"""How far out from the hip–shoulder line the edge is searched, as a fraction of torso length."""

SAMPLES = 96
"""Points sampled along each search line."""

MIN_TORSO_PX = 24.0
"""Shorter torsos (tiny or side-on-to-the-lens people) give no usable outline."""

PERSON = 0.5
"""Mask probability above which a pixel counts as the person."""


def back_profile(
    mask: PersonMask | npt.NDArray[np.float32], image: npt.NDArray[np.floating[Any]]
) -> npt.NDArray[np.float32]:
    """Distance from the hip–shoulder line to the back's edge at each of ``STATIONS``.

    Parameters
    ----------
    mask
        BlazePose's person mask, or an (H, W) float person probability as large as the picture.
    image
        (33, 3) image landmarks in pixels of the same picture.

    Returns
    -------
    (len(STATIONS),) float32, in torso lengths; NaN where the edge could not be found (the line
    starts outside the body, or the edge lies at the picture's border).
    """
    profile = np.full(len(STATIONS), np.nan, np.float32)
    hips = image[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP], :2].mean(axis=0)
    shoulders = image[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], :2].mean(axis=0)
    axis = shoulders - hips
    length = float(np.hypot(*axis))
    if not np.isfinite(length) or length < MIN_TORSO_PX:
        return profile
    axis /= length
    back = _backward_normal(axis, hips, shoulders, image)
    if back is None:
        return profile

    reach = np.linspace(0.0, SEARCH_FRACTION * length, SAMPLES)
    starts = hips + np.outer(STATIONS * length, axis)  # (K, 2)
    points = starts[:, None, :] + reach[None, :, None] * back  # (K, S, 2) x, y
    if not isinstance(mask, PersonMask):
        mask = PersonMask.full_frame(mask)
    values = mask.sample(points[..., 0].ravel(), points[..., 1].ravel()).reshape(points.shape[:2])
    height, width = mask.picture_shape
    for k, line in enumerate(values):
        if line[0] < PERSON:
            continue
        outside = np.flatnonzero(line < PERSON)
        if outside.size == 0:
            continue
        i = outside[0]
        x, y = points[k, i]
        if not (1 <= x < width - 2 and 1 <= y < height - 2):
            continue  # cut off by the picture's edge, not the body's
        # Linear interpolation between the last inside and the first outside sample.
        inside_value, outside_value = line[i - 1], line[i]
        step = (inside_value - PERSON) / (inside_value - outside_value)
        profile[k] = (reach[i - 1] + step * (reach[i] - reach[i - 1])) / length
    return profile


def _backward_normal(
    axis: npt.NDArray[np.floating[Any]],
    hips: npt.NDArray[np.floating[Any]],
    shoulders: npt.NDArray[np.floating[Any]],
    image: npt.NDArray[np.floating[Any]],
) -> npt.NDArray[np.floating[Any]] | None:
    """The unit normal of the torso line that points out of the back.

    The front is where the knees (bent forward of the torso in a hinge, a quadruped or a
    squat) and the face are; the back is the other side.
    """
    normal = np.array([-axis[1], axis[0]])
    knees = image[[Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE], :2].mean(axis=0)
    front = np.nansum([(knees - hips) @ normal, (image[Landmark.NOSE, :2] - shoulders) @ normal])
    if not np.isfinite(front) or front == 0:
        return None
    return -normal if front > 0 else normal


CHORD_STATIONS = (1, 9)
"""The back's curve is measured against the straight line between these two stations, inside
the ends where the buttocks and the shoulder blades shape the outline more than the spine."""


ARM_POINTS = (Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST)

ARM_REACH = 0.2
"""An elbow or wrist at or behind the back's line hides the outline this far (in torso lengths)
either side of it along the torso: at the top of a row the arm's outline merges with the back's."""


def arm_over_back(image: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.bool_]:
    """(T, len(STATIONS)) bool: stations where an elbow or wrist is at or behind the torso line,
    so the outline there may be the arm's, not the back's. ``image`` is (T, 33, 3)."""
    hips = image[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], :2].mean(axis=1)
    shoulders = image[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], :2].mean(axis=1)
    axis = shoulders - hips
    with np.errstate(invalid="ignore", divide="ignore"):
        length = np.hypot(axis[:, 0], axis[:, 1])
        axis = axis / length[:, None]
        normal = np.stack([-axis[:, 1], axis[:, 0]], axis=1)
        knees = image[:, [Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE], :2].mean(axis=1)
        front = np.nan_to_num(np.sum((knees - hips) * normal, axis=1)) + np.nan_to_num(
            np.sum((image[:, Landmark.NOSE, :2] - shoulders) * normal, axis=1)
        )
        back = normal * -np.sign(front)[:, None]
        covered = np.zeros((len(image), len(STATIONS)), bool)
        for point in ARM_POINTS:
            offset = image[:, point, :2] - hips
            along = np.sum(offset * axis, axis=1) / length
            across = np.sum(offset * back, axis=1) / length
            behind = np.nan_to_num(across, nan=-1.0) > -0.05
            near = np.abs(along[:, None] - STATIONS[None, :]) < ARM_REACH
            covered |= behind[:, None] & near
    return covered


def back_curve(
    profiles: npt.NDArray[np.floating[Any]], image: npt.NDArray[np.floating[Any]] | None = None
) -> npt.NDArray[np.float64]:
    """How far the back's edge bulges out (+, rounded) or dips in (−, arched) between the
    chord stations, as the mean offset from the straight line joining them, in torso lengths.

    ``profiles`` is (T, len(STATIONS)) from :func:`back_profile`; with the (T, 33, 3) image
    landmarks, stations an arm may hide are left out (:func:`arm_over_back`). The result is
    (T,), NaN where a chord station or most of the stations between them are unknown.
    """
    profiles = profiles.astype(float)
    if image is not None:
        profiles[arm_over_back(image)] = np.nan
    first, last = CHORD_STATIONS
    inner = np.arange(first + 1, last)
    share = (STATIONS[inner] - STATIONS[first]) / (STATIONS[last] - STATIONS[first])
    chord = profiles[:, [first]] + (profiles[:, [last]] - profiles[:, [first]]) * share
    offsets = profiles[:, inner] - chord
    known = np.isfinite(offsets).sum(axis=1)
    with np.errstate(invalid="ignore"):
        curve = np.nansum(offsets, axis=1) / known
    return np.where(known * 2 > len(inner), curve, np.nan)
