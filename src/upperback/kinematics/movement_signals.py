"""The signals the movement checks read beyond the body signals of ``raw_signals``, and the one
builder that makes and cleans them all.

A form module never filters: every signal it reads is built here by the caller and cleaned once,
offline by the zero-lag :func:`~upperback.kinematics.filters.clean` (:func:`offline_cleaner`),
live by the causal filter (:class:`~upperback.kinematics.causal.CausalCleaner`), so live is
judged like offline. :func:`build_signals` runs in two stages: the top side of a side-lying body
is judged on the cleaned hip heights, then the open-book measures are taken of that side and
cleaned in turn; signals combined from others (the cat-cow spine curve) are combined after
cleaning, from the cleaned parts.

Signals added to the body signals (each (T,), NaN where not seen):

* cat-cow (side view, near side): ``head_flexion_deg`` the signed angle of the shoulder→ear
  line from the torso line, positive when the head hangs below it (toward the knees' side, so
  the sign holds whichever way the person faces; toward the bottom of the picture where the
  knees are out of it); ``pelvis_tuck_deg`` ``90 - hip_deg``;
  ``spine_curve_deg`` their sum (cat positive, cow negative); ``hand_offset_ratio`` wrist ahead
  of the shoulder and ``knee_offset_ratio`` knee ahead of the hip, horizontally, in torso lengths;
* open book (world landmarks, about the body's long axis): ``hip_drop_px`` left-minus-right
  hip height in the picture; ``top_is_left`` 1.0 when the left side is on top, from the cleaned
  hip drop; ``rotation_deg`` top arm against bottom arm; ``chest_turn_deg`` shoulder line against
  hip line; ``face_x_m``/``_y_m``/``_z_m`` the face direction (mid-ear → nose);
  ``top_knee_flexion_deg`` 180 minus the top knee angle; ``top_thigh_m`` top thigh length;
  ``top_knee_x_m``/``_y_m``/``_z_m`` the top knee's world position;
* carry: ``trunk_lean_deg`` lean of the trunk from vertical in any direction (3D where world
  landmarks exist); ``knee_flexion_deg`` mean bend of the knees, 0 straight; ``feet_apart_ratio``
  left-minus-right ankle height over leg length (alternates sign with each step).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from upperback.arrays import AnyArray
from upperback.kinematics.angles import angle_between_deg, joint_angle_deg
from upperback.kinematics.filters import clean, fill_gaps, lowpass
from upperback.kinematics.sides import SIDE_LANDMARKS, Sides
from upperback.kinematics.signals import measured_on, raw_signals
from upperback.kinematics.view import VISIBLE
from upperback.pose.landmarks import Landmark as L
from upperback.pose.track import PoseTrack

Cleaner = Callable[[dict[str, AnyArray], AnyArray], dict[str, AnyArray]]
"""Cleans raw signals (name to (T,) array) sampled at the given times."""

MAX_FEET_GAP_S = 0.3
"""Longest stretch of unseen feet filled in offline (shorter than a step)."""
UNREJECTED = frozenset({"feet_apart_ratio"})
"""Signals cleaned offline without outlier rejection, with gaps up to ``MAX_FEET_GAP_S`` only:
a quick step's sharp peak is no glitch."""
AXES = ("x", "y", "z")


def build_signals(
    track: PoseTrack, sides: Sides, first: Cleaner, second: Cleaner
) -> tuple[dict[str, AnyArray], dict[str, AnyArray]]:
    """Every signal of a track, raw and cleaned: ``(raw, cleaned)``.

    Parameters
    ----------
    track
        The landmarks.
    sides
        Per frame, the body side nearer the camera and the working arm.
    first, second
        The cleaners of the two stages (offline the same; live two causal filters).

    Returns
    -------
    tuple[dict[str, AnyArray], dict[str, AnyArray]]
        The raw signals and the cleaned ones, by name.
    """
    raw = (
        measured_on(sides, lambda near, working: raw_signals(track, near, working) | all_fours_signals(track, near))
        | carry_signals(track)
        | {"hip_drop_px": hip_drop_px(track)}
    )
    values = first(raw, track.times_s)
    top_is_left = ~(values["hip_drop_px"] > 0)
    lying = side_lying_signals(track, top_is_left)
    raw |= lying
    values |= second(lying, track.times_s)
    for signals in (raw, values):
        signals |= combined_signals(signals, top_is_left)
    return raw, values


