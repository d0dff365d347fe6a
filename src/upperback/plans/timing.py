"""How long an exercise and a session take: work, rests, set-up and changeovers.

Estimates lean long (the top of each rep range, full planned rests) so that a plan that fits
on paper also fits in the user's time.
"""

from __future__ import annotations

from collections.abc import Sequence

from upperback.plans.dose import ExerciseClass
from upperback.plans.models import Item

SETUP_S = {"barbell": 90, "dumbbell": 45, "kettlebell": 45, "household": 45, "band": 20, "bodyweight": 15}
"""Getting the kit and the position ready before the first set (loading a bar takes longest)."""
SIDE_SWITCH_S = 10
"""Changing sides within a set of a one-sided exercise."""
CARRY_HANDLING_S = 15
"""Squatting to pick the weights up and putting them down again, per carry."""
RAMP_UP_S = 75
"""Lighter ramp-up sets before the first working set of a heavy compound lift."""
MOBILITY_REP_S = 5.0
"""Fallback time per repetition of a mobility drill without a tempo."""


def set_seconds(item: Item) -> float:
    """Seconds of work in one set (both sides for one-sided variants), at the top of the range."""
    sides = 2 if item.per_side else 1
    if item.unit == "s":
        work: float = item.work.high * sides
        if item.exercise_class is ExerciseClass.CARRY:
            work += CARRY_HANDLING_S
    else:
        per_rep = item.tempo.rep_s if item.tempo else (item.pace_s or MOBILITY_REP_S)
        work = item.work.high * per_rep * sides
    return work + (SIDE_SWITCH_S if item.per_side else 0)


def item_seconds(item: Item) -> int:
    """Work and rests of all the item's sets, without its set-up."""
    total = item.sets * set_seconds(item) + (item.sets - 1) * item.rest_s
    if item.ramp_up:
        total += RAMP_UP_S
    return round(total)


def setup_seconds(item: Item) -> int:
    return SETUP_S[item.load.implement] if item.load else SETUP_S["bodyweight"]


def session_seconds(items: Sequence[Item]) -> int:
    """The whole session: the first set-up, every item, and between items the longer of the
    previous item's rest and the next item's set-up (set-up happens during the rest)."""
    if not items:
        return 0
    total = setup_seconds(items[0])
    for index, item in enumerate(items):
        total += item.seconds
        if index + 1 < len(items):
            total += max(item.rest_s, setup_seconds(items[index + 1]))
    return total
