"""Controlled form faults injected into real pose tracks.

Each function takes a clean track and returns a changed copy, so detection can be measured on
real motion with a known fault of known size. Changes follow the movement: ``progress`` (0 at
rest, 1 at the top of each rep) scales those that happen during the pull, as a real fault would.
Image landmarks and, where the analysis reads them, world landmarks are changed together.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from upperback.form.report import Rep
from upperback.pose.landmarks import Landmark as L
from upperback.pose.track import PoseTrack

UPPER_BODY = [lm for lm in L if lm < L.LEFT_HIP]
"""Head, shoulders, arms and hands: everything that turns with the torso about the hips."""


def rep_progress(times_s: np.ndarray, reps: list[Rep]) -> np.ndarray:
    """(T,) 0 at rest, rising to 1 at each rep's top and back to 0 at its end."""
    progress = np.zeros(len(times_s))
    for rep in reps:
        up = (times_s >= rep.start_s) & (times_s <= rep.top_s)
        down = (times_s > rep.top_s) & (times_s <= rep.end_s)
        progress[up] = (times_s[up] - rep.start_s) / max(rep.top_s - rep.start_s, 1e-6)
        progress[down] = (rep.end_s - times_s[down]) / max(rep.end_s - rep.top_s, 1e-6)
    return progress


def tilt_torso(track: PoseTrack, delta_deg: float | np.ndarray) -> PoseTrack:
    """Turn the upper body about the hips so the torso stands ``delta_deg`` more upright
    (per frame if an array): a shallower hinge, or, scaled by rep progress, a swing."""
    image = track.image.copy()
    hips = (image[:, L.LEFT_HIP, :2] + image[:, L.RIGHT_HIP, :2]) / 2
    shoulders = (image[:, L.LEFT_SHOULDER, :2] + image[:, L.RIGHT_SHOULDER, :2]) / 2
    torso = shoulders - hips
    # turning toward vertical: the sense depends on which way the person faces
    sense = np.where(torso[:, 0] >= 0, 1.0, -1.0)  # facing right in the picture: turn counter-clockwise
    angle = np.radians(np.broadcast_to(delta_deg, len(image))) * sense
    cos, sin = np.cos(angle), np.sin(angle)
    for landmark in UPPER_BODY:
        offset = image[:, landmark, :2] - hips
        image[:, landmark, 0] = hips[:, 0] + cos * offset[:, 0] + sin * offset[:, 1]
        image[:, landmark, 1] = hips[:, 1] - sin * offset[:, 0] + cos * offset[:, 1]
    return dataclasses.replace(track, image=image)


def raise_shoulders(track: PoseTrack, fraction: float, progress: np.ndarray) -> PoseTrack:
    """Lift both shoulders toward the ears by ``fraction`` of the ear–shoulder distance at the
    top of each rep (shrugging), in the picture and in the world landmarks alike."""
    image, world = track.image.copy(), track.world.copy()
    for shoulder, ear in ((L.LEFT_SHOULDER, L.LEFT_EAR), (L.RIGHT_SHOULDER, L.RIGHT_EAR)):
        toward_ear = image[:, ear, :2] - image[:, shoulder, :2]
        image[:, shoulder, :2] += (fraction * progress)[:, None] * toward_ear
        world[:, shoulder] += (fraction * progress)[:, None] * (world[:, ear] - world[:, shoulder])
    return dataclasses.replace(track, image=image, world=world)


