"""Shots: the stretches of a video filmed without a cut, where one person moves continuously.

A hard camera cut (or an edit that jumps to another take) moves the person across the picture,
or changes their size, from one analysed frame to the next by more than a body can move in that
time; a title card or an empty stretch leaves nobody in the picture for a while. Where the track
knows where the picture itself cut (:mod:`upperback.pose.picture_cuts`), any real change of the
person's place or size across such a cut ends the shot as well. Reps are
counted within each shot (:mod:`upperback.form.counting`), so the counter never joins the end of
one take to the start of another; live, a user who walks off and back or re-positions starts a
new shot in the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from upperback.arrays import AnyArray
from upperback.pose.landmarks import Landmark as L
from upperback.pose.track import PICTURE_CUT, PoseTrack

MAX_JUMP_TORSO_LENGTHS_PER_S = 6.0
"""Fastest plausible move of the hip centre, or of the shoulder centre, in the picture. A brisk
walk (1.5 m/s) is about 3 torso lengths a second; at the 10 Hz analysis rate a cut that moves
the person by more than 0.6 torso lengths between two frames is beyond it. Within a shot the
shoulder centre moves at most 3.8 torso lengths a second on the 18 shared clips (swings, walks
and the carry's turns included); an edit that jumps to another take with the hips in the same
place (a lifter standing, then hinged) moves the shoulders faster."""
MAX_SCALE_STEP = 1.5
"""Largest change of the torso's length in the picture between analysed frames up to
``MAX_SCALE_STEP_S`` apart: walking toward the camera changes it by a few per cent (within a
shot, after its first ``MIN_SHOT_S``, at most 1.36 times on the 18 shared clips); a cut to a
wider or closer shot changes it by half or more."""
MAX_SCALE_STEP_S = 0.25
"""Two analysed frames at 10 Hz on any frame clock (0.2002 s on a 29.97 fps one, 0.24 s on a
25 fps one): BlazePose often finds nobody on the first frame after a cut, and the size change
must still count then."""
PICTURE_CUT_MOVE = 0.1
"""After a hard cut in the picture (:mod:`upperback.pose.picture_cuts`), a move of the hip or
shoulder centre by more than this many torso lengths ends the shot, where a body alone could
have made it. A body holding still jitters by a few hundredths (the renders' light changes:
0.05 at most); the cuts between two shared sets move it by 0.35 or more. A picture cut with the
person where they were (a light switched on, a jump cut within one take) goes on counting."""
PICTURE_CUT_SCALE = 1.1
"""... or a change of the torso's length by more than this factor (the same renders: 1.02)."""
MIN_SHOT_S = 0.5
"""Shorter "shots" are detection flicker (e.g. the first frames of a track); they hold no rep."""
MIN_EMPTY_S = 1.0
"""Nobody in the picture this long (a title card, an outro, a stretch of empty room) ends a shot."""


def body_in_picture(image: AnyArray) -> tuple[AnyArray, AnyArray]:
    """Hip and shoulder centres (T, 2, 2) and torso length (T,) in the picture of (T, 33, 3)
    landmarks; the torso length is NaN or 0 where nobody was found.

    Parameters
    ----------
    image : AnyArray
        (T, 33, 3) landmarks in pixels.

    Returns
    -------
    tuple[AnyArray, AnyArray]
        The hip and shoulder centres (T, 2, 2) and the torso length (T,).
    """
    hip = (image[:, L.LEFT_HIP, :2] + image[:, L.RIGHT_HIP, :2]) / 2
    shoulder = (image[:, L.LEFT_SHOULDER, :2] + image[:, L.RIGHT_SHOULDER, :2]) / 2
    return np.stack([hip, shoulder], axis=1), np.linalg.norm(shoulder - hip, axis=-1)


def is_cut(
    gap_s: Any,
    centres_before: AnyArray,
    centres_after: AnyArray,
    torso_before: Any,
    torso_after: Any,
    picture_cut: Any = False,
) -> Any:
    """Whether two frames with a person, ``gap_s`` apart, lie in different shots: nobody in the
    picture for ``MIN_EMPTY_S``, the person moved or changed size faster than a body can, or the
    picture cut between them and the person moved or changed size at all. Each argument may hold
    one pair of frames or many (leading axes alike).

    Parameters
    ----------
    gap_s : Any
        Time between the two frames.
    centres_before : AnyArray
        Hip and shoulder centres (..., 2, 2) in the earlier frame.
    centres_after : AnyArray
        Hip and shoulder centres (..., 2, 2) in the later frame.
    torso_before : Any
        Torso length in the earlier frame.
    torso_after : Any
        Torso length in the later frame.
    picture_cut : Any
        Whether the picture cut hard after the earlier frame, up to the later one.

    Returns
    -------
    Any
        True (per pair) when the two frames lie in different shots.
    """
    moved = np.linalg.norm(np.asarray(centres_after) - np.asarray(centres_before), axis=-1).max(axis=-1)
    longer, shorter = np.maximum(torso_after, torso_before), np.minimum(torso_after, torso_before)
    return (
        (gap_s >= MIN_EMPTY_S)
        | (moved / longer > MAX_JUMP_TORSO_LENGTHS_PER_S * gap_s)
        | ((gap_s <= MAX_SCALE_STEP_S) & (longer / shorter > MAX_SCALE_STEP))
        | (picture_cut & ((moved / longer > PICTURE_CUT_MOVE) | (longer / shorter > PICTURE_CUT_SCALE)))
    )


class ShotWatch:
    """Shot changes found one frame at a time, as :func:`shot_marks` finds them on a whole
    track: a live camera whose user walks off and back, or re-positions, starts a new shot.

    A jump within ``MIN_SHOT_S`` of a shot's start does not end it: that soon, it is BlazePose
    settling on the person it has just found (its first frames of a person often jump in size:
    the letterboxed one-rep GIF, the seated fly's mirrored shot after its cut), and no rep fits
    in so short a shot.
    """

    def __init__(self) -> None:
        self._last: tuple[float, AnyArray, np.floating[Any]] | None = None  # time, centres, torso of the last person
        self._shot_start_s: float | None = None
        self._picture_cut = False  # the picture cut since the last person was seen

    def update(self, time_s: float, image: AnyArray | None, picture_cut: bool = False) -> tuple[bool, bool]:
        """Feed one frame's (33, 3) landmarks (None: nobody found); returns (a person is in
        the picture, this frame begins a new shot after a cut).

        Parameters
        ----------
        time_s : float
            The frame's time.
        image : AnyArray | None
            The frame's (33, 3) landmarks in pixels, None when nobody was found.
        picture_cut : bool
            Whether the frame's picture is a hard cut from the frame before.

        Returns
        -------
        tuple[bool, bool]
            Whether a person is in the picture, and whether this frame begins a new shot.
        """
        self._picture_cut |= picture_cut
        if image is None:
            return False, False
        centres, torso = body_in_picture(np.asarray(image)[None])
        if not (np.isfinite(torso[0]) and torso[0] > 0):
            return False, False
        last, self._last = self._last, (time_s, centres[0], torso[0])
        picture_cut, self._picture_cut = self._picture_cut, False
        if last is None or self._shot_start_s is None:
            self._shot_start_s = time_s
            return True, False
        jump = bool(is_cut(time_s - last[0], last[1], centres[0], last[2], torso[0], picture_cut))
        if not jump or time_s - self._shot_start_s < MIN_SHOT_S:
            return True, False
        self._shot_start_s = time_s
        return True, True


def shot_marks(track: PoseTrack) -> tuple[AnyArray, AnyArray]:
    """Per frame of a whole track, what :class:`ShotWatch` finds one frame at a time (the same
    :func:`is_cut`, applied to every pair of frames with a person at once), with the track's
    hard cuts in the picture where it has them (``extras["picture_cut"]``).

    Parameters
    ----------
    track : PoseTrack
        The track.

    Returns
    -------
    tuple[AnyArray, AnyArray]
        (T,) bool each: a person is in the picture; the frame begins a new shot after a cut.
    """
    times_s, picture_cut = track.times_s, track.extras.get(PICTURE_CUT)
    centres, torso = body_in_picture(np.asarray(track.image))
    with np.errstate(invalid="ignore"):
        person = np.isfinite(torso) & (torso > 0)
    cut = np.zeros(len(person), dtype=bool)
    found = np.flatnonzero(person)
    if len(found) < 2:
        return person, cut
    before, after = found[:-1], found[1:]
    picture_cut_between: AnyArray | bool = False
    if picture_cut is not None:
        cuts_so_far = np.cumsum(np.asarray(picture_cut) > 0.5)
        picture_cut_between = cuts_so_far[after] > cuts_so_far[before]
    jump = is_cut(
        times_s[after] - times_s[before],
        centres[before],
        centres[after],
        torso[before],
        torso[after],
        picture_cut_between,
    )
    shot_start_s = float(times_s[found[0]])
    for index in after[jump]:  # a jump this soon after a shot began is the tracker settling
        if times_s[index] - shot_start_s >= MIN_SHOT_S:
            cut[index] = True
            shot_start_s = float(times_s[index])
    return person, cut


def shot_starts(track: PoseTrack) -> list[int]:
    """Frame indices where a shot after the first begins (the cuts of :func:`shot_marks`).

    Parameters
    ----------
    track : PoseTrack
        The track.

    Returns
    -------
    list[int]
        Increasing frame indices, none of them 0.
    """
    return [int(i) for i in np.flatnonzero(shot_marks(track)[1])]
