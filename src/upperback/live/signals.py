"""Live body signals: the offline signal definitions, computed frame by frame and filtered causally.

Each frame's signals come from the builder the offline analysis uses
(:func:`upperback.kinematics.movement_signals.build_signals`: the body signals and the
movements' own measures, such as the cat-cow spine curve and the open-book rotation), run on a
one-frame track with the causal filter of :mod:`upperback.kinematics.causal` in place of the
offline zero-lag one. Which body side is measured (the side nearer the camera, the arm that
works) is judged, as offline, per shot and per turn of the body
(:mod:`upperback.kinematics.sides`) on all frames seen so far; when that judgement changes for
any frame, the signals of the whole history are recomputed with the new sides.
"""

from __future__ import annotations

import numpy as np

from upperback.kinematics.causal import CausalCleaner
from upperback.kinematics.movement_signals import build_signals
from upperback.kinematics.sides import Sides, judge_sides
from upperback.kinematics.signals import BodySignals
from upperback.kinematics.view import ViewEstimate, estimate_view
from upperback.library.models import Movement
from upperback.pose.track import PoseTrack


def one_frame(track: PoseTrack, index: int) -> PoseTrack:
    """Frame ``index`` of ``track`` as a one-frame track."""
    return track.frames(index, index + 1)


def fresh_cleaners() -> tuple[CausalCleaner, CausalCleaner]:
    """Causal filters for the signal builder's two stages, with no history."""
    return CausalCleaner(), CausalCleaner()


def judge(track: PoseTrack, shot_starts: list[int]) -> tuple[ViewEstimate, Sides]:
    """The camera view and each frame's measured sides, as :func:`body_signals` judges them;
    ``shot_starts`` the frames where shots after the first began."""
    return estimate_view(track.image, track.world, track.visibility), judge_sides(track, shot_starts)


class LiveSignals:
    """Per-frame signals of one set, raw and causally filtered.

    Call :meth:`add` once per frame with that frame as a one-frame track; :meth:`body_signals`
    hands the history to the offline fault checks.
    """

    def __init__(self, movement: Movement) -> None:
        self.movement = movement
        self.raw: dict[str, list[float]] = {}
        self.filtered: dict[str, list[float]] = {}
        self._cleaners = fresh_cleaners()
        self.view: ViewEstimate | None = None
        self.sides: Sides | None = None

    def add(self, frame: PoseTrack, view: ViewEstimate, sides: Sides, new_shot: bool = False) -> dict[str, float]:
        """Raw and filtered signals of one frame (a one-frame track), measured on the last of
        ``sides`` (those of the history and this frame); returns the filtered ones.
        A frame that begins a new shot (a cut, a jump of the person) starts the filter afresh:
        what came before is of another shot and would only drag its first values."""
        if self.sides is None:
            self._start(view, sides)
        if new_shot:
            self._cleaners = fresh_cleaners()
        self.view, self.sides = view, sides
        last = len(sides.near)
        self._extend(frame, sides.frames(last - 1, last))
        return self.latest()

    def rebuild(self, track: PoseTrack, view: ViewEstimate, sides: Sides, shot_starts: list[int]) -> None:
        """Recompute every frame's signals with new sides, filtering from the first frame again
        and afresh at each of ``shot_starts`` (frame indices), as :meth:`add` did."""
        self._start(view, sides)
        bounds = [0, *(int(i) for i in shot_starts if 0 < i < len(track)), len(track)]
        for start, stop in zip(bounds, bounds[1:]):
            if start > 0:
                self._cleaners = fresh_cleaners()
            self._extend(track.frames(start, stop), sides.frames(start, stop))

    def latest(self, raw: bool = False) -> dict[str, float]:
        """The filtered (or ``raw``) signals of the last frame."""
        return {name: values[-1] for name, values in (self.raw if raw else self.filtered).items()}

    def body_signals(self, track: PoseTrack) -> BodySignals:
        """The history as the ``BodySignals`` the movement modules read, causally filtered."""
        assert self.view is not None and self.sides is not None
        return BodySignals(
            times_s=track.times_s,
            values={n: np.array(v) for n, v in self.filtered.items()},
            view=self.view,
            sides=self.sides,
            track=track,
            raw={n: np.array(v) for n, v in self.raw.items()},
        )

    def _start(self, view: ViewEstimate, sides: Sides) -> None:
        self.view, self.sides = view, sides
        self.raw, self.filtered = {}, {}
        self._cleaners = fresh_cleaners()

    def _extend(self, frames: PoseTrack, sides: Sides) -> None:
        """Build, filter and keep the signals of frames that follow the history."""
        raw, filtered = build_signals(frames, sides, *self._cleaners)
        for store, values in ((self.raw, raw), (self.filtered, filtered)):
            for name, column in values.items():
                store.setdefault(name, []).extend(float(v) for v in column)
