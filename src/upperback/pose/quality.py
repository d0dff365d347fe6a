"""Checks on a finished track: was a person found, and was the whole body visible?"""

from __future__ import annotations

import dataclasses

import numpy as np

from upperback.errors import UpperbackError
from upperback.pose.landmarks import Landmark
from upperback.pose.track import PoseTrack

VISIBLE = 0.5
"""Visibility above which a landmark counts as seen."""

MOSTLY_HIDDEN_FRACTION = 0.5
"""A landmark hidden in more than this share of the frames with a person gets a warning."""

FEW_DETECTIONS_FRACTION = 0.5

CUT_SHORT_S = 1.0
"""A track ending more than this (or two analysis steps) before the video's stated duration gets a warning."""

FRAMING_ADVICE = (
    "Set the camera about three metres away at hip height so your whole body, head to feet, "
    "is in the picture, with good light and nothing between you and the lens."
)

_BODY_PARTS = {
    "head": (Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR),
    "shoulders": (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    "elbows": (Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW),
    "wrists": (Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST),
    "hips": (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    "knees": (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    "ankles": (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
}


def check_track(track: PoseTrack) -> PoseTrack:
    """Raise if nobody was found; otherwise return the track with warnings added (body parts
    rarely visible, few detections, pictures ending well before the stated duration)."""
    if len(track) == 0:
        raise UpperbackError(f"{track.source.name}: no frames could be analysed. {FRAMING_ADVICE}")
    detected = track.detected
    if not detected.any():
        raise UpperbackError(f"{track.source.name}: no person was found in the video. {FRAMING_ADVICE}")
    warnings = list(track.warnings)
    cut_short = cut_short_note(track)
    if cut_short:
        warnings.append(f"{cut_short} Only the part before that was checked.")
    if detected.mean() < FEW_DETECTIONS_FRACTION:
        warnings.append(f"A person was found in only {detected.mean():.0%} of the analysed frames. {FRAMING_ADVICE}")
    hidden = set(hidden_landmarks(track))
    # In a side view the far arm and leg are hidden behind the body, which is fine; a body
    # part is missing only when both of its sides are.
    parts = [part for part, marks in _BODY_PARTS.items() if hidden.issuperset(marks)]
    if parts:
        warnings.append(
            f"Parts of the body were out of frame or hidden most of the time ({', '.join(parts)}); "
            f"checks that need them are less reliable. {FRAMING_ADVICE}"
        )
    return dataclasses.replace(track, warnings=tuple(warnings))


def cut_short_note(track: PoseTrack) -> str | None:
    """Why the pictures end well before the video's stated duration, or None when they do not."""
    if len(track) == 0:
        return None
    step = 1 / (track.analysis_rate_hz or track.source.fps or 1.0)
    end_s, duration_s = float(track.times_s[-1]), track.source.duration_s
    if duration_s - end_s <= max(CUT_SHORT_S, 2 * step):
        return None
    return (
        f"The pictures stop at {end_s:.1f} s although the video should last {duration_s:.1f} s: "
        "the file seems cut short (an unfinished copy or download)."
    )


def hidden_landmarks(track: PoseTrack) -> list[Landmark]:
    """Landmarks not visible in most of the frames where a person was found."""
    vis = track.visibility[track.detected]
    if len(vis) == 0:
        return []
    hidden_share = np.mean(~(vis > VISIBLE), axis=0)
    return [Landmark(i) for i in np.flatnonzero(hidden_share > MOSTLY_HIDDEN_FRACTION)]
