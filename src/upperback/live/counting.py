"""The movement's rep counter, fed one frame of live signals at a time, and the current phase.

The counter is the shared :class:`~upperback.form.reps.RepCounter` with the rules the offline
modules build from the library's ``counting`` entry; only its input differs (causally filtered
signals). What it reads per movement mirrors the offline modules: a body signal gated on the
posture signal (rows, reverse flies), the cat-cow spine curve, or the open-book rotation, which
restarts when the person rolls onto the other side.
"""

from __future__ import annotations

import math
from enum import StrEnum

from upperback.form.common import rules_for
from upperback.form.reps import RepCounter, RepTiming
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
        self.rules = rules_for(movement.counting)
        self._counter = RepCounter(self.rules)
        self._previous_side: float | None = None
        self._previous_value = math.nan
        self.phase = Phase.WAITING
        self.reading_value = math.nan  # the counted value of the last frame

    def reading(self, signals: dict[str, float]) -> tuple[float, bool]:
        """(counted value, whether the user is in the working position) for one frame."""
        if self.movement.id == "cat-cow":  # cat_cow.cat_cow_signals: head angle + pelvis tuck
            return signals["head_flexion_deg"] + 90.0 - signals["hip_deg"], True
        if self.movement.id == "thoracic-rotation":  # thoracic_rotation.count_rotations
            side = signals["top_is_left"]
            active = self._previous_side is None or side == self._previous_side
            self._previous_side = side
            return signals["rotation_deg"], active
        value = signals[self.counting.signal]
        if self.counting.gate_signal is None or self.counting.gate_max is None:
            return value, True
        gate = signals[self.counting.gate_signal]
        return value, bool(gate < self.counting.gate_max)  # NaN: not in position, as offline

    def update(self, time_s: float, signals: dict[str, float]) -> RepTiming | None:
        """Feed one frame; returns a rep when one completes."""
        value, active = self.reading(signals)
        self.reading_value = value
        done = self._counter.update(time_s, value, active)
        self._update_phase(value, active)
        return done

    def finish(self) -> RepTiming | None:
        """The rep still settling at the end of the set, if any."""
        return self._counter.finish()

    def _update_phase(self, value: float, active: bool) -> None:
        if not active or math.isnan(value):
            self.phase, self._previous_value = Phase.WAITING, math.nan
            return
        oriented = value if self.rules.direction < 0 else -value  # the working phase lowers it
        rest = self._counter.rest_level()
        step = oriented - self._previous_value
        self._previous_value = oriented
        deadband = PHASE_DEADBAND * self.rules.min_depth
        if rest - oriented < self.rules.settle_fraction * self.rules.min_depth:
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
        return {Phase.WAITING: "get in position", Phase.REST: "ready",
                Phase.WORKING: working, Phase.RETURNING: returning}[self.phase]
