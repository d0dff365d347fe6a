"""FitNotes' CSV export (Settings > Spreadsheet Export > Workout Data).

Header: ``Date,Exercise,Category,Weight (kgs),Reps,Distance,Distance Unit,Time,Comment`` (or
``Weight (lbs)``); newer versions write ``Weight,Weight Unit`` with ``kgs``/``lbs`` instead.
Dates are ``2024-06-01`` without a time, Time is ``0:01:30``. One workout per date.
"""

from __future__ import annotations

from upperback.logbook.parsed import ParsedSet, ReadOptions, cell, positive
from upperback.logbook.values import ValueProblem, duration_s, local_datetime, metres, number, unit, whole_number

FORMAT = "fitnotes"
WORKOUT_NAME = "FitNotes workout"
_WEIGHT_COLUMNS = {"weight (kgs)": "kg", "weight (kg)": "kg", "weight (lbs)": "lb", "weight (lb)": "lb"}


def matches(headers: set[str]) -> bool:
    has_weight = "weight" in headers or bool(headers & set(_WEIGHT_COLUMNS))
    return {"date", "exercise", "category", "reps"} <= headers and has_weight


def read_row(row: dict[str, str], line: int, options: ReadOptions) -> ParsedSet | None:
    exercise = cell(row, "exercise")
    if not exercise:
        raise ValueProblem("Exercise is empty")
    load, load_unit = _load(row, options)
    named_unit = cell(row, "distance unit")
    distance_unit = unit(named_unit, "Distance Unit") if named_unit else ("km" if options.weight_unit == "kg" else "mi")
    distance = number(cell(row, "distance"), "Distance")
    parsed = ParsedSet(
        line=line,
        workout_name=WORKOUT_NAME,
        started_at=local_datetime(cell(row, "date") or "", options.zone, "Date"),
        ended_at=None,
        workout_notes="",
        exercise_name=exercise,
        reps=whole_number(cell(row, "reps"), "Reps") or None,
        load=load,
        load_unit=load_unit if load else None,
        duration_s=positive(duration_s(cell(row, "time"), "Time")),
        distance_m=positive(metres(distance, distance_unit)),
        notes=cell(row, "comment") or "",
    )
    return None if parsed.is_empty else parsed


def _load(row: dict[str, str], options: ReadOptions) -> tuple[float | None, str]:
    for column, column_unit in _WEIGHT_COLUMNS.items():
        if column in row:
            return positive(number(row[column], column)), column_unit
    named = cell(row, "weight unit")
    return positive(number(cell(row, "weight"), "Weight")), unit(named, "Weight Unit") if named else options.weight_unit