def offline_cleaner(raw: dict[str, AnyArray], times_s: AnyArray) -> dict[str, AnyArray]:
    """The offline cleaning of each signal (:func:`~upperback.kinematics.filters.clean`; see
    ``UNREJECTED``).

    Parameters
    ----------
    raw : dict[str, AnyArray]
        Raw signals by name, each (T,).
    times_s : AnyArray
        (T,) frame times.

    Returns
    -------
    dict[str, AnyArray]
        The cleaned signals by name.
    """
    regular = [name for name in raw if name not in UNREJECTED]
    if len(times_s) > 1 and regular:  # cleaned together: the same per signal, in fewer calls
        stacked = clean(np.column_stack([raw[name] for name in regular]), times_s)
        cleaned = {name: stacked[:, index] for index, name in enumerate(regular)}
    else:
        cleaned = {name: clean_offline(name, raw[name], times_s) for name in regular}
    return {
        name: cleaned[name] if name in cleaned else clean_offline(name, values, times_s) for name, values in raw.items()
    }


def each_shot(cleaner: Cleaner, starts: list[int]) -> Cleaner:
    """``cleaner`` applied to each shot on its own (nothing is filtered, filled or smoothed
    across a cut).

    Parameters
    ----------
    cleaner : Cleaner
        The cleaning of one stretch of frames.
    starts : list[int]
        Frame indices where shots after the first begin.

    Returns
    -------
    Cleaner
        The cleaning of a whole track.
    """
    if not starts:
        return cleaner

    def clean_shots(raw: dict[str, AnyArray], times_s: AnyArray) -> dict[str, AnyArray]:  # numpydoc ignore=GL08
        bounds = [0, *starts, len(times_s)]
        parts = [cleaner({k: v[a:b] for k, v in raw.items()}, times_s[a:b]) for a, b in zip(bounds, bounds[1:])]
        return {name: np.concatenate([part[name] for part in parts]) for name in raw}

    return clean_shots


def no_cleaning(raw: dict[str, AnyArray], times_s: AnyArray) -> dict[str, AnyArray]:
    """The raw signals, copied.

    Parameters
    ----------
    raw : dict[str, AnyArray]
        Raw signals by name, each (T,).
    times_s : AnyArray
        (T,) frame times.

    Returns
    -------
    dict[str, AnyArray]
        Copies of the raw signals by name.
    """
    return {name: values.copy() for name, values in raw.items()}


def clean_offline(name: str, values: AnyArray, times_s: AnyArray) -> AnyArray:
    """One signal cleaned offline: outliers, gaps, zero-lag low-pass (see ``UNREJECTED``).

    Parameters
    ----------
    name : str
        The signal's name (some are not outlier-rejected).
    values : AnyArray
        (T,) raw values.
    times_s : AnyArray
        (T,) frame times.

    Returns
    -------
    AnyArray
        (T,) cleaned values.
    """
    if len(values) <= 1:
        return values.copy()
    if name in UNREJECTED:
        return lowpass(fill_gaps(values, times_s, MAX_FEET_GAP_S), times_s)
    return clean(values, times_s)


def combined_signals(signals: dict[str, AnyArray], top_is_left: AnyArray) -> dict[str, AnyArray]:
    """Signals combined from others, and the top-side label.

    Parameters
    ----------
    signals : dict[str, AnyArray]
        Signals by name.
    top_is_left : AnyArray
        (T,) True where the left side is on top.

    Returns
    -------
    dict[str, AnyArray]
        The combined signals by name.
    """
    pelvis = 90.0 - signals["hip_deg"]
    return {
        "pelvis_tuck_deg": pelvis,
        "spine_curve_deg": signals["head_flexion_deg"] + pelvis,
        "top_is_left": top_is_left.astype(float),
    }