def shorten_range(track: PoseTrack, keep: float) -> PoseTrack:
    """Keep only ``keep`` (0–1) of each elbow's bend: the weights stop short of the ribs."""
    image, world = track.image.copy(), track.world.copy()
    for shoulder, elbow, wrist in (
        (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST),
        (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST),
    ):
        for points in (image, world):
            upper = points[:, elbow] - points[:, shoulder]
            forearm = points[:, wrist] - points[:, elbow]
            length = np.linalg.norm(forearm, axis=-1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                straight = upper / np.linalg.norm(upper, axis=-1, keepdims=True) * length
                blended = keep * forearm + (1 - keep) * straight
                blended *= length / np.linalg.norm(blended, axis=-1, keepdims=True)
            points[:, wrist] = points[:, elbow] + blended
    return dataclasses.replace(track, image=image, world=world)


def speed_up_lowering(track: PoseTrack, reps: list[Rep], factor: float) -> PoseTrack:
    """Make every lowering phase ``factor`` times faster, holding the rest pose afterwards."""
    image, world, vis = track.image.copy(), track.world.copy(), track.visibility.copy()
    t = track.times_s
    for rep in reps:
        fast_end = rep.top_s + (rep.end_s - rep.top_s) / factor
        inside = np.flatnonzero((t > rep.top_s) & (t <= rep.end_s))
        for i in inside:
            source_time = rep.top_s + (t[i] - rep.top_s) * factor if t[i] <= fast_end else rep.end_s
            j = int(np.argmin(np.abs(t - source_time)))
            image[i], world[i], vis[i] = track.image[j], track.world[j], track.visibility[j]
    return dataclasses.replace(track, image=image, world=world, visibility=vis)


def bend_back(track: PoseTrack, amount: float, where: np.ndarray) -> PoseTrack:
    """Bulge the back's outline out (``amount`` > 0, rounding) or in (< 0, arching) in the
    frames ``where`` is true, so that its curve (``upperback.pose.outline.back_curve``) changes
    by ``amount`` torso lengths. The bulge is a half sine from the hips to the shoulders, deepest
    mid-back, as a rounding spine bends."""
    from upperback.pose.outline import STATIONS, back_curve
    from upperback.pose.track import BACK_PROFILE

    shape = np.sin(np.pi * STATIONS)
    shape /= back_curve(shape[None, :])[0]
    profiles = track.extras[BACK_PROFILE].copy()
    profiles[where] += amount * shape
    return dataclasses.replace(track, extras={**track.extras, BACK_PROFILE: profiles})


def after_first_rep(times_s: np.ndarray, reps: list[Rep]) -> np.ndarray:
    """(T,) bool: inside every rep but the first (the lifter's own reference)."""
    inside = np.zeros(len(times_s), bool)
    for rep in reps[1:]:
        inside |= (times_s >= rep.start_s) & (times_s <= rep.end_s)
    return inside


# --- Windowed changes (the farmer's carry and cat-cow have no reps to scale by) ----------------

HEAD = [
    L.NOSE,
    L.LEFT_EYE_INNER,
    L.LEFT_EYE,
    L.LEFT_EYE_OUTER,
    L.RIGHT_EYE_INNER,
    L.RIGHT_EYE,
    L.RIGHT_EYE_OUTER,
    L.LEFT_EAR,
    L.RIGHT_EAR,
    L.MOUTH_LEFT,
    L.MOUTH_RIGHT,
]
HANDS = [
    L.LEFT_WRIST,
    L.RIGHT_WRIST,
    L.LEFT_PINKY,
    L.RIGHT_PINKY,
    L.LEFT_INDEX,
    L.RIGHT_INDEX,
    L.LEFT_THUMB,
    L.RIGHT_THUMB,
]
LEGS = [
    L.LEFT_HIP,
    L.RIGHT_HIP,
    L.LEFT_KNEE,
    L.RIGHT_KNEE,
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
    L.LEFT_HEEL,
    L.RIGHT_HEEL,
    L.LEFT_FOOT_INDEX,
    L.RIGHT_FOOT_INDEX,
]


def between(track: PoseTrack, start_s: float, end_s: float) -> np.ndarray:
    """(T,) bool: frames from ``start_s`` to ``end_s``."""
    return (track.times_s >= start_s) & (track.times_s <= end_s)


def tilt_shoulders(track: PoseTrack, degrees: float, start_s: float, end_s: float, absolute: bool = False) -> PoseTrack:
    """Lower the left shoulder so the shoulder line tilts ``degrees`` more (or, ``absolute``,
    so that it sits ``degrees`` below the right one in the picture): leaning to one side."""
    image = track.image.copy()
    frames = between(track, start_s, end_s)
    width = np.abs(image[frames, L.LEFT_SHOULDER, 0] - image[frames, L.RIGHT_SHOULDER, 0])
    drop = width * np.tan(np.radians(degrees))
    if absolute:
        image[frames, L.LEFT_SHOULDER, 1] = image[frames, L.RIGHT_SHOULDER, 1] + drop
    else:
        image[frames, L.LEFT_SHOULDER, 1] += drop
    return dataclasses.replace(track, image=image)


def shrug_between(track: PoseTrack, share: float, start_s: float, end_s: float) -> PoseTrack:
    """Raise both shoulders by ``share`` of the ear-to-shoulder distance in a time window, in
    the picture and in the world landmarks (y down in both)."""
    image, world = track.image.copy(), track.world.copy()
    frames = between(track, start_s, end_s)
    for ear, shoulder in ((L.LEFT_EAR, L.LEFT_SHOULDER), (L.RIGHT_EAR, L.RIGHT_SHOULDER)):
        for points in (image, world):
            gap = points[frames, shoulder, 1] - points[frames, ear, 1]
            points[frames, shoulder, 1] -= share * gap
    return dataclasses.replace(track, image=image, world=world)


def shrink_motion(track: PoseTrack, keep: float) -> PoseTrack:
    """Keep only ``keep`` of the head's motion about the shoulders and of the hips' and legs'
    motion about their median place in the picture (a smaller cat-cow)."""
    image = track.image.copy()
    shoulder = image[:, [L.LEFT_SHOULDER], :2]
    head = image[:, HEAD, :2] - shoulder
    image[:, HEAD, :2] = shoulder + np.median(head, axis=0) + keep * (head - np.median(head, axis=0))
    legs = image[:, LEGS, :2]
    image[:, LEGS, :2] = np.median(legs, axis=0) + keep * (legs - np.median(legs, axis=0))
    return dataclasses.replace(track, image=image)


def move_hands_forward(track: PoseTrack, torso_fraction: float) -> PoseTrack:
    """Shift the hands toward the head, horizontally in the picture, by a share of torso length."""
    image = track.image.copy()
    torso = image[:, L.LEFT_SHOULDER, :2] - image[:, L.LEFT_HIP, :2]
    step = torso_fraction * np.linalg.norm(torso, axis=-1) * np.sign(torso[:, 0])
    image[:, HANDS, 0] += step[:, None]
    return dataclasses.replace(track, image=image)
