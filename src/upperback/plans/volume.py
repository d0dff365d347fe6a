"""Weekly hard sets per muscle: planned per session, counted from the library's muscle roles.

A working set counts 1 for each target muscle of its movement and 0.5 for each synergist;
stabilisers and warm-up or carry sets do not count (see ``dose.SYNERGIST_WEIGHT``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from upperback.library import Level, Library, Role
from upperback.plans.dose import (
    MAX_SETS_PER_EXERCISE,
    MAX_WEEKLY_SETS,
    MIN_HARD_SETS_PER_EXERCISE,
    SYNERGIST_WEIGHT,
    weekly_sets_target,
)
from upperback.plans.models import PlannedSession
from upperback.plans.profile import Goal

ROLE_WEIGHT = {Role.TARGET: 1.0, Role.SYNERGIST: SYNERGIST_WEIGHT, Role.STABILISER: 0.0}


def muscle_sets(sessions: Iterable[PlannedSession], library: Library) -> dict[str, float]:
    """Hard sets per muscle id over the sessions (e.g. one week), largest first."""
    totals: dict[str, float] = defaultdict(float)
    for session in sessions:
        for item in session.items:
            if not item.hard:
                continue
            for use in library.movement(item.movement_id).muscles:
                weight = ROLE_WEIGHT[use.role]
                if weight:
                    totals[use.muscle] += weight * item.sets
    return dict(sorted(totals.items(), key=lambda pair: (-pair[1], pair[0])))


def plan_sets_per_session(
    goal: Goal, level: Level, compound_ids: list[str], isolation_ids: list[str], training_days: int
) -> dict[str, int]:
    """Working sets per session for each strength movement, so that the key back muscles
    (targets of every pull) get ``weekly_sets_target`` hard sets a week, kept within 10-20.

    Compound lifts get the larger share for a strength goal (60 %), otherwise the share is even.
    Each exercise gets at least two and at most ``MAX_SETS_PER_EXERCISE`` sets.
    """
    movements = compound_ids + isolation_ids
    if not movements or training_days < 1:
        return {}
    cap = MAX_SETS_PER_EXERCISE[level]

    def clamp(value: float) -> int:
        return min(max(MIN_HARD_SETS_PER_EXERCISE, math.ceil(value - 1e-9)), cap)

    floor = MIN_HARD_SETS_PER_EXERCISE * len(movements)
    per_session = max(math.ceil(weekly_sets_target(goal, level) / training_days), floor)
    while per_session > floor and per_session * training_days > MAX_WEEKLY_SETS:
        per_session -= 1
    if not compound_ids or not isolation_ids:
        return {m: clamp(per_session / len(movements)) for m in movements}
    compound_share = 0.6 if goal is Goal.STRENGTH else 0.5
    sets = {m: clamp(per_session * compound_share / len(compound_ids)) for m in compound_ids}
    left = per_session - sum(sets.values())
    sets |= {m: clamp(left / len(isolation_ids)) for m in isolation_ids}
    return sets
