"""What to draw on each frame of a video, from its pose track and its ``FormReport``.

The track holds landmarks of the analysed frames (10 a second by default); frames in between
get landmarks interpolated in time between the two analysed frames around them. Where the
nearest analysed frame found nobody, no skeleton or gauge is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from upperback.kinematics.sides import SIDE_LANDMARKS
from upperback.kinematics.view import VISIBLE
from upperback.library import get_library
from upperback.library.models import Movement
from upperback.pose.landmarks import SKELETON_EDGES
from upperback.pose.landmarks import Landmark as L
from upperback.report.drawing import ACCENT, SEVERITY_RGB, GaugeDraw, Painter
from upperback.report.key_signals import SIGNALS, fault_signals, key_signal, signal_values
from upperback.report.timeline import SEVERITY_RANK, Caption, Moment, Timeline

if TYPE_CHECKING:
    from upperback.analysis import Analysis

GAUGE_DISTANCES = (2.2, 3.2, 4.4, 5.6)
"""Distances of the gauge's centre from its joint that are tried, in gauge radii."""
GAUGE_CLEARANCE = 2.0
"""Distance from the gauge's centre to the nearest landmark or bone, in gauge radii, that counts
as clear of the body (the gauge's disc is 1.25 radii; bodies are wider than their bones)."""
GAUGE_CLEAR_SHARE = 0.95
"""Share of the frames in which the gauge must be clear of the body."""
GAUGE_BELOW_COST = 1.5
"""Extra distance, in gauge radii, charged for placing the gauge straight below its joint."""
GAUGE_DIRECTIONS = 16
"""Directions tried for placing the gauge around its joint."""
GAUGE_FOLLOW_S = 2.0
"""The gauge follows its joint's position averaged over this long."""


@dataclass(frozen=True)
class Layout:
    """The key signal's joints on the measured sides: where its gauge sits (``anchor``) and the
    bones drawn highlighted."""

    anchor: list[L]
    highlight: list[tuple[L, L]]


@dataclass(frozen=True)
class OverlayState:
    """Everything drawn on the frame at ``time_s``.

    ``points`` (33, 2) pixel positions and ``seen`` (33,) visibility of the landmarks, both
    ``None`` where nobody was found; ``value`` the key signal (NaN if unknown).
    """

    time_s: float
    points: np.ndarray | None
    seen: np.ndarray | None
    value: float
    moment: Moment
    captions: list[Caption]
    active_codes: frozenset[str]


