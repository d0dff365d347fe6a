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

A session well short of the user's time (:data:`FILL_TOLERANCE_S`) first gets its carry's
walks up to :data:`~upperback.plans.dose.MAX_CARRY_SETS`; more hard sets would go past the
weekly volume planned for the user's level, so a session still short says so rather than
padding it (:func:`fill_session`).
"""

from __future__ import annotations

from collections.abc import Callable

from upperback.plans.dose import MAX_CARRY_SETS, MIN_HARD_SETS_PER_EXERCISE, ExerciseClass, rest_s
from upperback.plans.models import Item
from upperback.plans.profile import Goal
from upperback.plans.timing import item_seconds, session_seconds

FILL_TOLERANCE_S = 5 * 60
"""A session within this of the user's minutes fills them; a shorter one says why it is short."""


class SessionTooLong(Exception):
    """The smallest sound version of the session still needs ``minimum_s`` seconds."""

    def __init__(self, minimum_s: int) -> None:
        super().__init__(minimum_s)
        self.minimum_s = minimum_s


def timed(item: Item, **changes) -> Item:
    """A copy of ``item`` with ``changes`` and its time recomputed."""
    updated = item.model_copy(update=changes)
    return updated.model_copy(update={"seconds": item_seconds(updated)})


def fit_session(
    items: list[Item], limit_s: int, goal: Goal, short_warm_up: Callable[[Item], Item]
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
        main = [i for i, item in enumerate(items) if item.hard and item.sets > MIN_HARD_SETS_PER_EXERCISE]
        if not main:
            raise SessionTooLong(session_seconds(items))
        index = max(main, key=lambda i: (items[i].sets, items[i].exercise_class is ExerciseClass.ISOLATION))
        items[index] = timed(items[index], sets=items[index].sets - 1)
    notes.append(
        "Fewer working sets than planned, to fit your time: "
        + ", ".join(f"{item.variant_name} {item.sets}" for item in items if item.hard)
        + "."
    )
    return items, notes


def fill_session(items: list[Item], limit_s: int, why_short: str) -> tuple[list[Item], list[str]]:
    """The items with carry walks added while they fit ``limit_s``; a note when the session is
    still more than :data:`FILL_TOLERANCE_S` short, ending with ``why_short``."""
    items = list(items)
    notes: list[str] = []
    carry = next((i for i, item in enumerate(items) if item.exercise_class is ExerciseClass.CARRY), None)
    if carry is not None and limit_s - session_seconds(items) > FILL_TOLERANCE_S:
        added = 0
        while items[carry].sets < MAX_CARRY_SETS:
            longer = items[:carry] + [timed(items[carry], sets=items[carry].sets + 1)] + items[carry + 1 :]
            if session_seconds(longer) > limit_s:
                break
            items, added = longer, added + 1
        if added:
            notes.append(f"{items[carry].sets} carries instead of {items[carry].sets - added}, to use your time.")
    used, limit = -(-session_seconds(items) // 60), limit_s // 60
    if limit_s - session_seconds(items) > FILL_TOLERANCE_S:
        notes.append(f"This session takes about {used} of your {limit} minutes: {why_short}")
    return items, notes
