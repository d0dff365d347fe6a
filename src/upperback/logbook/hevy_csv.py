"""Hevy's CSV export (Settings > Export & Import Data > Export Workouts).

Header: ``title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe`` - or ``weight_lbs`` and
``distance_miles`` for imperial accounts. Times look like ``5 Jan 2026, 17:00``; ``set_index``
counts from 0 within an exercise; ``set_type`` is normal, warmup, dropset or failure.
"""

from __future__ import annotations

from upperback.logbook.parsed import ParsedSet, ReadOptions, cell, positive
from upperback.logbook.values import ValueProblem, local_datetime, metres, number, whole_number

FORMAT = "hevy"
SET_TYPES = {"normal": "normal", "warmup": "warmup", "dropset": "drop", "failure": "failure", "": "normal"}


def matches(headers: set[str]) -> bool:
    return {"title", "start_time", "exercise_title", "set_type"} <= headers


def read_row(row: dict[str, str], line: int, options: ReadOptions) -> ParsedSet | None:
    kind = (cell(row, "set_type") or "").lower()
    if kind not in SET_TYPES:
        raise ValueProblem(f"set_type '{kind}' is not normal, warmup, dropset or failure")
    end = cell(row, "end_time")
    load, load_unit = _load(row)
    exercise = cell(row, "exercise_title")
    if not exercise:
        raise ValueProblem("exercise_title is empty")
    parsed = ParsedSet(
        line=line,
        workout_name=cell(row, "title") or "Workout",
        started_at=local_datetime(cell(row, "start_time") or "", options.zone, "start_time"),
        ended_at=local_datetime(end, options.zone, "end_time") if end else None,
        workout_notes=cell(row, "description") or "",
        exercise_name=exercise,
        set_type=SET_TYPES[kind],
        reps=whole_number(cell(row, "reps"), "reps") or None,
        load=load,
        load_unit=load_unit if load else None,
        duration_s=positive(number(cell(row, "duration_seconds"), "duration_seconds")),
        distance_m=positive(_distance(row)),
        rpe=number(cell(row, "rpe"), "rpe"),
        notes=cell(row, "exercise_notes") or "",
    )
    return None if parsed.is_empty else parsed


def _load(row: dict[str, str]) -> tuple[float | None, str]:
    if "weight_lbs" in row:
        return positive(number(row["weight_lbs"], "weight_lbs")), "lb"
    return positive(number(cell(row, "weight_kg"), "weight_kg")), "kg"


def _distance(row: dict[str, str]) -> float | None:
    if "distance_miles" in row:
        return metres(number(row["distance_miles"], "distance_miles"), "mi")
    return metres(number(cell(row, "distance_km"), "distance_km"), "km")
