"""Which body side, and which arm, each stretch of a video is measured on.

Sided signals (the torso in the picture, the neck, a one-arm row's elbow) are read on the side
nearer the camera and on the arm that works. Both can change within one video: a cut to a shot
from the other side, a lifter who turns round to row with the other arm, or one who switches
arms facing the camera. So they are judged per stretch: each shot
(:mod:`upperback.kinematics.shots`) on its own, within a shot each stretch the body stays turned
the same way, and within that each stretch the same arm does the work, for ``MIN_TURN_S`` or
more. Within a stretch the rules are those of a whole clip
(:func:`upperback.kinematics.view.estimate_view` for the near side, :func:`working_arm` for the
arm), so a video filmed from one side with one arm is measured exactly as before."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np

from upperback.arrays import AnyArray, FloatArray, ObjectArray
from upperback.kinematics.angles import joint_angle_deg
from upperback.kinematics.shots import shot_starts
from upperback.kinematics.view import VISIBLE, body_yaw_deg, estimate_view
from upperback.pose.landmarks import Landmark as L
from upperback.pose.track import PoseTrack

TURNED_YAW_DEG = 20.0
"""A frame's near side is clear once the body is turned this far from facing the camera (or
from facing away); the same margin :func:`~upperback.kinematics.view.estimate_view` uses."""
MIN_TURN_S = 3.0
"""Shortest stretch turned the other way that counts as the lifter having turned round. Turning
round and rowing a few reps takes far longer; BlazePose's left/right flicker in front views lasts
a few frames."""
ARM_MARGIN_DEG = 15.0
"""One arm is the working arm when its elbow angle's spread (10th to 90th percentile) exceeds the
other's by this much: a one-arm row bends the working elbow 40-70 degrees while the other
rests, and both arms of a two-arm set spread within a few degrees of each other."""
ARM_WINDOW_S = 4.0
"""The stretch around each frame over which the arms' spreads are compared: two reps or more."""
SIDE_VISIBILITY_MARGIN = 0.05
"""Without world landmarks (landmark files), the side whose landmarks are this much more
visible is the nearer one (as :func:`~upperback.kinematics.view.near_side`)."""
SIDE_LANDMARKS = {
    "left": {
        "ear": L.LEFT_EAR,
        "shoulder": L.LEFT_SHOULDER,
        "elbow": L.LEFT_ELBOW,
        "wrist": L.LEFT_WRIST,
        "hip": L.LEFT_HIP,
        "knee": L.LEFT_KNEE,
        "ankle": L.LEFT_ANKLE,
    },
    "right": {
        "ear": L.RIGHT_EAR,
        "shoulder": L.RIGHT_SHOULDER,
        "elbow": L.RIGHT_ELBOW,
        "wrist": L.RIGHT_WRIST,
        "hip": L.RIGHT_HIP,
        "knee": L.RIGHT_KNEE,
        "ankle": L.RIGHT_ANKLE,
    },
}

_LEFT = [L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_HIP, L.LEFT_KNEE]
_RIGHT = [L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST, L.RIGHT_HIP, L.RIGHT_KNEE]


@dataclass(frozen=True)
class Sides:
    """The body side nearer the camera and the working arm, frame by frame.

    Attributes
    ----------
    near : (T,) array of str
        ``"left"`` or ``"right"``: the side measured for the sided body signals.
    working : (T,) array of str
        The arm measured for the arm signals.
    """

    near: ObjectArray
    working: ObjectArray

    @property
    def main_working(self) -> str:
        """The arm measured on most frames.

        Returns
        -------
        str
            ``"left"`` or ``"right"``.
        """
        return _most_common(self.working)

    @property
    def main_near(self) -> str:
        """The side measured on most frames.

        Returns
        -------
        str
            ``"left"`` or ``"right"``.
        """
        return _most_common(self.near)

    def frames(self, start: int, stop: int) -> Sides:
        """The sides of some frames.

        Parameters
        ----------
        start, stop : int
            The first frame and the one after the last.

        Returns
        -------
        Sides
            Those frames' sides.
        """
        return Sides(self.near[start:stop], self.working[start:stop])

    def same_as(self, other: Sides | None) -> bool:
        """Whether ``other`` measures every frame it shares with this one on the same sides.

        Parameters
        ----------
        other : Sides or None
            Sides judged earlier (on fewer frames, live), or None.

        Returns
        -------
        bool
            False for None.
        """
        if other is None:
            return False
        n = min(len(self.near), len(other.near))
        near = np.array_equal(self.near[:n], other.near[:n])
        return bool(near and np.array_equal(self.working[:n], other.working[:n]))


