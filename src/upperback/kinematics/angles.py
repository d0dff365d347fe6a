"""Joint and segment angles from landmark coordinates (pure functions over arrays).

All functions take arrays whose last axis holds coordinates (2 for image x/y, 3 for world) and
return angles in degrees with the leading shape. NaN in, NaN out.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from upperback.arrays import FloatArray


def angle_between_deg(u: npt.ArrayLike, v: npt.ArrayLike) -> FloatArray:
    """Unsigned angle between vectors ``u`` and ``v``.

    Parameters
    ----------
    u, v : (..., D) array
        Vectors along the last axis.

    Returns
    -------
    (...) array
        Angles from 0 to 180 degrees; NaN where either vector has zero length or a NaN.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    dot = np.sum(u * v, axis=-1)
    norms = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.clip(dot / norms, -1.0, 1.0)
    angle: FloatArray = np.degrees(np.arccos(cosine))
    return angle


def joint_angle_deg(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike) -> FloatArray:
    """Angle at ``b`` between the segments b→a and b→c, e.g. the elbow angle from shoulder,
    elbow and wrist.

    Parameters
    ----------
    a, b, c : (..., D) array
        The three points; ``b`` is the joint.

    Returns
    -------
    (...) array
        Degrees, 180 when the three points are in line.
    """
    joint = np.asarray(b)  # subtracted in the landmarks' own dtype (float32), as the reports were made
    return angle_between_deg(np.asarray(a) - joint, np.asarray(c) - joint)


def inclination_deg(lower: npt.ArrayLike, upper: npt.ArrayLike) -> FloatArray:
    """Angle of the segment lower→upper above the image horizontal.

    90 is vertical (e.g. a standing torso from hip to shoulder), 0 horizontal. Image y grows
    downward, so only the magnitudes of the components matter.

    Parameters
    ----------
    lower, upper : (..., D) array
        The segment's ends; only x and y are used.

    Returns
    -------
    (...) array
        Degrees, 0 to 90.
    """
    d = np.asarray(upper, dtype=float)[..., :2] - np.asarray(lower, dtype=float)[..., :2]
    angle: FloatArray = np.degrees(np.arctan2(np.abs(d[..., 1]), np.abs(d[..., 0])))
    return angle


def signed_tilt_deg(left: npt.ArrayLike, right: npt.ArrayLike) -> FloatArray:
    """Tilt of the line right→left from the image horizontal.

    Parameters
    ----------
    left, right : (..., D) array
        The line's ends; only x and y are used.

    Returns
    -------
    (...) array
        Degrees, -90 to 90, positive when the left point is higher in the picture.
    """
    d = np.asarray(left, dtype=float)[..., :2] - np.asarray(right, dtype=float)[..., :2]
    with np.errstate(invalid="ignore", divide="ignore"):
        tilt: FloatArray = np.degrees(np.arctan(-d[..., 1] / np.abs(d[..., 0])))
    return tilt


def wrap_deg(angle: npt.ArrayLike) -> FloatArray:
    """Wrap angles into [-180, 180).

    Parameters
    ----------
    angle : array
        Degrees, any range.

    Returns
    -------
    array
        The same angles, same shape, in [-180, 180).
    """
    wrapped: FloatArray = (np.asarray(angle, dtype=float) + 180.0) % 360.0 - 180.0
    return wrapped