class FrameOverlay:
    """Draws the analysis of one video onto its frames.

    Parameters
    ----------
    analysis
        The analysis, with the pose track and signals it was made from.
    movement
        Its library entry (looked up from ``report.exercise`` if not given).
    """

    def __init__(self, analysis: Analysis, movement: Movement | None = None):
        self.track = track = analysis.track
        self.report = report = analysis.report
        self.movement = movement or get_library().movement(report.exercise)
        signals = analysis.signals
        self.key = key_signal(self.movement, report.view)
        self.spec = SIGNALS[self.key]
        self.values = signal_values(signals, self.key)
        self.timeline = Timeline(report, self.movement, analysis.step_times_s)
        self.sides = signals.sides
        self._layouts: dict[tuple[str, str], Layout] = {}
        times = track.times_s
        self.step_s = float(np.median(np.diff(times))) if len(times) > 1 else 1.0 / max(track.source.fps, 1.0)
        self._centres = self._gauge_centres()
        self._landmarks = np.concatenate([track.image[..., :2], track.visibility[..., None]], axis=-1)
        self._painter: Painter | None = None

    # ------------------------------------------------------------------ state

    def state_at(self, time_s: float) -> OverlayState:
        """The overlay's content at ``time_s`` (seconds from the start of the video)."""
        landmarks = self._landmarks_at(time_s)
        points, seen = landmarks if landmarks is not None else (None, None)
        value = float("nan")
        if points is not None:
            sampled = _sample(self.track.times_s, self.values[:, None], time_s, self.step_s)
            value = float(sampled[0]) if sampled is not None else float("nan")
        return OverlayState(
            time_s,
            points,
            seen,
            value,
            self.timeline.moment(time_s),
            self.timeline.captions(time_s),
            frozenset(self.timeline.active_codes(time_s)),
        )

    def _layout_at(self, time_s: float) -> Layout:
        """The joints drawn for the sides measured at the analysed frame nearest ``time_s``."""
        if not len(self.track.times_s):
            return self._layout("left", "left")
        index = int(np.argmin(np.abs(self.track.times_s - time_s)))
        return self._layout(str(self.sides.near[index]), str(self.sides.working[index]))

    def _layout(self, near: str, working: str) -> Layout:
        if (near, working) not in self._layouts:
            anchor = [m for side, part in self.spec.anchor for m in _marks(side, part, near, working)]
            highlight = [
                (a, b)
                for side, first, second in self.spec.segments
                for a, b in zip(_marks(side, first, near, working), _marks(side, second, near, working))
            ]
            self._layouts[(near, working)] = Layout(anchor, highlight)
        return self._layouts[(near, working)]

    def _landmarks_at(self, time_s: float) -> tuple[np.ndarray, np.ndarray] | None:
        sampled = _sample(self.track.times_s, self._landmarks, time_s, self.step_s, self.track.detected)
        if sampled is None:
            return None
        with np.errstate(invalid="ignore"):
            seen = (np.nan_to_num(sampled[:, 2]) > VISIBLE) & np.isfinite(sampled[:, :2]).all(axis=1)
        return sampled[:, :2], seen

    def _gauge_centres(self) -> np.ndarray:
        """(T, 2) where the gauge sits at each analysed frame (NaN where its joint is unseen).

        It keeps to the joint's position averaged over :data:`GAUGE_FOLLOW_S`, so it follows the
        lifter around the picture but not every rep's motion, at one offset for the whole clip:
        the nearest (:data:`GAUGE_BELOW_COST`) of :data:`GAUGE_DIRECTIONS` directions times
        :data:`GAUGE_DISTANCES` that keeps the gauge clear of the body in nearly every frame (else
        the clearest one).
        """
        track = self.track
        painter = Painter(track.source.width, track.source.height)
        radius = painter.gauge_radius
        with np.errstate(invalid="ignore"):
            seen = np.nan_to_num(track.visibility) > VISIBLE
        points = track.image[..., :2].astype(float)
        anchors = np.full((len(track), 2), np.nan)
        for index in range(len(track)):
            marks = self._layout(str(self.sides.near[index]), str(self.sides.working[index])).anchor
            if seen[index, marks].all():
                anchors[index] = points[index, marks].mean(axis=0)
        steady = _moving_mean(anchors, max(1, int(round(GAUGE_FOLLOW_S / self.step_s))))
        body, body_seen = _body_samples(points, seen)
        frames = np.isfinite(steady[:, 0])
        margin = np.array(painter.gauge_margin(self.spec.label.lower()))
        low, high = margin, np.array([painter.width, painter.height]) - margin
        angles = np.linspace(0, 2 * np.pi, GAUGE_DIRECTIONS, endpoint=False)
        # nearer first; a place below the joint counts as further away (above the body reads best)
        candidates = sorted(
            (d + GAUGE_BELOW_COST * max(0.0, float(np.sin(a))), d, a) for d in GAUGE_DISTANCES for a in angles
        )
        best, best_score = np.array([0.0, -radius * GAUGE_DISTANCES[0]]), -np.inf
        for _, distance, angle in candidates if frames.any() else []:
            offset = np.array([np.cos(angle), np.sin(angle)]) * radius * distance
            centres = np.clip(steady[frames] + offset, low, high)
            gaps = np.linalg.norm(body[frames] - centres[:, None, :], axis=-1)
            clearance = np.where(body_seen[frames], gaps, np.inf).min(axis=1)
            score = min(float(np.percentile(clearance, 100 * (1 - GAUGE_CLEAR_SHARE))), GAUGE_CLEARANCE * radius)
            if score > best_score + 1e-6:  # ties keep the earlier candidate
                best, best_score = offset, score
        return np.clip(steady + best, low, high)

    # ------------------------------------------------------------------ drawing

    def draw(self, rgb: np.ndarray, time_s: float, panels: bool = True) -> list[str]:
        """Draw the overlay for ``time_s`` onto the upright RGB frame ``rgb`` (in place);
        ``panels=False`` draws only the skeleton and the gauge.

        Returns the fault captions drawn (``title: cue``), most severe first."""
        painter = self._painter_for(rgb)
        state = self.state_at(time_s)
        if state.points is not None and state.seen is not None:
            painter.skeleton(rgb, state.points, state.seen, self._layout_at(time_s).highlight)
            gauge = self._gauge(state, painter)
            if gauge is not None:
                painter.gauge(rgb, gauge)
        elif panels and self.track.detected.any():
            painter.note(rgb, "nobody found in this frame")
        drawn = []
        if panels:
            painter.rep_panel(rgb, state.moment, self.timeline.unit)
            drawn = painter.captions(rgb, state.captions)
        painter.flush(rgb)
        return drawn

    def focus_box(self, rgb: np.ndarray, time_s: float, margin: float = 0.12) -> tuple[int, int, int, int] | None:
        """(x0, y0, x1, y1) around the body and its gauge at ``time_s``, widened by ``margin``
        of its size on each side; None where nobody was found."""
        painter = self._painter_for(rgb)
        state = self.state_at(time_s)
        if state.points is None or state.seen is None or not state.seen.any():
            return None
        corners = [state.points[state.seen]]
        gauge = self._gauge(state, painter)
        if gauge is not None:
            reach = np.array(painter.gauge_margin(gauge.label))
            corners.append(np.array([np.array(gauge.centre) - reach, np.array(gauge.centre) + reach]))
        box = np.concatenate(corners)
        low, high = box.min(axis=0), box.max(axis=0)
        pad = (high - low) * margin + painter.px(12)
        x0, y0 = np.maximum(low - pad, 0).astype(int)
        x1, y1 = np.minimum(high + pad, [painter.width, painter.height]).astype(int)
        return (int(x0), int(y0), int(x1), int(y1)) if x1 > x0 and y1 > y0 else None

    def _painter_for(self, rgb: np.ndarray) -> Painter:
        height, width = rgb.shape[:2]
        if self._painter is None or (self._painter.width, self._painter.height) != (width, height):
            self._painter = Painter(width, height)
        return self._painter

    def _gauge(self, state: OverlayState, painter: Painter) -> GaugeDraw | None:
        if state.points is None or state.seen is None:
            return None
        marks = self._layout_at(state.time_s).anchor
        if not state.seen[marks].all() or not np.isfinite(state.value):
            return None
        anchor = state.points[marks].mean(axis=0)
        centre = _sample(self.track.times_s, self._centres, state.time_s, self.step_s)
        if centre is None:
            return None
        unit = "°" if self.key.endswith("_deg") else ""
        text = f"{state.value:.0f}{unit}" if unit else f"{state.value:.2f}"
        return GaugeDraw(
            (float(anchor[0]), float(anchor[1])),
            (float(centre[0]), float(centre[1])),
            state.value,
            self.spec.low,
            self.spec.high,
            self.spec.label.lower(),
            text,
            self._gauge_colour(state.active_codes),
        )

    def _gauge_colour(self, codes: frozenset[str]) -> tuple[int, int, int]:
        """The accent colour, or the severity colour of a fault of the key signal under way."""
        severities = [
            f.severity
            for f in self.report.faults
            if f.code in codes and fault_signals(self.movement).get(f.code) == self.key
        ]
        if not severities:
            return ACCENT
        return SEVERITY_RGB[min(severities, key=lambda s: SEVERITY_RANK.get(s, 9))]


