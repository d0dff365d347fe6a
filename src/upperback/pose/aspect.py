"""The picture's proportions, read from the body when a landmark file does not give them.

Normalised landmarks (x / width, y / height, MediaPipe's layout) say nothing of the picture's
aspect ratio, and every angle in the picture depends on it. A body gives it away: its bones keep
their lengths while they turn in the picture during a set (the arm swings, the torso tilts), and
only the true aspect ratio keeps their proportions constant. For each frame whose better-seen
side is well seen, the log lengths of the upper arm, forearm, thigh, shank and torso are taken
relative to their mean (removing the frame's scale); the estimate is the ratio that makes them
vary least within groups of frames of one set-up (:func:`aspect_ratio_cost`).
"""

from __future__ import annotations

import numpy as np

from upperback.arrays import AnyArray
from upperback.pose.landmarks import Landmark

_SIDES = {
    "left": (
        Landmark.LEFT_SHOULDER,
        Landmark.LEFT_ELBOW,
        Landmark.LEFT_WRIST,
        Landmark.LEFT_HIP,
        Landmark.LEFT_KNEE,
        Landmark.LEFT_ANKLE,
    ),
    "right": (
        Landmark.RIGHT_SHOULDER,
        Landmark.RIGHT_ELBOW,
        Landmark.RIGHT_WRIST,
        Landmark.RIGHT_HIP,
        Landmark.RIGHT_KNEE,
        Landmark.RIGHT_ANKLE,
    ),
}
# Bones of one side, as (from, to) positions in the tuples above: upper arm, forearm, thigh,
# shank, torso.
_BONES = ((0, 1), (1, 2), (3, 4), (4, 5), (0, 3))
BONE_NAMES = ("upper_arm", "forearm", "thigh", "shank", "torso")

MIN_VISIBILITY = 0.5
"""Least visibility of each of the six landmarks of a side for its frame to count."""
MIN_FRAMES = 30
"""Fewest well-seen frames :func:`picture_shape` judges from. Random draws of 50 of the labelled
barbell-row frames estimate 0.71-1.04 (all of them: 0.86), every draw nearest the same shape;
the shared clips with 40-60 such frames get their shape right but for one (docs/accuracy.md)."""
LOWEST, HIGHEST = 0.4, 2.5
"""Range searched: taller than 9:16 portrait to wider than 21:9."""
PICTURE_SHAPES = {"portrait 9:16": (1080, 1920), "square 1:1": (1080, 1080), "landscape 16:9": (1920, 1080)}
"""The shapes phones and cameras film in, and a picture size of each. The estimate alone is
off by 10-50 % on one video (BlazePose's bones do not keep their lengths that well), but the
nearest of these is the true shape on 12 of the 15 shared video tracks with enough frames
(docs/accuracy.md)."""


def near_side_bone_lengths(image_norm: AnyArray, visibility: AnyArray, aspect_ratio: float) -> AnyArray:
    """(N, 5) image lengths of the upper arm, forearm, thigh, shank and torso of the better-seen
    side, in units of the picture height, assuming a picture ``aspect_ratio`` wide per unit high.

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks.
    visibility : AnyArray
        (N, 33) landmark visibility.
    aspect_ratio : float
        Picture width over height.

    Returns
    -------
    AnyArray
        (N, 5) lengths.
    """
    side_vis = {s: visibility[:, list(lms)].sum(axis=1) for s, lms in _SIDES.items()}
    left_near = side_vis["left"] >= side_vis["right"]
    points = np.where(
        left_near[:, None, None], image_norm[:, list(_SIDES["left"]), :2], image_norm[:, list(_SIDES["right"]), :2]
    )
    points = points * np.array([aspect_ratio, 1.0])
    return np.stack([np.linalg.norm(points[:, b] - points[:, a], axis=1) for a, b in _BONES], axis=1)


def near_side_visibility(visibility: AnyArray) -> AnyArray:
    """(N, 6) visibility of shoulder, elbow, wrist, hip, knee, ankle on the better-seen side.

    Parameters
    ----------
    visibility : AnyArray
        (N, 33) landmark visibility.

    Returns
    -------
    AnyArray
        (N, 6) visibility.
    """
    side_vis = {s: visibility[:, list(lms)] for s, lms in _SIDES.items()}
    left_near = side_vis["left"].sum(axis=1) >= side_vis["right"].sum(axis=1)
    return np.where(left_near[:, None], side_vis["left"], side_vis["right"])


def usable_frames(image_norm: AnyArray, visibility: AnyArray, min_visibility: float = MIN_VISIBILITY) -> AnyArray:
    """(N,) True for frames whose better-seen side shows all six landmarks well enough.

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks (NaN where absent).
    visibility : AnyArray
        (N, 33) landmark visibility.
    min_visibility : float
        Least visibility of each landmark.

    Returns
    -------
    AnyArray
        (N,) bool.
    """
    visibility = np.nan_to_num(visibility)
    lengths = near_side_bone_lengths(image_norm, visibility, 1.0)
    seen = np.all(near_side_visibility(visibility) >= min_visibility, axis=1)
    with np.errstate(invalid="ignore"):
        usable: AnyArray = seen & np.all(np.isfinite(lengths) & (lengths > 0), axis=1)
    return usable


