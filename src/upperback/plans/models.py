"""The shapes a plan is made of: items, sessions, weeks, programmes.

They are pydantic models so that a programme saves to the store as a JSON document
(``model_dump(mode="json")``) and loads back with ``model_validate``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from upperback.plans.dose import ExerciseClass, Span, Tempo
from upperback.plans.profile import Profile

Block = Literal["warm-up", "main", "carry", "desk-break"]
Implement = Literal["barbell", "dumbbell", "kettlebell", "band", "household", "bodyweight"]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reason(Frozen):
    """One choice and why it was made, in one line."""

    topic: str
    text: str


class Load(Frozen):
    """What to hold: a weight in kg, a named band, a household object or nothing."""

    implement: Implement
    kg: float | None = None
    band: str | None = None
    text: str


class Item(Frozen):
    """One exercise of a session with everything needed to do it.

    ``work`` is reps (``unit == "reps"``) or seconds (``"s"``) per set; for ``per_side``
    variants it counts for each side. ``hard`` marks working sets that count toward weekly
    volume. ``seconds`` is the time the item takes, rest between its sets included.
    """

    movement_id: str
    movement_name: str
    variant_id: str
    variant_name: str
    block: Block
    exercise_class: ExerciseClass
    sets: int = Field(ge=1)
    work: Span
    unit: Literal["reps", "s"]
    per_side: bool = False
    rest_s: int = Field(ge=0)
    tempo: Tempo | None = None
    tempo_step: int = 0
    pace_s: float | None = Field(default=None, description="Seconds per rep of a drill without a tempo.")
    rir: int | None = None
    load: Load | None = None
    hard: bool = False
    ramp_up: str | None = None
    cues: list[str] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list)
    seconds: int = 0

    @property
    def dose_text(self) -> str:
        side = " per side" if self.per_side else ""
        amount = f"{self.work} reps" if self.unit == "reps" else f"{self.work} s"
        return f"{self.sets} × {amount}{side}"


class PlannedSession(Frozen):
    """One day's work, in coaching order, with notes on anything trimmed or left out."""

    title: str
    kind: Literal["training", "mobility"] = "training"
    week: int = 1
    day: int = 1
    label: str = "A"
    deload: bool = False
    minutes_available: int
    items: list[Item]
    notes: list[str] = Field(default_factory=list)
    seconds: int = Field(default=0, description="Estimated duration, rests and set-up included.")

    @property
    def minutes(self) -> int:
        return -(-self.seconds // 60)

    def summary(self) -> str:
        """A one-line summary, e.g. for a calendar event title."""
        names = ", ".join(item.variant_name for item in self.items if item.block != "warm-up")
        kind = "deload" if self.deload else self.kind
        return f"{self.title} ({kind}, about {self.minutes} min): {names or 'mobility'}"


class PlannedDay(Frozen):
    offset_days: int = Field(ge=0, le=6, description="Days after the start of the week.")
    session: PlannedSession


class Week(Frozen):
    number: int
    deload: bool
    deload_reason: str | None = None
    rir: int
    days: list[PlannedDay]
    back_sets: dict[str, float] = Field(description="Weekly hard sets per muscle (synergists half).")


class Rule(Frozen):
    """A programming rule as the user reads it, with its published source."""

    topic: str
    text: str
    source: str


class DeskBreak(Frozen):
    name: str
    when: str
    items: list[Item]
    seconds: int


class Programme(Frozen):
    """A multi-week plan built from a profile (and the training log, when there is one)."""

    created_at: datetime
    profile: Profile
    weeks: list[Week]
    rules: list[Rule]
    desk_breaks: list[DeskBreak] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def days(self) -> list[tuple[Week, PlannedDay]]:
        """Every planned day in order."""
        return [(week, day) for week in self.weeks for day in week.days]