def _marks(side: str, part: str, near: str, working: str) -> list[L]:
    if side == "both":
        return [SIDE_LANDMARKS["left"][part], SIDE_LANDMARKS["right"][part]]
    return [SIDE_LANDMARKS[working if side == "working" else near][part]]


def _moving_mean(values: np.ndarray, frames: int) -> np.ndarray:
    """(T, D) mean of the known (not NaN) rows within ``frames`` rows either side; NaN rows stay NaN."""
    known = np.isfinite(values).all(axis=1)
    filled = np.where(known[:, None], values, 0.0)
    kernel = np.ones(2 * frames + 1)
    counts = np.convolve(known.astype(float), kernel, mode="same")
    sums = np.stack([np.convolve(filled[:, k], kernel, mode="same") for k in range(values.shape[1])], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known[:, None], sums / counts[:, None], np.nan)


def _body_samples(points: np.ndarray, seen: np.ndarray, per_bone: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks and points along each skeleton bone, (T, N, 2), with whether each is seen."""
    starts = np.array([a for a, _ in SKELETON_EDGES])
    ends = np.array([b for _, b in SKELETON_EDGES])
    fractions = np.linspace(0, 1, per_bone + 2)[1:-1]
    along = [points[:, starts] + f * (points[:, ends] - points[:, starts]) for f in fractions]
    along_seen = seen[:, starts] & seen[:, ends]
    samples = np.concatenate([points, *along], axis=1)
    return samples, np.concatenate([seen] + [along_seen] * per_bone, axis=1)


def _sample(
    times_s: np.ndarray, values: np.ndarray, time_s: float, step_s: float, present: np.ndarray | None = None
) -> np.ndarray | None:
    """``values`` (T, ...) at ``time_s``: linear between the two analysed frames around it
    when both are known, else the nearer known one within half a step (a whole step before the
    first or after the last analysed frame), else None. A frame is known where ``present`` is
    true (default: where its values are not all NaN)."""
    n = len(times_s)
    if n == 0:
        return None
    after = int(np.searchsorted(times_s, time_s))
    before = after - 1

    def known(i: int) -> bool:
        if not 0 <= i < n:
            return False
        return bool(present[i]) if present is not None else bool(np.isfinite(values[i]).any())

    if known(before) and known(after) and times_s[after] - times_s[before] <= 1.5 * step_s:
        span = times_s[after] - times_s[before]
        weight = (time_s - times_s[before]) / span if span > 0 else 0.0
        return (1 - weight) * values[before] + weight * values[after]
    reach = step_s if before < 0 or after >= n else step_s / 2
    candidates = [i for i in (before, after) if known(i) and abs(times_s[i] - time_s) <= reach + 1e-9]
    if not candidates:
        return None
    return values[min(candidates, key=lambda i: abs(times_s[i] - time_s))].copy()
