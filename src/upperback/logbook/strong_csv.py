"""Strong's CSV export ("Export Workout Data" in Strong's settings).

Layouts seen in real exports (one row per set, comma- or semicolon-separated):

* ``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,
  Workout Notes,RPE`` - the weight is in the user's unit, which the file does not name;
  Duration is like ``1h 5m``.
* ``Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;
  Seconds;Notes;Workout Notes;Workout Duration`` - older, with unit columns.
* ``"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";"Weight (kg)";
  "Reps";"Distance (meters)";"Seconds";"Notes";"Workout Notes";"RPE"`` - Strong 6 (2025), units in
  the headers, plus "Rest Timer" rows and exercise-note rows that are not sets.

``Set Order`` is the set number, or ``W`` (warm-up), ``D`` (drop set), ``F`` (failure); Strong 6
writes ``WARM_UP``, ``DROP_SET`` and ``FAILURE``. Dates may be on a 12-hour clock
(``2025-03-03 7:30:00\u202fPM``).
"""

from __future__ import annotations

from datetime import timedelta

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
from upperback.logged_set import LoggedSet, SetType
from upperback.units import WeightUnit

DATE_COLUMNS = ("date",)
FORMAT = "strong"
SET_TYPES = {
    "w": SetType.WARMUP,
    "warm_up": SetType.WARMUP,
    "warmup": SetType.WARMUP,
    "d": SetType.DROP,
    "drop_set": SetType.DROP,
    "dropset": SetType.DROP,
    "f": SetType.FAILURE,
    "failure": SetType.FAILURE,
    "normal": SetType.NORMAL,
}
NOT_A_SET = {"rest timer", "note", "notes"}
_WEIGHT_COLUMNS = {
    "weight (kg)": WeightUnit.KG,
    "weight (kgs)": WeightUnit.KG,
    "weight (lbs)": WeightUnit.LB,
    "weight (lb)": WeightUnit.LB,
}
_DISTANCE_COLUMNS = {
    "distance (meters)": "m",
    "distance (m)": "m",
    "distance (km)": "km",
    "distance (miles)": "mi",
    "distance (mi)": "mi",
    "distance (feet)": "ft",
}


def matches(headers: set[str]) -> bool:
    return {"date", "exercise name", "set order"} <= headers


def weight_column(headers: set[str]) -> WeightSource | None:
    """Where this file names its weight unit; None for the classic layout, which names none."""
    return weight_source(headers, _WEIGHT_COLUMNS)


def read_row(row: dict[str, str], line: int, options: ReadOptions) -> ParsedSet | None:
    """The set on one row, or None for rows that are not sets (rest timers, notes, empty rows)."""
    order = (cell(row, "set order") or "").strip()
    if order.lower() in NOT_A_SET:
        return None
    started = local_datetime(cell(row, "date") or "", options.zone, "Date", options.day_first)
    length = _workout_length(row)
    load, load_unit = _load(row, options)
    parsed = ParsedSet(
        line=line,
        workout_name=cell(row, "workout name") or "Workout",
        started_at=started,
        ended_at=started + timedelta(seconds=length) if length else None,
        workout_notes=cell(row, "workout notes") or "",
        set=LoggedSet(
            performed_at=started,
            exercise_id=None,
            exercise_name=_required(cell(row, "exercise name"), "Exercise Name"),
            set_type=_set_type(order),
            reps=whole_number(cell(row, "reps"), "Reps") or None,
            load=load,
            load_unit=load_unit if load else None,
            duration_s=positive(number(cell(row, "seconds"), "Seconds")),
            distance_m=positive(_distance(row, options)),
            rpe=number(cell(row, "rpe"), "RPE"),
            notes=cell(row, "notes") or "",
        ),
    )
    return None if parsed.is_empty and not order else parsed  # an exercise note, not a set


def _set_type(order: str) -> SetType:
    if order.isdigit() or not order:
        return SetType.NORMAL
    kind = SET_TYPES.get(order.lower())
    if kind is None:
        raise ValueProblem(f"Set Order '{order}' is neither a set number nor W, D or F (WARM_UP, DROP_SET, FAILURE)")
    return kind


def _workout_length(row: dict[str, str]) -> float | None:
    if "duration (sec)" in row:
        return number(row["duration (sec)"], "Duration (sec)")
    return duration_s(cell(row, "duration", "workout duration"), "Duration")


def _load(row: dict[str, str], options: ReadOptions) -> tuple[float | None, WeightUnit]:
    for column, column_unit in _WEIGHT_COLUMNS.items():
        if column in row:
            return positive(number(row[column], column)), column_unit
    value = positive(number(cell(row, "weight"), "Weight"))
    if value is None:
        return None, options.weight_unit
    return value, weight_unit(cell(row, "weight unit"), "Weight Unit", options.weight_unit)


def _distance(row: dict[str, str], options: ReadOptions) -> float | None:
    for column, column_unit in _DISTANCE_COLUMNS.items():
        if column in row:
            return metres(number(row[column], column), column_unit)
    distance = positive(number(cell(row, "distance"), "Distance"))
    if distance is None:
        return None
    return metres(distance, distance_unit(cell(row, "distance unit"), "Distance Unit", options.distance_unit))


def _required(value: str | None, column: str) -> str:
    if not value:
        raise ValueProblem(f"{column} is empty")
    return value