def aspect_ratio_cost(
    image_norm: AnyArray,
    visibility: AnyArray,
    groups: AnyArray,
    aspect_ratios: AnyArray,
    min_visibility: float = MIN_VISIBILITY,
) -> AnyArray:
    """How much bone-length proportions vary within groups, for each candidate aspect ratio.

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks.
    visibility : AnyArray
        (N, 33) landmark visibility.
    groups : AnyArray
        (N,) group ids (frames of one set-up).
    aspect_ratios : AnyArray
        Candidate aspect ratios.
    min_visibility : float
        Least visibility of a landmark used.

    Returns
    -------
    AnyArray
        The cost of each candidate: the pooled within-group variance of the log bone ratios,
        summed over bones.
    """
    ok = usable_frames(image_norm, visibility, min_visibility)
    ids = groups[ok]
    cost = np.empty(len(aspect_ratios))
    for i, aspect in enumerate(aspect_ratios):
        logs = np.log(near_side_bone_lengths(image_norm[ok], visibility[ok], float(aspect)))
        logs -= logs.mean(axis=1, keepdims=True)
        sums = np.zeros((ids.max() + 1, logs.shape[1]))
        np.add.at(sums, ids, logs)
        counts = np.bincount(ids, minlength=len(sums))[:, None]
        centred = logs - (sums / np.maximum(counts, 1))[ids]
        cost[i] = float(np.mean(np.sum(centred**2, axis=1)))
    return cost


def estimate_aspect_ratio(
    image_norm: AnyArray,
    visibility: AnyArray,
    groups: AnyArray,
    lowest: float = LOWEST,
    highest: float = HIGHEST,
    steps: int = 211,
) -> tuple[float, AnyArray, AnyArray]:
    """The picture aspect ratio (width / height) that keeps bone proportions most constant.

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks.
    visibility : AnyArray
        (N, 33) landmark visibility.
    groups : AnyArray
        (N,) group ids (frames of one set-up).
    lowest : float
        Smallest ratio tried.
    highest : float
        Largest ratio tried.
    steps : int
        Grid points.

    Returns
    -------
    best : float
        The minimiser of :func:`aspect_ratio_cost` on a log-spaced grid.
    grid, cost : arrays
        The grid searched and its costs (for reporting).
    """
    grid = np.exp(np.linspace(np.log(lowest), np.log(highest), steps))
    cost = aspect_ratio_cost(image_norm, visibility, groups, grid)
    return float(grid[np.argmin(cost)]), grid, cost


def pooled_aspect_ratio(image_norm: AnyArray, visibility: AnyArray) -> float | None:
    """The aspect ratio of the picture a landmark file came from, all its frames taken as one
    group, or None when fewer than ``MIN_FRAMES`` show a whole side of the body.

    A file of one video has one set-up, and on the labelled barbell-row frames (many videos,
    shuffled) the pooled estimate is 0.86 against 0.85 with the frames grouped by set-up.

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks (NaN where absent).
    visibility : AnyArray
        (N, 33) landmark visibility.

    Returns
    -------
    float or None
        Width over height (:func:`estimate_aspect_ratio`).
    """
    ok = usable_frames(image_norm, visibility)
    if ok.sum() < MIN_FRAMES:
        return None
    return estimate_aspect_ratio(image_norm[ok], visibility[ok], np.zeros(int(ok.sum()), dtype=int))[0]


def nearest_picture_shape(aspect_ratio: float) -> tuple[str, tuple[int, int]]:
    """The one of ``PICTURE_SHAPES`` nearest ``aspect_ratio`` (in log ratio).

    Parameters
    ----------
    aspect_ratio : float
        Width over height.

    Returns
    -------
    tuple
        The shape's name and its width, height in pixels.
    """

    def distance(shape: str) -> float:  # numpydoc ignore=GL08
        width, height = PICTURE_SHAPES[shape]
        return abs(float(np.log(aspect_ratio * height / width)))

    name = min(PICTURE_SHAPES, key=distance)
    return name, PICTURE_SHAPES[name]


def picture_shape(image_norm: AnyArray, visibility: AnyArray) -> tuple[str, tuple[int, int]] | None:
    """The shape of the picture a landmark file came from (:func:`nearest_picture_shape` of
    :func:`pooled_aspect_ratio`), or None when too few frames show a whole side of the body.

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks (NaN where absent).
    visibility : AnyArray
        (N, 33) landmark visibility.

    Returns
    -------
    tuple or None
        The shape's name and its width, height in pixels.
    """
    estimate = pooled_aspect_ratio(image_norm, visibility)
    return None if estimate is None else nearest_picture_shape(estimate)