def judge_sides(track: PoseTrack, starts: list[int] | None = None) -> Sides:
    """The near side and working arm of every frame, judged per shot and per turn.

    Parameters
    ----------
    track : PoseTrack
        The landmarks of a video or landmark file.
    starts : list of int, optional
        Where its shots after the first begin (:func:`~upperback.kinematics.shots.shot_starts`),
        when already known.

    Returns
    -------
    Sides
        Per frame, the side and arm to measure.
    """
    n = len(track.times_s)
    near = np.full(n, "left", dtype=object)
    working = near.copy()
    for start, stop in stretches(track, starts):
        part = track.frames(start, stop)
        view = estimate_view(part.image, part.world, part.visibility)
        near[start:stop] = view.near_side
        working[start:stop] = working_arm(part, default=view.near_side)
    return Sides(near, working)


def stretches(track: PoseTrack, starts: list[int] | None = None) -> list[tuple[int, int]]:
    """(start, stop) frame ranges measured on one side each: shots, split where the body turned
    round, and then where the other arm took over the work, for ``MIN_TURN_S`` or more.

    Parameters
    ----------
    track : PoseTrack
        The landmarks.
    starts : list of int, optional
        Where its shots after the first begin; found from the track when not given.

    Returns
    -------
    list[tuple[int, int]]
        Consecutive ranges covering every frame.
    """
    n = len(track.times_s)
    if n == 0:
        return []
    if starts is None:
        starts = shot_starts(track)
    shots = list(zip([0, *starts], [*starts, n]))
    turns = [part for shot in shots for part in _split(shot, turn_votes(track), track.times_s)]
    arms = arm_votes(track)
    return [part for turn in turns for part in _split(turn, arms, track.times_s)]


def _split(span: tuple[int, int], votes: AnyArray, times_s: FloatArray) -> list[tuple[int, int]]:
    """``span`` split where its settled votes (:func:`settled`) change."""
    start, stop = span
    labels = settled(votes[start:stop], times_s[start:stop], MIN_TURN_S)
    edges = [start, *(start + int(i) for i in np.flatnonzero(labels[1:] != labels[:-1]) + 1), stop]
    return list(zip(edges, edges[1:]))


def turn_votes(track: PoseTrack) -> AnyArray:
    """(T,) +1 where the left side is clearly nearer the camera, -1 the right, 0 unclear.

    Parameters
    ----------
    track : PoseTrack
        The landmarks; world landmarks decide where there are any, else visibility.

    Returns
    -------
    AnyArray
        (T,) int votes.
    """
    yaw = body_yaw_deg(track.world)
    if np.isfinite(yaw).any():
        with np.errstate(invalid="ignore"):
            clear = (np.abs(yaw) >= TURNED_YAW_DEG) & (np.abs(yaw) <= 180.0 - TURNED_YAW_DEG)
        return np.where(clear, np.sign(yaw), 0).astype(int)
    with warnings.catch_warnings():  # frames with nobody: all-NaN rows stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        lead = np.nanmean(track.visibility[:, _LEFT], axis=1) - np.nanmean(track.visibility[:, _RIGHT], axis=1)
    lead = np.nan_to_num(lead)
    return np.where(np.abs(lead) > SIDE_VISIBILITY_MARGIN, np.sign(lead), 0).astype(int)


def settled(votes: AnyArray, times_s: FloatArray, min_s: float) -> AnyArray:
    """Votes with the unclear frames given their neighbours' label and every run shorter than
    ``min_s`` merged into the longer of its neighbours, shortest first.

    Parameters
    ----------
    votes : AnyArray
        (T,) +1, -1 or 0 (unclear).
    times_s : FloatArray
        (T,) frame times.
    min_s : float
        Shortest run kept.

    Returns
    -------
    AnyArray
        (T,) labels; all one label where nothing lasted ``min_s``.
    """
    labels: AnyArray = np.asarray(votes, dtype=int).copy()
    known = np.flatnonzero(labels != 0)
    if len(known) == 0:
        return labels
    fill = np.maximum.accumulate(np.where(labels != 0, np.arange(len(labels)), known[0]))
    labels = np.asarray(labels[fill])
    step = float(np.median(np.diff(times_s))) if len(times_s) > 1 else 0.0
    while True:
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
        if len(starts) == 1:
            return labels
        stops = np.r_[starts[1:], len(labels)]
        lengths = times_s[stops - 1] - times_s[starts] + step
        shortest = int(np.argmin(lengths))
        if lengths[shortest] >= min_s:
            return labels
        before = lengths[shortest - 1] if shortest > 0 else -1.0
        after = lengths[shortest + 1] if shortest + 1 < len(starts) else -1.0
        neighbour = shortest - 1 if before >= after else shortest + 1
        labels[starts[shortest] : stops[shortest]] = labels[starts[neighbour]]


