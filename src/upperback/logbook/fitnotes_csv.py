"""FitNotes' CSV export (Settings > Spreadsheet Export > Workout Data).

Header: ``Date,Exercise,Category,Weight (kgs),Reps,Distance,Distance Unit,Time,Comment`` (or
``Weight (lbs)``); newer versions write ``Weight,Weight Unit`` with ``kgs``/``lbs`` instead.
Dates are ``2024-06-01`` without a time, Time is ``0:01:30``. One workout per date; every row is
a set. Cardio rows leave the weight empty and may carry a stray unit (``kg``) beside a zero
distance. An exercise name holding an unquoted comma (``Curl, Hammer``) gives the row one field
too many: :data:`FREE_TEXT_COLUMN` says which column takes the surplus, read from the right.
"""

from __future__ import annotations

from upperback.logbook.parsed import ParsedSet, ReadOptions, WeightSource, cell, positive, weight_source
from upperback.logbook.values import (
    ValueProblem,
    distance_unit,
    duration_s,
    local_datetime,
    metres,
    number,
    weight_unit,
    whole_number,
)
from upperback.logged_set import LoggedSet
from upperback.units import WeightUnit

DATE_COLUMNS = ("date",)
FORMAT = "fitnotes"
WORKOUT_NAME = "FitNotes workout"
FREE_TEXT_COLUMN = "exercise"
_WEIGHT_COLUMNS = {
    "weight (kgs)": WeightUnit.KG,
    "weight (kg)": WeightUnit.KG,
    "weight (lbs)": WeightUnit.LB,
    "weight (lb)": WeightUnit.LB,
}


def matches(headers: set[str]) -> bool:
    has_weight = "weight" in headers or bool(headers & set(_WEIGHT_COLUMNS))
    return {"date", "exercise", "category", "reps"} <= headers and has_weight


def weight_column(headers: set[str]) -> WeightSource | None:
    return weight_source(headers, _WEIGHT_COLUMNS)


def read_row(row: dict[str, str], line: int, options: ReadOptions) -> ParsedSet | None:
    exercise = cell(row, "exercise")
    if not exercise:
        raise ValueProblem("Exercise is empty")
    load, load_unit = _load(row, options)
    distance = positive(number(cell(row, "distance"), "Distance"))
    if distance is not None:
        distance = metres(distance, distance_unit(cell(row, "distance unit"), "Distance Unit", options.distance_unit))
    day = local_datetime(cell(row, "date") or "", options.zone, "Date", options.day_first)
    parsed = ParsedSet(
        line=line,
        workout_name=WORKOUT_NAME,
        started_at=day,
        ended_at=None,
        workout_notes="",
        set=LoggedSet(
            performed_at=day,
            exercise_id=None,
            exercise_name=exercise,
            reps=whole_number(cell(row, "reps"), "Reps") or None,
            load=load,
            load_unit=load_unit if load else None,
            duration_s=positive(duration_s(cell(row, "time"), "Time")),
            distance_m=distance,
            notes=cell(row, "comment") or "",
        ),
    )
    return parsed


def _load(row: dict[str, str], options: ReadOptions) -> tuple[float | None, WeightUnit]:
    for column, column_unit in _WEIGHT_COLUMNS.items():
        if column in row:
            return positive(number(row[column], column)), column_unit
    value = positive(number(cell(row, "weight"), "Weight"))
    if value is None:
        return None, options.weight_unit
    return value, weight_unit(cell(row, "weight unit"), "Weight Unit", options.weight_unit)
