"""When a set is over: the user stands up, stops moving, or walks out of the picture."""

from __future__ import annotations

import math
from collections import deque
from enum import StrEnum

STAND_S = 2.0
"""Upright this long after a rep ends the set (a moment's straightening does not)."""
STILL_S = 5.0
"""No rep-sized movement for this long after the last rep ends the set."""
GONE_S = 3.0
"""Nobody in the picture for this long ends the set."""
STILL_FRACTION = 0.4
"""The counted signal moves less than this share of a rep's minimum depth while 'still'."""


class EndReason(StrEnum):
    STOOD_UP = "stood_up"
    STOPPED_MOVING = "stopped_moving"
    LEFT = "left"
    STOPPED = "stopped"  # ended by the user (a button) or the end of the stream


END_MESSAGES = {
    EndReason.STOOD_UP: "Set finished: you stood up.",
    EndReason.STOPPED_MOVING: "Set finished: you stopped moving.",
    EndReason.LEFT: "Set finished: you left the picture.",
    EndReason.STOPPED: "Set finished.",
}


class SetEndDetector:
    """Watches the frames after the first rep for the end of the set.

    Parameters
    ----------
    standing_torso_deg
        Torso angle (degrees above horizontal) at or above which the user is standing.
    still_band
        Largest swing of the counted signal (its unit) that still counts as not moving.
    """

    def __init__(
        self,
        standing_torso_deg: float,
        still_band: float,
        stand_s: float = STAND_S,
        still_s: float = STILL_S,
        gone_s: float = GONE_S,
    ) -> None:
        self.standing_torso_deg = standing_torso_deg
        self.still_band = still_band
        self.stand_s, self.still_s, self.gone_s = stand_s, still_s, gone_s
        self._standing_since = math.nan
        self._gone_since = math.nan
        self._recent: deque[tuple[float, float]] = deque()

    def update(
        self, time_s: float, found: bool, torso_deg: float, value: float, reps: int, last_rep_end_s: float
    ) -> EndReason | None:
        """Feed one frame; returns why the set ended, once it has (only after a rep)."""
        self._gone_since = math.nan if found else (time_s if math.isnan(self._gone_since) else self._gone_since)
        standing = found and torso_deg >= self.standing_torso_deg
        self._standing_since = (
            math.nan if not standing else time_s if math.isnan(self._standing_since) else self._standing_since
        )
        self._recent.append((time_s, value))
        while len(self._recent) > 1 and self._recent[1][0] <= time_s - self.still_s:
            self._recent.popleft()  # keep one frame at or before the window's start
        if reps == 0:
            return None
        if time_s - self._gone_since >= self.gone_s:
            return EndReason.LEFT
        if time_s - self._standing_since >= self.stand_s:
            return EndReason.STOOD_UP
        values = [v for _, v in self._recent]
        if (
            time_s - last_rep_end_s >= self.still_s
            and time_s - self._recent[0][0] >= self.still_s
            and all(math.isfinite(v) for v in values)
            and max(values) - min(values) < self.still_band
        ):
            return EndReason.STOPPED_MOVING
        return None
