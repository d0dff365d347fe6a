"""Whole-video changes made to real pose tracks: a mirrored camera, a faster or slower lifter,
a cut to another set, a lifter who turns round.

Where :mod:`upperback.evaluation.injections` puts a fault into a set, these change how the same
set reaches the analysis, as other people's videos do: filmed from the other side (or by a phone
that mirrors), done at another pace (explosive pulls, sped-up files, slow reps with holds),
filmed close (the legs out of the picture), edited together from two sets, or rowed with one
arm and then with the other (turned round, or not).
The reps stay the same reps, so the count must not change.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from upperback.kinematics.shots import shot_marks
from upperback.kinematics.sides import working_arm
from upperback.pose.landmarks import NUM_LANDMARKS, Landmark
from upperback.pose.track import PICTURE_CUT, PoseTrack

if TYPE_CHECKING:
    from upperback.form.report import FormReport

BRISK_REP_S = {"cat-cow": 1.5}
"""The briskest median rep a movement's counting must hold (issue 14: reps from about 0.8 s, a
cat-cow cycle from about 1.5 s); other movements use ``BRISK_REP_DEFAULT_S``."""
BRISK_REP_DEFAULT_S = 0.8
SLOW_REP_S = 8.0
"""The median rep of a slow set (slow reps with holds)."""
TURN_S = 2.0
"""How long a lifter takes to turn round on the spot (:func:`turned_round`)."""
LONGEST_REP_S = 11.5
"""A slowed set's longest rep stays under the counters' 12 s limit (``counting.max_rep_s``)."""

MIRROR = np.arange(NUM_LANDMARKS)
"""Landmark index of each landmark's mirror image (left and right swapped; nose stays)."""
for _landmark in Landmark:
    if _landmark.name.startswith("LEFT_") or _landmark.name.endswith("_LEFT"):
        _other = Landmark[_landmark.name.replace("LEFT", "RIGHT")]
        MIRROR[_landmark], MIRROR[_other] = _other, _landmark


def mirrored(track: PoseTrack) -> PoseTrack:
    """The track of the same set filmed in a mirror: x flipped in the picture and in the world,
    and left and right swapped, as BlazePose labels a mirrored person. The back's outline is
    measured from the hip–shoulder line and is the same in the mirror."""
    width = track.source.width or float(np.nanmax(track.image[..., 0], initial=0.0))
    image = track.image[:, MIRROR].copy()
    image[..., 0] = width - image[..., 0]
    world = track.world[:, MIRROR].copy()
    world[..., 0] = -world[..., 0]
    return dataclasses.replace(track, image=image, world=world, visibility=track.visibility[:, MIRROR].copy())


def picture_turned(track: PoseTrack, turn: int) -> PoseTrack:
    """The track of the same video with its picture turned ``turn`` quarter turns
    counterclockwise (``numpy.rot90``'s ``k``), as a file stored on its side is decoded: a point
    at ``(x, y)`` of a ``W`` wide picture goes to ``(y, W - x)``, once per turn."""
    image, width, height = track.image.copy(), track.source.width, track.source.height
    for _ in range(turn % 4):
        image[..., 0], image[..., 1] = image[..., 1].copy(), width - image[..., 0]
        width, height = height, width
    source = dataclasses.replace(track.source, width=width, height=height)
    return dataclasses.replace(track, image=image, source=source)


LEGS = [mark for mark in Landmark if mark.name.endswith(("_KNEE", "_ANKLE", "_HEEL", "_FOOT_INDEX"))]
"""The landmarks below the hips: knees, ankles, heels and feet."""


ARM_CHAIN = ("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")
"""The landmarks of an arm below the shoulder."""


def arms_switched(track: PoseTrack) -> PoseTrack:
    """The set, then the same set again rowed with the other arm, without turning: the working
    arm (:func:`~upperback.kinematics.sides.working_arm`) rests where the set began while the
    other arm makes its moves, each of its points placed from its own shoulder as the working
    arm's were from its shoulder (picture and world), with the working arm's visibility."""
    working = working_arm(track, default="right")
    other = "left" if working == "right" else "right"
    moved = track.frames(0, len(track))
    image, world, visibility = moved.image.copy(), moved.world.copy(), moved.visibility.copy()
    from_shoulder, to_shoulder = Landmark[f"{working.upper()}_SHOULDER"], Landmark[f"{other.upper()}_SHOULDER"]
    for part in ARM_CHAIN:
        source, target = Landmark[f"{working.upper()}_{part}"], Landmark[f"{other.upper()}_{part}"]
        for points in (image, world):
            points[:, target] = points[:, source] - points[:, from_shoulder] + points[:, to_shoulder]
            points[:, source] = points[0, source] - points[0, from_shoulder] + points[:, from_shoulder]
        visibility[:, target] = track.visibility[:, source]
    return _joined(track, dataclasses.replace(moved, image=image, world=world, visibility=visibility))