def elbow_angles(track: PoseTrack) -> dict[str, FloatArray]:
    """Each arm's elbow angle, in 3D where world landmarks exist, NaN where that arm is unseen.

    Parameters
    ----------
    track : PoseTrack
        The landmarks.

    Returns
    -------
    dict of side to (T,) array
        Degrees, 180 straight, for ``"left"`` and ``"right"``.
    """
    angles: dict[str, FloatArray] = {}
    for side, marks in SIDE_LANDMARKS.items():
        joints = [marks["shoulder"], marks["elbow"], marks["wrist"]]
        with np.errstate(invalid="ignore"):
            seen = np.all(track.visibility[:, joints] > VISIBLE, axis=1)
        points = track.world if np.isfinite(track.world[:, marks["elbow"]]).any() else track.image
        angle = joint_angle_deg(points[:, joints[0]], points[:, joints[1]], points[:, joints[2]])
        angles[side] = np.where(seen, angle, np.nan)
    return angles


def working_arm(track: PoseTrack, default: str) -> str:
    """The arm whose elbow angle varies the most (for one-arm work).

    Parameters
    ----------
    track : PoseTrack
        The landmarks.
    default : str
        The side to answer when the two arms move alike or neither is seen well enough to tell.

    Returns
    -------
    str
        ``"left"`` or ``"right"``.
    """
    spread: dict[str, float] = {}
    for side, angle in elbow_angles(track).items():
        seen = angle[np.isfinite(angle)]
        spread[side] = float(np.subtract(*np.percentile(seen, [90, 10]))) if len(seen) >= 10 else 0.0
    if max(spread.values()) - min(spread.values()) < ARM_MARGIN_DEG:
        return default
    return max(spread, key=spread.__getitem__)


def arm_votes(track: PoseTrack) -> AnyArray:
    """(T,) +1 where the left arm clearly does the work, -1 the right, 0 where neither does more:
    the arms' elbow spreads (:func:`working_arm`) over the ``ARM_WINDOW_S`` around each frame,
    an arm seen in under half of it counting as still.

    Parameters
    ----------
    track : PoseTrack
        The landmarks.

    Returns
    -------
    AnyArray
        (T,) int votes.
    """
    n = len(track.times_s)
    if n < 2:
        return np.zeros(n, dtype=int)
    rate = 1.0 / float(np.median(np.diff(track.times_s)))
    width = max(3, int(round(ARM_WINDOW_S * rate)) | 1)
    spread = {}
    for side, angle in elbow_angles(track).items():
        padded = np.pad(angle, width // 2, constant_values=np.nan)
        windows = np.sort(np.lib.stride_tricks.sliding_window_view(padded, width), axis=1)  # NaNs last
        seen = np.isfinite(windows).sum(axis=1)
        high, low = _sorted_percentile(windows, seen, 0.9), _sorted_percentile(windows, seen, 0.1)
        spread[side] = np.where(seen >= max(5, width // 2), high - low, np.nan)
    # an arm not seen around a frame does no work there that could be measured
    lead = np.nan_to_num(spread["left"]) - np.nan_to_num(spread["right"])
    return np.where(np.abs(lead) >= ARM_MARGIN_DEG, np.sign(lead), 0).astype(int)


def _sorted_percentile(rows: FloatArray, seen: AnyArray, share: float) -> FloatArray:
    """Each row's ``share`` quantile of its first ``seen`` values (rows sorted, NaNs last), as
    :func:`numpy.percentile` interpolates it; NaN where a row has no value. np.nanpercentile
    does the same row by row, far too slowly for live coaching's every frame."""
    position = np.maximum(seen - 1, 0) * share
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, np.maximum(seen - 1, 0))
    low = np.take_along_axis(rows, below[:, None], axis=1)[:, 0]
    high = np.take_along_axis(rows, above[:, None], axis=1)[:, 0]
    out: FloatArray = np.where(seen > 0, low + (high - low) * (position - below), np.nan)
    return out


def _most_common(values: ObjectArray) -> str:
    return str(Counter(values.tolist()).most_common(1)[0][0]) if len(values) else "left"