def all_fours_signals(track: PoseTrack, side: str) -> dict[str, AnyArray]:
    """Head angle and hand/knee offsets of one body side, NaN where not seen.

    Parameters
    ----------
    track : PoseTrack
        The pose track.
    side : str
        ``"left"`` or ``"right"``.

    Returns
    -------
    dict[str, AnyArray]
        The signals by name, each (T,).
    """
    marks = SIDE_LANDMARKS[side]
    p, vis = track.image[..., :2].astype(float), track.visibility
    ear, shoulder, wrist = p[:, marks["ear"]], p[:, marks["shoulder"]], p[:, marks["wrist"]]
    hip, knee = p[:, marks["hip"]], p[:, marks["knee"]]
    torso = shoulder - hip
    torso_len = np.linalg.norm(torso, axis=-1)
    with np.errstate(invalid="ignore"):
        knee_seen = vis[:, marks["knee"]] > VISIBLE
    with np.errstate(invalid="ignore", divide="ignore"):
        along = torso / torso_len[:, None]
        across = np.stack([-along[:, 1], along[:, 0]], axis=-1)
        floor = np.where(knee_seen[:, None], knee - hip, [0.0, 1.0])  # the knees' side, else picture down
        across *= np.sign(np.sum(across * floor, axis=-1))[:, None]
        neck = ear - shoulder
        head = np.degrees(np.arctan2(np.sum(neck * across, axis=-1), np.sum(neck * along, axis=-1)))
        facing = np.sign(torso[:, 0])  # +1 when the head is to the right of the hips
        hand = (wrist[:, 0] - shoulder[:, 0]) * facing / torso_len
        knee_offset = (knee[:, 0] - hip[:, 0]) * facing / torso_len

    def masked(values: AnyArray, *names: str) -> AnyArray:  # numpydoc ignore=GL08
        with np.errstate(invalid="ignore"):
            seen = np.all(vis[:, [marks[n] for n in names]] > VISIBLE, axis=1)
        return np.where(seen, values, np.nan)

    return {
        "head_flexion_deg": masked(head, "ear", "shoulder", "hip"),
        "hand_offset_ratio": masked(hand, "wrist", "shoulder", "hip"),
        "knee_offset_ratio": masked(knee_offset, "knee", "shoulder", "hip"),
    }


def hip_drop_px(track: PoseTrack) -> AnyArray:
    """(T,) how much lower the left hip is than the right in the picture (image y grows down).

    Parameters
    ----------
    track : PoseTrack
        The pose track.

    Returns
    -------
    AnyArray
        (T,) pixels.
    """
    out: AnyArray = (track.image[:, L.LEFT_HIP, 1] - track.image[:, L.RIGHT_HIP, 1]).astype(float)
    return out


def side_lying_signals(track: PoseTrack, top_is_left: AnyArray) -> dict[str, AnyArray]:
    """Open-book measures of a side-lying body whose top side is given per frame.

    Parameters
    ----------
    track : PoseTrack
        The pose track.
    top_is_left : AnyArray
        (T,) True where the left side is on top.

    Returns
    -------
    dict[str, AnyArray]
        The signals by name, each (T,).
    """
    w = track.world.astype(float)
    sides = np.where(top_is_left[:, None], "left", "right"), np.where(top_is_left[:, None], "right", "left")

    def side_point(part: str, on_top: bool) -> AnyArray:  # numpydoc ignore=GL08
        names = sides[0] if on_top else sides[1]
        left = w[:, SIDE_LANDMARKS["left"][part]]
        right = w[:, SIDE_LANDMARKS["right"][part]]
        return np.where(names == "left", left, right)

    mid_hip = (w[:, L.LEFT_HIP] + w[:, L.RIGHT_HIP]) / 2
    mid_shoulder = (w[:, L.LEFT_SHOULDER] + w[:, L.RIGHT_SHOULDER]) / 2
    axis = mid_shoulder - mid_hip
    with np.errstate(invalid="ignore", divide="ignore"):
        axis /= np.linalg.norm(axis, axis=-1, keepdims=True)

    def across(v: AnyArray) -> AnyArray:  # numpydoc ignore=GL08
        out: AnyArray = v - np.sum(v * axis, axis=-1, keepdims=True) * axis
        return out

    top_sh, bottom_sh = side_point("shoulder", True), side_point("shoulder", False)
    top_arm = across(side_point("wrist", True) - top_sh)
    bottom_arm = across(side_point("wrist", False) - bottom_sh)
    shoulder_line = across(top_sh - bottom_sh)
    hip_line = across(side_point("hip", True) - side_point("hip", False))
    face = across(w[:, L.NOSE] - (w[:, L.LEFT_EAR] + w[:, L.RIGHT_EAR]) / 2)
    hip, knee, ankle = side_point("hip", True), side_point("knee", True), side_point("ankle", True)
    return {
        "rotation_deg": angle_between_deg(top_arm, bottom_arm),
        "chest_turn_deg": angle_between_deg(shoulder_line, hip_line),
        **{f"face_{a}_m": face[:, k] for k, a in enumerate(AXES)},
        "top_knee_flexion_deg": 180.0 - joint_angle_deg(hip, knee, ankle),
        "top_thigh_m": np.linalg.norm(knee - hip, axis=-1),
        **{f"top_knee_{a}_m": knee[:, k] for k, a in enumerate(AXES)},
    }