def legs_out_of_picture(track: PoseTrack) -> PoseTrack:
    """The set filmed close, the picture ending at the hips: BlazePose still places the legs
    but gives them a visibility of 0.05, as it does for body parts outside the picture."""
    visibility = track.visibility.copy()
    visibility[:, LEGS] = np.where(np.isnan(visibility[:, LEGS]), np.nan, 0.05)
    return dataclasses.replace(track, visibility=visibility)


def spliced(first: PoseTrack, second: PoseTrack) -> PoseTrack:
    """``first``, then a hard cut to ``second`` (another set, or the same lifter from another
    side), as an edited video joins them: ``second`` is scaled uniformly into ``first``'s
    picture and centred (angles keep), and follows one frame after ``first`` ends. Its first
    frame is a hard cut in the picture (``extras["picture_cut"]``), as every cut between two
    real videos is (docs/accuracy.md)."""
    scale = min(first.source.width / second.source.width, first.source.height / second.source.height)
    image = second.image * scale
    image[..., 0] += (first.source.width - scale * second.source.width) / 2
    image[..., 1] += (first.source.height - scale * second.source.height) / 2
    joined = _joined(first, dataclasses.replace(second, image=image.astype(second.image.dtype)))
    cuts = np.concatenate([_picture_cuts(first), _picture_cuts(second)])
    cuts[len(first)] = 1.0
    return dataclasses.replace(joined, extras={**joined.extras, PICTURE_CUT: cuts})


def _picture_cuts(track: PoseTrack) -> np.ndarray:
    """The track's hard cuts in the picture (none, where it does not say)."""
    return track.extras.get(PICTURE_CUT, np.zeros(len(track), np.float32))


def turned_round(track: PoseTrack) -> PoseTrack:
    """The set, then the same set again with the lifter turned round on the spot, without a cut:
    over ``TURN_S`` the body turns through half a circle about the upright line through its
    hips (seen side-on, a hinged torso points at the camera half-way) while its pose moves from
    the set's last frame to its first, and the second set is the first mirrored about that
    line, so the lifter faces the other way and rows with the other arm."""
    hip_x = (track.image[:, Landmark.LEFT_HIP, 0] + track.image[:, Landmark.RIGHT_HIP, 0]) / 2
    seen = np.flatnonzero(np.isfinite(hip_x))
    if len(seen) == 0:
        raise ValueError("a track with nobody in it has nowhere to turn round")
    axis = float(hip_x[seen[-1]])
    start = track.frames(seen[0], seen[0] + 1)
    start_image = start.image.copy()
    start_image[..., 0] += axis - hip_x[seen[0]]  # where the first set ended
    turn = _turning(track.frames(seen[-1], seen[-1] + 1), dataclasses.replace(start, image=start_image), axis)
    mirror = mirrored(track)
    image = mirror.image.copy()
    image[..., 0] = 2 * axis - (track.image[:, MIRROR, 0] + axis - hip_x[seen[0]])
    return _joined(_joined(track, turn), dataclasses.replace(mirror, image=image))


def _turning(last: PoseTrack, first: PoseTrack, axis_x: float) -> PoseTrack:
    """``TURN_S`` of frames going from the one-frame track ``last`` to ``first`` while turning
    through half a circle about the upright line at picture x ``axis_x``. The picture's depth of
    each landmark is taken from the world landmarks (BlazePose's picture z is a rougher guess),
    in pixels by the torso's length in the picture and in the world."""
    rate = last.analysis_rate_hz or last.source.fps or 10.0
    n = max(1, int(round(TURN_S * rate)))
    share = np.arange(1, n + 1) / (n + 1)
    cos, sin = np.cos(np.pi * share)[:, None], np.sin(np.pi * share)[:, None]
    w = share[:, None, None]
    image = last.image * (1.0 - w) + first.image * w
    world = last.world * (1.0 - w) + first.world * w
    hips, shoulders = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]

    def torso(points: np.ndarray) -> np.ndarray:
        return np.linalg.norm(points[:, shoulders, :2].mean(axis=1) - points[:, hips, :2].mean(axis=1), axis=-1)

    centre = world[:, hips].mean(axis=1, keepdims=True)
    depth = np.nan_to_num((world[..., 2] - centre[..., 2]) * (torso(image) / torso(world))[:, None])
    x = image[..., 0] - axis_x
    image[..., 0], image[..., 2] = axis_x + x * cos - depth * sin, x * sin + depth * cos
    wx, wz = world[..., 0] - centre[..., 0], world[..., 2] - centre[..., 2]
    world[..., 0], world[..., 2] = centre[..., 0] + wx * cos - wz * sin, centre[..., 2] + wx * sin + wz * cos
    return dataclasses.replace(
        last,
        times_s=np.arange(n, dtype=np.float64) / rate,
        image=image.astype(last.image.dtype),
        world=world.astype(last.world.dtype),
        visibility=(last.visibility * (1.0 - share[:, None]) + first.visibility[:, MIRROR] * share[:, None]).astype(
            last.visibility.dtype
        ),
        frame_index=np.arange(n, dtype=np.int64),
        extras={name: np.full((n,) + values.shape[1:], np.nan, values.dtype) for name, values in last.extras.items()},
    )


