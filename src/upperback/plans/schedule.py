"""The shape of a week and of a block: which days train, which are mobility days, which week
deloads.

ACSM 2009: a muscle group is trained 2-3 days a week by novices and up to 4 by trained
lifters, with about 48 h before it works hard again; so training days are spread out and any
further days the user offers become short mobility days. Bell et al. 2023: deload every few
weeks, sooner for more advanced lifters (``dose.DELOAD_EVERY_WEEKS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from upperback.library import Level
from upperback.plans.dose import DELOAD_EVERY_WEEKS, TRAINING_DAYS_CAP
from upperback.plans.profile import Profile

# Offsets from the first day of the week (0 = the start day), at least one rest day between
# hard sessions where the number of days allows it.
TRAINING_OFFSETS = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 2, 4, 6)}
MOBILITY_OFFSET_ORDER = (1, 3, 5, 6, 2, 4)


@dataclass(frozen=True)
class DaySlot:
    offset_days: int
    kind: Literal["training", "mobility"]
    label: str = "A"


def training_days(profile: Profile) -> int:
    """Hard upper-back days per week: what the user offers, capped by level."""
    return min(profile.days_per_week, TRAINING_DAYS_CAP[profile.level])


def week_layout(profile: Profile) -> list[DaySlot]:
    """The week's days in calendar order. Trained lifters alternate A and B days (B uses the
    week's second variant of each exercise); beginners repeat one session to learn it."""
    count = training_days(profile)
    offsets = TRAINING_OFFSETS[count]
    slots = []
    for index, offset in enumerate(offsets):
        label = "B" if index % 2 and profile.level is not Level.BEGINNER else "A"
        slots.append(DaySlot(offset, "training", label))
    spare = [o for o in MOBILITY_OFFSET_ORDER if o not in offsets][: profile.days_per_week - count]
    slots += [DaySlot(offset, "mobility") for offset in spare]
    return sorted(slots, key=lambda slot: slot.offset_days)


def deload_every(level: Level) -> int:
    return DELOAD_EVERY_WEEKS[level]


def is_scheduled_deload(week: int, level: Level) -> bool:
    """Whether week ``week`` (1-based) is a planned deload week."""
    return week % deload_every(level) == 0


def week_in_block(week: int, level: Level) -> int:
    """1-based position of a week within its block (the deload week is the last one)."""
    return (week - 1) % deload_every(level) + 1