def carry_signals(track: PoseTrack) -> dict[str, AnyArray]:
    """Trunk lean, knee bend and the feet's alternation.

    Parameters
    ----------
    track : PoseTrack
        The pose track.

    Returns
    -------
    dict[str, AnyArray]
        The signals by name, each (T,).
    """
    return {
        "trunk_lean_deg": trunk_lean_deg(track),
        "knee_flexion_deg": knee_flexion_deg(track),
        "feet_apart_ratio": feet_apart_ratio(track),
    }


def trunk_lean_deg(track: PoseTrack) -> AnyArray:
    """(T,) lean of the trunk (mid-hip → mid-shoulder) from vertical, in any direction.

    Parameters
    ----------
    track : PoseTrack
        The pose track.

    Returns
    -------
    AnyArray
        (T,) degrees, NaN where not seen.

    Notes
    -----
    Measured on the world landmarks where the track has them: a bow toward the camera barely
    changes the picture's torso angle but shows fully in 3D. Landmark CSVs (no world
    landmarks) fall back to the picture, which is right for side views.
    """
    points = track.world if np.isfinite(track.world[:, L.LEFT_SHOULDER]).any() else track.image
    trunk = (
        (points[:, L.LEFT_SHOULDER] + points[:, L.RIGHT_SHOULDER]) - (points[:, L.LEFT_HIP] + points[:, L.RIGHT_HIP])
    ) / 2
    trunk = trunk[:, :3] if points is track.world else trunk[:, :2]
    up = np.zeros(trunk.shape[1])
    up[1] = -1.0  # image and BlazePose world y both grow downward
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = trunk @ up / np.linalg.norm(trunk, axis=-1)
        lean = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    with np.errstate(invalid="ignore"):
        seen = np.all(
            track.visibility[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP]] > VISIBLE, axis=1
        )
    return np.where(seen, lean, np.nan)


def knee_flexion_deg(track: PoseTrack) -> AnyArray:
    """(T,) mean bend of the two knees, 0 straight (3D where world landmarks exist).

    A knee that is not seen leaves the other to speak for both.

    Parameters
    ----------
    track : PoseTrack
        The pose track.

    Returns
    -------
    AnyArray
        (T,) degrees, NaN where neither knee is seen.
    """
    points = track.world if np.isfinite(track.world[:, L.LEFT_KNEE]).any() else track.image
    bends = []
    coords = slice(0, 3) if points is track.world else slice(0, 2)
    legs = ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))
    for hip, knee, ankle in legs:
        bend = 180.0 - joint_angle_deg(points[:, hip, coords], points[:, knee, coords], points[:, ankle, coords])
        with np.errstate(invalid="ignore"):
            seen = np.all(track.visibility[:, [hip, knee, ankle]] > VISIBLE, axis=1)
        bends.append(np.where(seen, bend, np.nan))
    with warnings.catch_warnings():  # frames with neither knee seen stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        out: AnyArray = np.nanmean(np.vstack(bends), axis=0)
        return out


def feet_apart_ratio(track: PoseTrack) -> AnyArray:
    """(T,) left-minus-right ankle height in the picture over the leg length; NaN where an
    ankle or hip is not seen.

    Walking toward or away from the camera, the feet take turns being the lower one in the
    picture (the leading foot is nearer, the swinging one lifted), so this changes sign once per
    step; scaled by the leg length, distance from the camera does not matter.

    Parameters
    ----------
    track : PoseTrack
        The pose track.

    Returns
    -------
    AnyArray
        (T,) ratio.
    """
    image, vis = track.image, track.visibility
    with np.errstate(invalid="ignore"):
        seen = np.all(vis[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HIP, L.RIGHT_HIP]] > VISIBLE, axis=1)
    leg_px = (
        np.linalg.norm(image[:, L.LEFT_HIP, :2] - image[:, L.LEFT_ANKLE, :2], axis=-1)
        + np.linalg.norm(image[:, L.RIGHT_HIP, :2] - image[:, L.RIGHT_ANKLE, :2], axis=-1)
    ) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        apart = (image[:, L.LEFT_ANKLE, 1] - image[:, L.RIGHT_ANKLE, 1]) / leg_px
    return np.where(seen & np.isfinite(apart), apart, np.nan).astype(float)
