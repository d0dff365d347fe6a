"""What a movement module returns to ``analyze()``."""

from __future__ import annotations

from dataclasses import dataclass, field

from upperback.arrays import AnyArray
from upperback.form.report import FaultEvent, Rep


@dataclass(frozen=True)
class MovementResult:
    """What a movement module finds in a set: reps, faults, set metrics, skipped checks, notes and
    shots; for a movement counted in steps rather than reps (the carry), the steps' times."""

    reps: list[Rep]
    faults: list[FaultEvent]
    metrics: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the report's warnings (cuts, uncounted reps)
    shots: list[tuple[float, float]] = field(default_factory=list)
    step_times_s: AnyArray | None = None
