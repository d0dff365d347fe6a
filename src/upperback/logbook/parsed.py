"""What the CSV readers produce: one parsed set per row, before names are mapped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from upperback.logged_set import LoggedSet
from upperback.units import WeightUnit


@dataclass(frozen=True)
class ReadOptions:
    """How to read values an export leaves implicit.

    ``zone``: the time zone the app wrote its wall-clock times in. ``weight_unit``: the unit of a
    weight column that does not name one (Strong's common layout writes the user's unit without
    saying which); distances in such files are taken as km for kg and miles for lb.
    """

    zone: tzinfo
    weight_unit: WeightUnit = WeightUnit.KG
    day_first: bool | None = None
    """How the file writes numeric dates (found by :func:`upperback.logbook.values.day_first`)."""

    @property
    def distance_unit(self) -> str:
        """The unit of a distance column that names none: km beside kg, miles beside lb."""
        return "km" if self.weight_unit == WeightUnit.KG else "mi"


@dataclass(frozen=True)
class WeightSource:
    """Where an export says the unit of its weights: a header (``Weight (lbs)``, ``weight_kg``),
    or a column beside the weight (``Weight Unit``, ``unit`` None: the unit varies by row)."""

    column: str
    unit: WeightUnit | None


@dataclass(frozen=True)
class ParsedSet:
    """One row of another app's export: the set it holds, and the workout it names."""

    line: int
    workout_name: str
    started_at: datetime
    ended_at: datetime | None
    workout_notes: str
    set: LoggedSet
    """The set as read: performed at the workout's start, no movement mapped yet (the importer maps it)."""

    @property
    def workout_key(self) -> tuple[datetime, str]:
        return self.started_at, self.workout_name

    def problem(self) -> str | None:
        """What makes this set impossible (a number outside :mod:`upperback.limits`), or None."""
        return "; ".join(self.set.problems()) or None

    @property
    def is_empty(self) -> bool:
        """A row with nothing performed in it (a note or a placeholder)."""
        s = self.set
        return not any((s.reps, s.load, s.duration_s, s.distance_m))


def weight_source(
    headers: set[str], columns: dict[str, WeightUnit], unit_column: str = "weight unit"
) -> WeightSource | None:
    """The first of ``columns`` (header -> unit) in ``headers``, else the per-row unit column; None if neither."""
    for column, column_unit in columns.items():
        if column in headers:
            return WeightSource(column, column_unit)
    return WeightSource(unit_column, None) if unit_column in headers else None


def cell(row: dict[str, str], *names: str) -> str | None:
    """The first of ``names`` present in the row (header names are lower-case); None if none is."""
    for name in names:
        if name in row:
            return (row[name] or "").strip()
    return None


def positive(value: float | None) -> float | None:
    """Apps write 0 for "not used" (no weight, no distance); keep only real amounts."""
    return value if value else None
