"""Fitting a session into the user's minutes, trimming in a fixed, documented order.

Trim order (each step is taken only while the session is still too long):

1. Rests go down to the shortest value that still suits the goal (``dose.rest_s``).
2. The carry drops to a single walk.
3. The warm-up switches to its short version (one round of fewer reps, never skipped: the
   library's guidance is to free the mid back before lifting).
4. The carry is left out (it trains posture and grip, but the rows and flies carry the
   upper-back volume).
5. Working sets come off one at a time, from the exercise with the most sets, the
   single-joint reverse fly before the row on a tie, down to two per exercise.

If the session still does not fit, :class:`SessionTooLong` says how many minutes the
smallest sound session needs.
"""

from __future__ import annotations

from collections.abc import Callable

from upperback.plans.dose import MIN_HARD_SETS_PER_EXERCISE, ExerciseClass, rest_s
from upperback.plans.models import Item
from upperback.plans.profile import Goal
from upperback.plans.timing import item_seconds, session_seconds


class SessionTooLong(Exception):
    """The smallest sound version of the session still needs ``minimum_s`` seconds."""

    def __init__(self, minimum_s: int) -> None:
        super().__init__(minimum_s)
        self.minimum_s = minimum_s


def timed(item: Item, **changes) -> Item:
    """A copy of ``item`` with ``changes`` and its time recomputed."""
    updated = item.model_copy(update=changes)
    return updated.model_copy(update={"seconds": item_seconds(updated)})


def fit_session(items: list[Item], limit_s: int, goal: Goal, short_warm_up: Callable[[Item], Item]
                ) -> tuple[list[Item], list[str]]:
    """The items trimmed until they fit ``limit_s``, with one note per trim made."""
    notes: list[str] = []
    items = list(items)

    def fits() -> bool:
        return session_seconds(items) <= limit_s

    if fits():
        return items, notes

    shortened = False
    for index, item in enumerate(items):
        if item.block in ("main", "carry"):
            shortest = rest_s(goal, item.exercise_class)[0]
            if item.rest_s > shortest:
                items[index] = timed(item, rest_s=shortest)
                shortened = True
    if shortened:
        notes.append("Rests are at the short end of the range for your goal, to fit your time.")
    if fits():
        return items, notes

    carry = next((i for i, item in enumerate(items) if item.exercise_class is ExerciseClass.CARRY), None)
    if carry is not None and items[carry].sets > 1:
        items[carry] = timed(items[carry], sets=1)
        notes.append("One carry instead of several, to fit your time.")
        if fits():
            return items, notes

    warm_up = [i for i, item in enumerate(items) if item.block == "warm-up"]
    for index in warm_up:
        items[index] = short_warm_up(items[index])
    if warm_up:
        notes.append("The short version of the warm-up, to fit your time.")
        if fits():
            return items, notes

    if carry is not None:
        name = items[carry].movement_name
        del items[carry]
        notes.append(f"{name} left out to fit your time; add it on days with a few minutes more.")
        if fits():
            return items, notes

    while not fits():
        main = [i for i, item in enumerate(items)
                if item.hard and item.sets > MIN_HARD_SETS_PER_EXERCISE]
        if not main:
            raise SessionTooLong(session_seconds(items))
        index = max(main, key=lambda i: (items[i].sets, items[i].exercise_class is ExerciseClass.ISOLATION))
        items[index] = timed(items[index], sets=items[index].sets - 1)
    notes.append("Fewer working sets than planned, to fit your time: "
                 + ", ".join(f"{item.variant_name} {item.sets}" for item in items if item.hard) + ".")
    return items, notes
