"""Live body signals: the offline signal definitions, computed frame by frame and filtered causally.

Each frame's raw signals come from the same functions the offline analysis uses
(:func:`upperback.kinematics.signals.raw_signals`, and the ``live_signals`` that a movement's form
module registers), run on a one-frame track; they are then cleaned by the causal filter of :mod:`upperback.kinematics.causal`
instead of the offline zero-lag one. Which body side is measured (the side nearer the camera,
the arm that works) is judged, as offline, from all frames seen so far; when that judgement
changes, the signals of the whole history are recomputed with the new sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.form import form_module
from upperback.kinematics.causal import OneEuroFilter, live_beta
from upperback.kinematics.signals import BodySignals, raw_signals, working_arm
from upperback.kinematics.view import ViewEstimate, estimate_view
from upperback.library.models import Movement
from upperback.pose.track import PoseTrack


def one_frame(track: PoseTrack, index: int) -> PoseTrack:
    """Frame ``index`` of ``track`` as a one-frame track."""
    pick = slice(index, index + 1)
    return PoseTrack(times_s=track.times_s[pick], image=track.image[pick], world=track.world[pick],
                     visibility=track.visibility[pick], frame_index=track.frame_index[pick],
                     source=track.source,
                     extras={name: values[pick] for name, values in track.extras.items()})


UNFILTERED = frozenset({"top_is_left"})
"""Extra signals that are labels, not measurements: passed through as they are."""


@dataclass(frozen=True)
class Sides:
    """What the offline analysis reads from the whole track, judged on the frames so far."""

    view: ViewEstimate
    near: str
    working: str


def judge_sides(track: PoseTrack) -> Sides:
    """The camera view, near side and working arm, as :func:`body_signals` judges them."""
    view = estimate_view(track.image, track.world, track.visibility)
    return Sides(view, view.near_side, working_arm(track, default=view.near_side))


class LiveSignals:
    """Per-frame signals of one set, raw and causally filtered, for one movement.

    Call :meth:`add` once per frame with that frame as a one-frame track; :meth:`body_signals`
    hands the history to the offline fault checks.
    """

    def __init__(self, movement: Movement) -> None:
        self.movement = movement
        self._extra = form_module(movement.id).live_signals  # measures beyond the body signals, if any
        self._extra_names: frozenset[str] = frozenset()
        self.names: list[str] = []
        self.raw: dict[str, list[float]] = {}
        self.filtered: dict[str, list[float]] = {}
        self._filter: OneEuroFilter | None = None  # made on the first frame, with each signal's beta
        self.sides: Sides | None = None

    def add(self, frame: PoseTrack, sides: Sides) -> dict[str, float]:
        """Raw and filtered signals of one frame (a one-frame track); returns the filtered ones."""
        if self.sides is None:
            self._start(sides)
        self.sides = sides
        raw = self._raw(frame, sides)
        return self._feed(float(frame.times_s[0]), {name: float(values[0]) for name, values in raw.items()})

    def rebuild(self, track: PoseTrack, sides: Sides) -> None:
        """Recompute every frame's signals with new sides, filtering from the first frame again."""
        self._start(sides)
        raw = self._raw(track, sides)
        for index, time_s in enumerate(track.times_s):
            self._feed(float(time_s), {name: float(values[index]) for name, values in raw.items()})

    def latest(self) -> dict[str, float]:
        """The filtered signals of the last frame."""
        return {name: values[-1] for name, values in self.filtered.items()}

    def body_signals(self, track: PoseTrack) -> BodySignals:
        """The history as the ``BodySignals`` the movement modules read, causally filtered."""
        assert self.sides is not None
        body = [name for name in self.names if name not in self._extra_names]
        return BodySignals(times_s=track.times_s,
                           values={n: np.array(self.filtered[n]) for n in body},
                           view=self.sides.view, working_side=self.sides.working, track=track,
                           raw={n: np.array(self.raw[n]) for n in body})

    def _start(self, sides: Sides) -> None:
        self.sides = sides
        self.names = []
        self.raw, self.filtered = {}, {}
        self._filter = None

    def _feed(self, time_s: float, raw: dict[str, float]) -> dict[str, float]:
        if self._filter is None:
            self.names = list(raw)
            self.raw = {name: [] for name in self.names}
            self.filtered = {name: [] for name in self.names}
            self._filter = OneEuroFilter(beta=live_beta(self.names))
        values = np.array([raw[name] for name in self.names], float)
        smooth = self._filter(time_s, values)
        out = {}
        for name, value, filtered in zip(self.names, values, smooth):
            out[name] = float(value) if name in UNFILTERED else float(filtered)
            self.raw[name].append(float(value))
            self.filtered[name].append(out[name])
        return out

    def _raw(self, track: PoseTrack, sides: Sides) -> dict[str, np.ndarray]:
        raw = raw_signals(track, sides.near, sides.working)
        if self._extra is not None:
            extra = self._extra(track, sides.near)
            self._extra_names = frozenset(extra)
            raw |= extra
        return raw
