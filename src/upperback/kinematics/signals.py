"""Named body signals from a ``PoseTrack``: the angles and distances the form checks read.

Every signal is an (T,) float array in degrees (``_deg``) or a ratio (``_ratio``), NaN where
the landmarks it needs were not seen. Sided signals are measured on one body side: the side
nearer the camera, or, for arm signals, the arm that moves the most (one-arm variants), judged
per shot and per turn of the body (:mod:`upperback.kinematics.sides`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from upperback.arrays import BoolArray, FloatArray
from upperback.kinematics.angles import (
    angle_between_deg,
    inclination_deg,
    joint_angle_deg,
    signed_tilt_deg,
)
from upperback.kinematics.shots import shot_starts
from upperback.kinematics.sides import SIDE_LANDMARKS, Sides, judge_sides
from upperback.kinematics.view import VISIBLE, ViewEstimate, body_yaw_deg, estimate_view
from upperback.pose.landmarks import Landmark as L
from upperback.pose.outline import back_curve
from upperback.pose.track import BACK_PROFILE, PoseTrack

FRONTAL_YAW_DEG = 30.0
"""Within this turn of facing (or facing away from) the camera, a frame is frontal; beyond
``SIDE_YAW_DEG`` it is side-on (:func:`upperback.kinematics.view.estimate_view` uses the same
limits)."""
SIDE_YAW_DEG = 60.0


@dataclass(frozen=True)
class BodySignals:
    """Per-frame signals of one track, cleaned for offline analysis.

    Attributes
    ----------
    times_s : (T,)
    values : dict of name to (T,) array
        ``torso_deg`` torso (hip→shoulder) above horizontal, 90 upright: from the picture in
        side views, corrected for the body's turn in oblique ones, from world landmarks in front
        and back views (:func:`torso_angle_deg`);
        ``hip_deg`` shoulder–hip–knee angle; ``knee_deg`` hip–knee–ankle angle;
        ``elbow_deg`` shoulder–elbow–wrist angle of the working arm (180 straight), in 3D when
        world landmarks exist; ``shoulder_deg`` hip–shoulder–elbow angle of the working arm
        (arm raised from the torso), likewise;
        ``neck_deg`` angle between the torso line and the shoulder→ear line (0 in line);
        ``hand_drop_ratio`` how far the working hand hangs below the hip–shoulder line, in torso
        lengths (about 1 with the arm hanging, near 0 at the top of a row or a fly); NaN in
        front and back views, where the picture does not show it;
        ``elevation_ratio`` ear-to-shoulder distance over torso length (drops when shrugging);
        ``elevation_world_ratio`` the same from world landmarks (NaN without them): it does not
        shrink when the head turns from the camera, but carries BlazePose's depth guess;
        ``shoulder_tilt_deg`` tilt of the shoulder line (front/back views);
        ``lateral_lean_deg`` torso tilt from vertical to the side (front/back views);
        ``arm_spread_deg`` angle between the two upper arms, in 3D where possible (reverse fly);
        ``back_curve_ratio`` bulge (+, rounded) or dip (−, arched) of the back's outline from the
        segmentation mask, in torso lengths (:mod:`upperback.pose.outline`); NaN without a mask
        (landmark files) and meaningful only in side and oblique views.
    view : ViewEstimate
    sides : Sides
        Per frame, the side measured for the sided signals and the arm for the arm signals.
    track : PoseTrack
        The landmarks the signals came from, for movement-specific measures.
    raw : dict of name to (T,) array
        The signals before cleaning.
    """

    times_s: FloatArray
    values: dict[str, FloatArray]
    view: ViewEstimate
    sides: Sides
    track: PoseTrack = field(repr=False)
    raw: dict[str, FloatArray] = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> FloatArray:
        return self.values[name]


def body_signals(track: PoseTrack, smooth: bool = True) -> BodySignals:
    """Compute the named signals of a track (with those of :mod:`upperback.kinematics.movement_signals`).

    Parameters
    ----------
    track : PoseTrack
        The landmarks of one video or landmark file.
    smooth : bool
        Apply the offline cleaning (:func:`upperback.kinematics.filters.clean`) to each shot on
        its own, as live coaching filters afresh after a cut; False keeps the raw values.

    Returns
    -------
    BodySignals
        The signals, the camera view and the sides measured.
    """
    view = estimate_view(track.image, track.world, track.visibility)
    starts = shot_starts(track)
    sides = judge_sides(track, starts)
    from upperback.kinematics.movement_signals import (  # it builds on this module
        build_signals,
        each_shot,
        no_cleaning,
        offline_cleaner,
    )

    cleaner = each_shot(offline_cleaner, starts) if smooth else no_cleaning
    raw, values = build_signals(track, sides, cleaner, cleaner)
    return BodySignals(track.times_s, values, view, sides, track, raw)


def measured_on(sides: Sides, measure: Callable[[str, str], dict[str, FloatArray]]) -> dict[str, FloatArray]:
    """Signals of every frame measured on that frame's sides.

    Parameters
    ----------
    sides : Sides
        Per frame, the near side and the working arm.
    measure : callable
        ``measure(near, working)``: the (T,) signals of the whole track measured on those sides.

    Returns
    -------
    dict of name to (T,) array
        Each frame's values from the measurement on its own sides.
    """
    pairs = sorted(set(zip(sides.near.tolist(), sides.working.tolist())))
    if len(pairs) <= 1:
        return measure(*(pairs[0] if pairs else ("left", "left")))
    out: dict[str, FloatArray] = {}
    for near, working in pairs:
        rows = (sides.near == near) & (sides.working == working)
        for name, values in measure(near, working).items():
            out.setdefault(name, np.full(len(values), np.nan))[rows] = values[rows]
    return out


def raw_signals(track: PoseTrack, near: str, working: str) -> dict[str, FloatArray]:
    """The unfiltered signals of a track.

    Parameters
    ----------
    track : PoseTrack
        The landmarks.
    near : str
        ``"left"`` or ``"right"``: the body side measured for the sided body signals.
    working : str
        ``"left"`` or ``"right"``: the arm measured for the arm signals.

    Returns
    -------
    dict of name to (T,) array
        The signals listed in :class:`BodySignals`, NaN where a landmark they need is not visible.
    """
    p, vis = track.image, track.visibility
    n, a = SIDE_LANDMARKS[near], SIDE_LANDMARKS[working]
    # Arm angles in 3D where world landmarks exist (videos): an arm moving toward the camera
    # barely changes its picture, but its world angles are true. Landmark CSVs have only 2D.
    arm = track.world if np.isfinite(track.world[:, a["elbow"]]).any() else p

    def seen(*marks: L) -> BoolArray:  # numpydoc ignore=GL08
        with np.errstate(invalid="ignore"):
            visible: BoolArray = np.all(vis[:, list(marks)] > VISIBLE, axis=1)
        return visible

    def masked(values: FloatArray, *marks: L) -> FloatArray:  # numpydoc ignore=GL08
        return np.where(seen(*marks), values, np.nan)

    mid_shoulder = (p[:, L.LEFT_SHOULDER] + p[:, L.RIGHT_SHOULDER]) / 2
    mid_hip = (p[:, L.LEFT_HIP] + p[:, L.RIGHT_HIP]) / 2
    torso_len = np.linalg.norm(p[:, n["shoulder"], :2] - p[:, n["hip"], :2], axis=-1)
    ear_to_shoulder = np.linalg.norm(p[:, n["ear"], :2] - p[:, n["shoulder"], :2], axis=-1)
    torso_dir = p[:, n["shoulder"], :2] - p[:, n["hip"], :2]
    neck_dir = p[:, n["ear"], :2] - p[:, n["shoulder"], :2]
    both_arms = track.world if np.isfinite(track.world[:, L.LEFT_ELBOW]).any() else p
    left_arm = both_arms[:, L.LEFT_ELBOW] - both_arms[:, L.LEFT_SHOULDER]
    right_arm = both_arms[:, L.RIGHT_ELBOW] - both_arms[:, L.RIGHT_SHOULDER]
    w = track.world
    with np.errstate(invalid="ignore", divide="ignore"):
        elevation = ear_to_shoulder / torso_len
        elevation_world = np.linalg.norm(w[:, n["ear"]] - w[:, n["shoulder"]], axis=-1) / np.linalg.norm(
            w[:, n["shoulder"]] - w[:, n["hip"]], axis=-1
        )
        lean = 90.0 - inclination_deg(mid_hip, mid_shoulder)
        lean = np.sign(mid_shoulder[:, 0] - mid_hip[:, 0]) * lean
    profiles = track.extras.get(BACK_PROFILE)
    curve = back_curve(profiles, p) if profiles is not None else np.full(len(track), np.nan)
    return {
        "torso_deg": masked(torso_angle_deg(track, n), n["hip"], n["shoulder"]),
        "hip_deg": masked(
            joint_angle_deg(p[:, n["shoulder"]], p[:, n["hip"]], p[:, n["knee"]]), n["shoulder"], n["hip"], n["knee"]
        ),
        "knee_deg": masked(
            joint_angle_deg(p[:, n["hip"]], p[:, n["knee"]], p[:, n["ankle"]]), n["hip"], n["knee"], n["ankle"]
        ),
        "elbow_deg": masked(
            joint_angle_deg(arm[:, a["shoulder"]], arm[:, a["elbow"]], arm[:, a["wrist"]]),
            a["shoulder"],
            a["elbow"],
            a["wrist"],
        ),
        "shoulder_deg": masked(
            joint_angle_deg(arm[:, a["hip"]], arm[:, a["shoulder"]], arm[:, a["elbow"]]),
            a["hip"],
            a["shoulder"],
            a["elbow"],
        ),
        "hand_drop_ratio": masked(hand_drop_ratio(p, a, frontal(track)), a["shoulder"], a["hip"], a["wrist"]),
        "neck_deg": masked(angle_between_deg(torso_dir, neck_dir), n["ear"], n["shoulder"], n["hip"]),
        "elevation_ratio": masked(elevation, n["ear"], n["shoulder"], n["hip"]),
        "elevation_world_ratio": masked(elevation_world, n["ear"], n["shoulder"], n["hip"]),
        "shoulder_tilt_deg": masked(
            signed_tilt_deg(p[:, L.LEFT_SHOULDER], p[:, L.RIGHT_SHOULDER]), L.LEFT_SHOULDER, L.RIGHT_SHOULDER
        ),
        "lateral_lean_deg": masked(lean, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP),
        "arm_spread_deg": masked(
            angle_between_deg(left_arm, right_arm), L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_ELBOW, L.RIGHT_ELBOW
        ),
        "back_curve_ratio": masked(curve, n["shoulder"], n["hip"]),
    }


def frontal(track: PoseTrack) -> BoolArray:
    """Which frames show the body facing the camera or turning its back to it.

    Parameters
    ----------
    track : PoseTrack
        The landmarks; the world landmarks decide.

    Returns
    -------
    (T,) bool array
        True within ``FRONTAL_YAW_DEG`` of facing the camera or facing away; False elsewhere and
        without world landmarks.
    """
    turn = np.abs(body_yaw_deg(track.world))
    with np.errstate(invalid="ignore"):
        facing: BoolArray = (turn <= FRONTAL_YAW_DEG) | (turn >= 180.0 - FRONTAL_YAW_DEG)
    return facing


def torso_angle_deg(track: PoseTrack, near: dict[str, L]) -> FloatArray:
    """Torso angle above the horizontal, as true as the view allows.

    Parameters
    ----------
    track : PoseTrack
        The landmarks.
    near : dict of name to Landmark
        The measured side's landmarks (a value of ``SIDE_LANDMARKS``).

    Returns
    -------
    (T,) array
        Degrees, 90 upright, 0 lying flat.

    Notes
    -----
    Side-on, the picture shows the angle itself. Turned by ``yaw`` from facing the camera, the
    forward part of a lean shrinks in the picture by ``|sin(yaw)|``, so the picture's angle is
    steeper than the true one: ``tan(true) = tan(picture) * |sin(yaw)|`` undoes that in oblique
    views (on the shared clips it agrees with the world landmarks to within 5°). Facing the
    camera the lean points at it and the picture shows almost nothing of it; the world
    landmarks (y down) give the angle there. Without world landmarks (landmark files) the
    picture's angle is all there is.
    """
    p, w = track.image, track.world
    picture = inclination_deg(p[:, near["hip"]], p[:, near["shoulder"]])
    yaw = body_yaw_deg(w)
    up = (w[:, L.LEFT_SHOULDER] + w[:, L.RIGHT_SHOULDER] - w[:, L.LEFT_HIP] - w[:, L.RIGHT_HIP]) / 2
    with np.errstate(invalid="ignore"):
        world = np.degrees(np.arctan2(np.abs(up[:, 1]), np.hypot(up[:, 0], up[:, 2])))
        turned = np.degrees(np.arctan(np.tan(np.radians(picture)) * np.abs(np.sin(np.radians(yaw)))))
        side_on = (np.abs(yaw) >= SIDE_YAW_DEG) & (np.abs(yaw) <= 180.0 - SIDE_YAW_DEG)
    angle = np.where(np.isfinite(yaw) & ~side_on, turned, picture)
    return np.where(frontal(track) & np.isfinite(world), world, angle)


def hand_drop_ratio(image: FloatArray, arm: dict[str, L], frontal_frames: BoolArray) -> FloatArray:
    """How far the hand hangs below the hip–shoulder line, in the picture.

    Parameters
    ----------
    image : (T, 33, 3) array
        Image landmarks.
    arm : dict of name to Landmark
        The working arm's side (a value of ``SIDE_LANDMARKS``).
    frontal_frames : (T,) bool array
        Frames facing the camera or turned away (:func:`frontal`).

    Returns
    -------
    (T,) array
        Distance of the wrist from the hip–shoulder line on the floor's side, over the torso
        length; NaN in frontal frames (the line then runs up the picture).
    """
    shoulder, hip, wrist = image[:, arm["shoulder"], :2], image[:, arm["hip"], :2], image[:, arm["wrist"], :2]
    axis = shoulder - hip
    length = np.linalg.norm(axis, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        normal = np.stack([-axis[:, 1], axis[:, 0]], axis=-1) / length[:, None]
        normal *= np.where(normal[:, 1:] < 0, -1.0, 1.0)  # toward the floor (image y grows down)
        drop = np.sum((wrist - shoulder) * normal, axis=-1) / length
    return np.where(frontal_frames, np.nan, drop)
