"""Which way up the picture is, read from the body: a video stored on its side.

A phone films upright and says so in the file's rotation metadata, which the decoder applies.
Some apps and converters drop that metadata, and the person then lies across the picture: every
angle measured against the picture's horizontal is off by 90 degrees, the hinge looks like
standing up, and faults that are not there are reported without a word (docs/accuracy.md).
BlazePose still finds the person, so the landmarks tell which way is down.

In every movement done on the feet, on a seat or on hands and knees, most limbs point roughly
down in the picture: standing and hinged legs, hanging arms, the thighs and arms of the
all-fours position, a seated lifter's shins. Each visible thigh, shin, upper arm and forearm of
each frame votes for the picture direction (down, right, up or left) nearest to its own. The
movement done lying on the side (``Movement.lying``) is the exception, so callers leave it out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from upperback.pose.landmarks import Landmark
from upperback.pose.track import PoseTrack

LIMBS = (
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
)
"""Limbs that vote, from the joint nearer the trunk to the one further out."""
MIN_VISIBILITY = 0.5
"""Both ends of a limb must be seen at least this well for it to vote."""
MIN_VOTES = 40
"""Fewer votes than this (about five frames of a fully seen body) tell nothing."""
MIN_SHARE = 0.5
"""The winning direction must hold half the votes or more ..."""
MARGIN = 2.0
"""... and twice as many as down. On the 18 shared clips, all filmed upright, down holds 0.47 to
1.00 of the votes and the strongest other direction at most 0.89 times as many (the
chest-supported fly, prone on an incline bench: legs along the bench, arms hanging); up holds at
most 0.01. Turned a quarter, half or three-quarter turn, 16 of the 18 give their winner 3 times
down's votes or more; the chest-supported fly stays unclear and the six-frame clip has too few
votes, so both are left as they are (tests/test_pose_orientation.py)."""


def direction_shares(track: PoseTrack) -> NDArray[np.float64] | None:
    """Shares of the limb votes for down, right, up and left in the picture (in that order);
    None when there are fewer than :data:`MIN_VOTES`."""
    votes = []
    for near, far in LIMBS:
        seen = (np.nan_to_num(track.visibility[:, near]) >= MIN_VISIBILITY) & (
            np.nan_to_num(track.visibility[:, far]) >= MIN_VISIBILITY
        )
        limb = track.image[seen, far, :2] - track.image[seen, near, :2]
        angle = np.arctan2(limb[:, 0], limb[:, 1])  # 0 pointing down, pi/2 right (y grows downwards)
        votes.append(np.round(angle / (np.pi / 2)).astype(int) % 4)  # 0 down, 1 right, 2 up, 3 left
    counted = np.concatenate(votes)
    if len(counted) < MIN_VOTES:
        return None
    return np.bincount(counted, minlength=4) / len(counted)


def upright_turn(track: PoseTrack) -> int:
    """Quarter turns counterclockwise (``numpy.rot90``'s ``k``) that stand the picture upright:
    0 when it is upright already or the body does not say clearly.

    Parameters
    ----------
    track
        The pose track of the picture as decoded (rotation metadata applied).

    Returns
    -------
    int
        0, 1, 2 or 3.
    """
    shares = direction_shares(track)
    if shares is None:
        return 0
    down = int(np.argmax(shares))  # where the body's down points in the picture
    if down == 0 or shares[down] < MIN_SHARE or shares[down] < MARGIN * shares[0]:
        return 0
    # A counterclockwise quarter turn takes the picture's right to its top, its top to its left
    # and its left to its bottom: down pointing right needs three, up two, left one.
    return (4 - down) % 4
