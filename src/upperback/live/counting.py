"""The movement's rep counter, fed one frame of live signals at a time, and the current phase.

The counter is the offline analysis' own shot-by-shot counter
(:class:`~upperback.form.counting.ShotCounting`, with the rules built from the library's
``counting`` entry); only its input differs (causally filtered signals). As offline, a cut (a
user who walks off and back, or re-positions so the body jumps in the picture) starts a new shot
with a fresh counter, and a shot is counted on the first counting signal seen in it (e.g. the
hand's height when the elbow is hidden). Reps count while the user is in the working position:
the posture gate (rows, reverse flies), always (cat-cow), or, for the open book, until the
person rolls onto the other side.
"""

from __future__ import annotations

import math
from enum import StrEnum

from upperback.form.counting import PostureGate, ShotCounting, frame_of
from upperback.form.reps import RepTiming
from upperback.library.models import Movement

PHASE_DEADBAND = 0.02
"""Share of ``min_depth`` the signal must move between frames to change the phase's direction."""


class Phase(StrEnum):
    """Where the user is in the movement."""

    WAITING = "waiting"  # nobody seen, or not in the working position (e.g. standing before a row)
    REST = "rest"  # in position, between reps
    WORKING = "working"  # moving away from rest (the pull of a row)
    RETURNING = "returning"  # moving back toward rest (the lowering)


class LiveCounter:
    """Counts the reps of one movement from one frame of filtered signals at a time."""

    def __init__(self, movement: Movement) -> None:
        if movement.counting is None:
            raise ValueError(f"{movement.id} has no rep counting")
        self.movement = movement
        self.counting = movement.counting
        self._shots = ShotCounting(movement.counting)
        self._gate = PostureGate(movement.counting)
        self._previous_side: float | None = None
        self._previous_value = math.nan
        self.phase = Phase.WAITING
        self.reading_depths = math.nan  # the counted value of the last frame, in rep minimum depths

    def working(self, signals: dict[str, float]) -> bool:
        """Whether the user is in the working position on this frame, as offline."""
        if self.counting.restart_signal is not None:  # the person turned over: a new working stretch
            side = signals[self.counting.restart_signal]
            same = self._previous_side is None or side == self._previous_side
            self._previous_side = side
            return same
        if self.counting.gate_signal is None or self.counting.gate_max is None:
            return True
        return self._gate.update(signals[self.counting.gate_signal])  # NaN: not in position

    def update(self, time_s: float, signals: dict[str, float], raw: dict[str, float], person: bool, cut: bool) -> None:
        """Feed one frame: its filtered and raw signals, whether a person is in the picture and
        whether the frame begins a new shot (:class:`upperback.kinematics.shots.ShotWatch`)."""
        working = self.working(signals)
        self._shots.update(frame_of(time_s, signals, raw, self._shots.options, working), person, cut)
        self._update_phase(signals, working)

    @property
    def timings(self) -> list[RepTiming]:
        """Every rep counted so far (a shot's may be recounted when its counting signal changes)."""
        return self._shots.timings

    def finish(self) -> None:
        """End the set: the rep still settling, if any, is counted."""
        self._shots.close()

    def _update_phase(self, signals: dict[str, float], working: bool) -> None:
        current = self._shots.current()
        value = signals[current[0].signal] if current is not None else math.nan
        self.reading_depths = value / current[0].min_depth if current is not None else math.nan
        if current is None or not working or math.isnan(value):
            self.phase, self._previous_value = Phase.WAITING, math.nan
            return
        option, counter = current
        oriented = value if option.direction < 0 else -value  # the working phase lowers it
        rest = counter.rest_level()
        step = oriented - self._previous_value
        self._previous_value = oriented
        deadband = PHASE_DEADBAND * option.min_depth
        if rest - oriented < counter.rules.settle_band:
            self.phase = Phase.REST
        elif step < -deadband:
            self.phase = Phase.WORKING
        elif step > deadband:
            self.phase = Phase.RETURNING
        elif self.phase not in (Phase.WORKING, Phase.RETURNING):
            self.phase = Phase.WORKING

    def phase_label(self) -> str:
        """The phase in the library's words (``counting.step_phases``, e.g. ``pull`` / ``lower`` for a row)."""
        working, returning = self.counting.step_phases.working, self.counting.step_phases.returning
        return {
            Phase.WAITING: "get in position",
            Phase.REST: "ready",
            Phase.WORKING: working,
            Phase.RETURNING: returning,
        }[self.phase]
