"""Joint and segment angles from landmark coordinates (pure functions over arrays).

All functions take arrays whose last axis holds coordinates (2 for image x/y, 3 for world) and
return angles in degrees with the leading shape. NaN in, NaN out.
"""

from __future__ import annotations

import numpy as np


def angle_between_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle between vectors ``u`` and ``v``, 0 to 180 degrees."""
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    dot = np.sum(u * v, axis=-1)
    norms = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.clip(dot / norms, -1.0, 1.0)
    return np.degrees(np.arccos(cosine))


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at ``b`` between segments b→a and b→c (180 = straight), e.g. the elbow angle
    from shoulder, elbow and wrist."""
    return angle_between_deg(np.asarray(a) - b, np.asarray(c) - b)


def inclination_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Angle of the segment lower→upper above the image horizontal, 0 to 90 degrees.

    90 is vertical (e.g. a standing torso from hip to shoulder), 0 horizontal. Image y grows
    downward, so only the magnitudes of the components matter.
    """
    d = np.asarray(upper, dtype=float)[..., :2] - np.asarray(lower, dtype=float)[..., :2]
    return np.degrees(np.arctan2(np.abs(d[..., 1]), np.abs(d[..., 0])))


def signed_tilt_deg(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Tilt of the line right→left from the image horizontal, -90 to 90 degrees
    (positive when the left point is higher in the picture)."""
    d = np.asarray(left, dtype=float)[..., :2] - np.asarray(right, dtype=float)[..., :2]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.degrees(np.arctan(-d[..., 1] / np.abs(d[..., 0])))


def wrap_deg(angle: np.ndarray) -> np.ndarray:
    """Wrap angles into [-180, 180)."""
    return (np.asarray(angle) + 180.0) % 360.0 - 180.0
