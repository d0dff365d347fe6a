"""The plausible range of every number a user can enter, in one place: a set's and a profile's.

The CLI (``upperback log``, guided sessions), the web forms and the importers all check their
numbers here, and the store checks each set again before saving it, so a value outside these
ranges is refused with a message naming the field and the range and is never saved. The
ranges are wide on purpose: they catch slips (an extra zero, a pasted number, ``1e20``), not
unusual training.
"""

from __future__ import annotations

from dataclasses import dataclass

from upperback.errors import UpperbackError
from upperback.units import WeightUnit, weight_in


@dataclass(frozen=True)
class Limit:
    """The allowed range of one field, with the words a user knows it by."""

    label: str
    low: float
    high: float
    unit: str = ""
    whole: bool = False

    def describe(self) -> str:
        """``"from 0 to 1000 kg"``."""
        unit = f" {self.unit}" if self.unit else ""
        return f"from {_shown(self.low)} to {_shown(self.high)}{unit}"

    def problem(self, value: float | None) -> str | None:
        """What is wrong with ``value`` for this field, or None (``None`` means "not given")."""
        if value is None:
            return None
        if value != value or not self.low <= value <= self.high:  # NaN compares false
            kind = "a whole number" if self.whole else "a number"
            return f"{self.label} must be {kind} {self.describe()} (got {_shown(value)})"
        if self.whole and value != int(value):
            return f"{self.label} must be a whole number (got {_shown(value)})"
        return None

    def check(self, value: float | None) -> float | None:
        """``value`` if it is in range; otherwise :class:`OutOfRange`."""
        problem = self.problem(value)
        if problem:
            raise OutOfRange(self, problem[0].upper() + problem[1:] + ".")
        return value


def _shown(value: float) -> str:
    """``1000000`` -> ``1,000,000``; ``12.5`` -> ``12.5``; ``1e+20`` stays short."""
    if value == value and abs(value) < 1e9 and value == int(value):
        return f"{int(value):,}"
    return f"{value:g}"


class OutOfRange(UpperbackError):
    """A number outside its field's range; ``limit`` says which field (for showing it beside it)."""

    def __init__(self, limit: Limit, message: str) -> None:
        super().__init__(message)
        self.limit = limit


REPS = Limit("reps", 0, 10_000, whole=True)
"""Sets in the shared real exports stay under 100 reps, except one Hevy entry of 4,500 step-ups
(stairs climbed on a house move, logged as one set); 10,000 keeps such entries and still
refuses slips like 1e18."""

LOAD_KG = Limit("weight", 0, 1000, "kg")
"""The heaviest lifts on record (deadlift about 500 kg, strongman yoke carries a little more)
stay well under 1,000 kg, for a bar, a pair of dumbbells or a carry."""

DURATION_S = Limit("duration", 0, 24 * 3600, "seconds")
"""Up to a day: no set, hold or carry lasts longer, nor does an imported cardio entry."""

DISTANCE_M = Limit("distance", 0, 1_000_000, "m")
"""Up to 1,000 km: a carry covers metres; the longest one-day efforts apps log (ultra-distance
cycling) stay under it."""

RPE = Limit("RPE", 1, 10)
"""The resistance-training RPE scale runs from 1 (very light) to 10 (maximal effort, no rep
left): Zourdos et al. 2016, J Strength Cond Res 30(1):267-275."""

RIR = Limit("reps in reserve", 0, 10)
"""Reps in reserve: 0 at failure, up to about 10 at the light end of the same scale (Zourdos et
al. 2016)."""

SET_NUMBER = Limit("set number", 1, 1000, whole=True)
"""Sets of one movement in one day; far past any programme, but bounded."""


def load_problem(value: float | None, unit: WeightUnit | None) -> str | None:
    """The weight's problem in its own unit (kg or lb), checked against :data:`LOAD_KG`."""
    if value is None or unit != WeightUnit.LB:
        return LOAD_KG.problem(value)
    in_lb = Limit(LOAD_KG.label, LOAD_KG.low, round(weight_in(LOAD_KG.high, WeightUnit.KG, WeightUnit.LB)), "lb")
    return in_lb.problem(value)


def check_load(value: float | None, unit: WeightUnit | None) -> float | None:
    """``value`` (in ``unit``) if it is a plausible weight; otherwise :class:`OutOfRange`."""
    problem = load_problem(value, unit)
    if problem:
        raise OutOfRange(LOAD_KG, problem[0].upper() + problem[1:] + ".")
    return value


def set_problems(
    *,
    reps: float | None = None,
    load: float | None = None,
    load_unit: WeightUnit | None = None,
    duration_s: float | None = None,
    distance_m: float | None = None,
    rpe: float | None = None,
    rir: float | None = None,
    set_number: float | None = None,
) -> list[str]:
    """Every number of one set that is out of its range, described (empty when all are fine)."""
    problems = [
        REPS.problem(reps),
        load_problem(load, load_unit),
        DURATION_S.problem(duration_s),
        DISTANCE_M.problem(distance_m),
        RPE.problem(rpe),
        RIR.problem(rir),
        SET_NUMBER.problem(set_number),
    ]
    return [p for p in problems if p]


# ---------------------------------------------------------------------- the profile

DAYS_PER_WEEK = Limit("days a week", 1, 7, whole=True)
"""Days of the week."""

MINUTES_PER_SESSION = Limit("minutes a session", 1, 240, whole=True)
"""Up to four hours; the planner says when a session is too short to hold a sound workout."""

OWNED_WEIGHT_KG = Limit("weight", 0.5, 150, "kg")
"""A dumbbell or kettlebell one owns: fixed and adjustable home dumbbells start at 0.5 kg, and
the heaviest sold for home use (adjustable 2 x 70 kg sets, 68 kg bells) stay under 150 kg."""

BARBELL_KG = Limit("empty bar", 1, 30, "kg")
"""Technique bars weigh a few kg, Olympic bars 15–20 kg, specialty bars up to about 30 kg."""

BARBELL_STEP_KG = Limit("smallest jump", 0.5, 10, "kg")
"""Fractional plates give 0.5 kg in all; two 5 kg plates (10 kg) is the largest jump a plan would take."""
