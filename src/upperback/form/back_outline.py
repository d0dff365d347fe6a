"""Rounded and arched backs, judged from the body outline (``back_curve_ratio``).

The signal comes from BlazePose's segmentation mask (:mod:`upperback.pose.outline`), so it
exists only for videos, and it means something only when the camera sees the back from the side.
Each rep is judged twice: against fixed limits (the shape of a back that is clearly rounded or
arched) and against the lifter's own first rep (a back that gives way as the set goes on).
"""

from __future__ import annotations

import numpy as np

from upperback.arrays import AnyArray
from upperback.form.common import finite_stat, window
from upperback.form.reps import RepTiming
from upperback.kinematics.signals import BodySignals
from upperback.library.models import View
from upperback.pose.track import BACK_PROFILE

OUTLINE_FAULTS = ("rounded_back", "arched_lower_back")

NO_OUTLINE = (
    "needs the body's outline, which only a video gives; landmark files have none. "
    "Analyse the video itself to have it checked."
)


NOT_READ = (
    "the edge of the back could not be made out in this video (the arms or the background hid "
    "it). Film from the side, against a plain background, to have it checked."
)

NOT_SIDE_ON = (
    "the body's outline shows the spine's shape only when the camera sees "
    "the back side-on, and this video was filmed from {view}. Film from the side "
    "to have it checked."
)
MIN_SIDE_ON_SHARE = 0.5
"""The outline is read only when at least half the frames are side-on (turned 60° or more from
the camera): turned toward the camera, the mask's edge on the back side runs over the shoulder
blade and the flank, not the spine, and a flat back read from the front-oblique barbell clip
as rounded."""


def outline_unavailable(signals: BodySignals) -> dict[str, str]:
    """Outline faults that cannot be judged for this input, with the reason.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.

    Returns
    -------
    dict[str, str]
        Fault code to the reason it cannot be judged; empty when the outline was measured.
    """
    if BACK_PROFILE not in signals.track.extras:
        return dict.fromkeys(OUTLINE_FAULTS, NO_OUTLINE)
    views = np.asarray(signals.view.per_frame, dtype=object).astype(str)
    seen = views != ""
    if seen.any() and np.mean(views[seen] == View.SIDE.value) < MIN_SIDE_ON_SHARE:
        return dict.fromkeys(OUTLINE_FAULTS, NOT_SIDE_ON.format(view=signals.view.view.words))
    if not np.isfinite(signals["back_curve_ratio"]).any():
        return dict.fromkeys(OUTLINE_FAULTS, NOT_READ)
    return {}


def first_rep_back(signals: BodySignals, timings: list[RepTiming]) -> float:
    """The median back curve of the first rep: the lifter's own reference for the set.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    timings : list[RepTiming]
        The counted reps, in time order.

    Returns
    -------
    float
        The first rep's median back curve in torso lengths; NaN when there is no rep or no outline.
    """
    if not timings:
        return float("nan")
    inside = window(signals.times_s, timings[0].start_s, timings[0].end_s)
    return finite_stat(signals["back_curve_ratio"][inside], "median")


def back_metrics(signals: BodySignals, inside: AnyArray, baseline: float) -> dict[str, float]:
    """The back's most rounded and most arched shape in a rep, and its change from ``baseline``
    (the median of the first rep), all in torso lengths.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    inside : AnyArray
        (T,) mask of the rep's frames.
    baseline : float
        The set's reference back curve (:func:`first_rep_back`).

    Returns
    -------
    dict[str, float]
        Metric name to value in torso lengths (NaN where unknown).
    """
    curve = signals["back_curve_ratio"][inside]
    median = finite_stat(curve, "median")
    return {
        "back_curve_max_ratio": finite_stat(curve, "max"),
        "back_curve_min_ratio": finite_stat(curve, "min"),
        "back_curve_change_ratio": median - baseline,
    }


def outline_limits(metrics: dict[str, float]) -> list[tuple[str, str, float, str]]:
    """Limits for ``rep_limit_faults``: fixed shape limits first, then the change in the set.

    Parameters
    ----------
    metrics : dict[str, float]
        The rep's outline metrics (:func:`back_metrics`).

    Returns
    -------
    list[tuple[str, str, float, str]]
        (fault code, metric name, limit, ``"max"`` or ``"min"``) for each limit.
    """
    return [
        ("rounded_back", "max_back_curve_ratio", metrics["back_curve_max_ratio"], "max"),
        ("rounded_back", "max_back_rounding_ratio", metrics["back_curve_change_ratio"], "max"),
        ("arched_lower_back", "min_back_curve_ratio", metrics["back_curve_min_ratio"], "min"),
        ("arched_lower_back", "max_back_arching_ratio", -metrics["back_curve_change_ratio"], "max"),
    ]