def _joined(first: PoseTrack, second: PoseTrack) -> PoseTrack:
    """``second`` played one frame after ``first`` ends, in ``first``'s picture."""
    step = 1.0 / (first.analysis_rate_hz or first.source.fps or 10.0)
    times = second.times_s - second.times_s[0] + first.times_s[-1] + step
    extras = {
        name: np.concatenate([values, second.extras[name]])
        for name, values in first.extras.items()
        if name in second.extras and values.shape[1:] == second.extras[name].shape[1:]
    }
    n = len(first) + len(second)
    return dataclasses.replace(
        first,
        times_s=np.concatenate([first.times_s, times]),
        image=np.concatenate([first.image, second.image]),
        world=np.concatenate([first.world, second.world]),
        visibility=np.concatenate([first.visibility, second.visibility]),
        frame_index=np.arange(n, dtype=np.int64),
        extras=extras,
        source=dataclasses.replace(first.source, frames=n, duration_s=float(times[-1])),
    )


def retimed(track: PoseTrack, speed: float, rate_hz: float | None = None) -> PoseTrack:
    """The same motion played ``speed`` times faster (below 1: slower), sampled at ``rate_hz``
    (default: the track's own analysis rate, else its mean frame rate).

    Landmarks, visibility and extras are interpolated linearly between the two frames around each
    new sample's source time; where either of them has no person, or a camera cut lies between
    them (:mod:`upperback.kinematics.shots`), the nearer one is taken, so cuts stay hard cuts.
    """
    if speed <= 0:
        raise ValueError(f"speed must be positive, got {speed}")
    times = track.times_s
    if rate_hz is None:
        rate_hz = track.analysis_rate_hz or (len(times) - 1) / max(float(times[-1] - times[0]), 1e-9)
    start = float(times[0])
    new_times = start / speed + np.arange(0.0, (times[-1] - start) / speed + 1e-9, 1.0 / rate_hz)
    source_times = np.clip(new_times * speed, times[0], times[-1])
    after = np.clip(np.searchsorted(times, source_times, side="right"), 1, len(times) - 1)
    before = after - 1
    span = np.maximum(times[after] - times[before], 1e-9)
    weight = np.clip((source_times - times[before]) / span, 0.0, 1.0)
    across_cut = shot_marks(track)[1][after]
    weight[across_cut] = np.round(weight[across_cut])
    nearer = np.where(weight < 0.5, before, after)

    def blend(values: np.ndarray) -> np.ndarray:
        shape = (-1,) + (1,) * (values.ndim - 1)
        w = weight.reshape(shape)
        mixed = values[before] * (1.0 - w) + values[after] * w
        gaps = np.isnan(mixed)
        mixed[gaps] = values[nearer][gaps]
        return mixed.astype(values.dtype)

    source = dataclasses.replace(
        track.source, duration_s=track.source.duration_s / speed, frames=len(new_times), fps=rate_hz
    )
    return dataclasses.replace(
        track,
        times_s=new_times.astype(np.float64),
        image=blend(track.image),
        world=blend(track.world),
        visibility=blend(track.visibility),
        frame_index=np.arange(len(new_times), dtype=np.int64),
        source=source,
        analysis_rate_hz=rate_hz,
        extras={name: blend(values) for name, values in track.extras.items()},
    )


def pace_speeds(report: FormReport) -> tuple[float, float]:
    """The speeds that make a counted set brisk (its median rep ``BRISK_REP_S``) and slow (its
    median rep ``SLOW_REP_S``, the longest under ``LONGEST_REP_S``), for :func:`retimed`."""
    durations = [rep.end_s - rep.start_s for rep in report.reps]
    if not durations:
        raise ValueError("a set without reps has no pace to change")
    median = float(np.median(durations))
    brisk = median / BRISK_REP_S.get(report.exercise, BRISK_REP_DEFAULT_S)
    return brisk, max(median / SLOW_REP_S, max(durations) / LONGEST_REP_S)
