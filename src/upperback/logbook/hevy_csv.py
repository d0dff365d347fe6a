"""Hevy's CSV export (Settings > Export & Import Data > Export Workouts).

Header: ``title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe`` - or ``weight_lbs`` and
``distance_miles`` for imperial accounts. Times look like ``5 Jan 2026, 17:00``; ``set_index``
counts from 0 within an exercise; ``set_type`` is normal, warmup, dropset or failure. US
locales write times like ``Jun 11, 2026, 1:01 PM``.

A spreadsheet that re-saves the file (``;``, no quotes, no ``superset_id``) splits exercise notes
that hold line breaks into rows of their own; :func:`repair` joins them back to their set.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from upperback.logbook.parsed import ParsedSet, ReadOptions, WeightSource, cell, positive, weight_source
from upperback.logbook.values import ValueProblem, local_datetime, looks_like_date, metres, number, whole_number
from upperback.logged_set import LoggedSet, SetType
from upperback.units import WeightUnit

DATE_COLUMNS = ("start_time", "end_time")
FORMAT = "hevy"
SET_TYPES = {
    "normal": SetType.NORMAL,
    "warmup": SetType.WARMUP,
    "dropset": SetType.DROP,
    "failure": SetType.FAILURE,
    "": SetType.NORMAL,
}
_WEIGHT_COLUMNS = {"weight_kg": WeightUnit.KG, "weight_lbs": WeightUnit.LB}
_SET_COLUMNS = (
    "set_index",
    "set_type",
    "weight_kg",
    "weight_lbs",
    "reps",
    "distance_km",
    "distance_miles",
    "duration_seconds",
    "rpe",
)


def matches(headers: set[str]) -> bool:
    return {"title", "start_time", "exercise_title", "set_type"} <= headers


def weight_column(headers: set[str]) -> WeightSource | None:
    return weight_source(headers, _WEIGHT_COLUMNS)


def repair(headers: list[str], records: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """Join rows a spreadsheet split off a set (notes with line breaks) back onto it.

    A split set is a row with its title and time but nothing after ``exercise_notes``; each row
    after it whose ``start_time`` is not a date carries one more line of the note in its first
    field and, on the last of them, the set's remaining columns.
    """
    if "exercise_notes" not in headers:
        yield from records
        return
    notes_at, time_at = headers.index("exercise_notes"), headers.index("start_time")
    tail = len(headers) - notes_at - 1
    pending: tuple[int, list[str]] | None = None
    for line, fields in records:
        if pending is not None and len(fields) == len(headers) and not looks_like_date(fields[time_at]):
            start, split = pending
            note_line = fields[0].strip().strip('"')
            notes = split[notes_at]
            if note_line and note_line not in notes.splitlines():
                notes = f"{notes}\n{note_line}" if notes else note_line
            rest = fields[1 : 1 + tail]
            if any(f.strip() for f in rest):
                yield start, split[:notes_at] + [notes] + rest
                pending = None
            else:
                pending = start, split[:notes_at] + [notes] + split[notes_at + 1 :]
            continue
        if pending is not None:
            yield pending
            pending = None
        if (
            len(fields) == len(headers)
            and looks_like_date(fields[time_at])
            and not any(f.strip() for f in fields[notes_at + 1 :])
        ):
            pending = line, fields
        else:
            yield line, fields
    if pending is not None:
        yield pending


def read_row(row: dict[str, str], line: int, options: ReadOptions) -> ParsedSet | None:
    kind = (cell(row, "set_type") or "").lower()
    if not kind and not any(cell(row, column) for column in _SET_COLUMNS):
        return None  # a row with no set in it (a note a spreadsheet split off)
    if kind not in SET_TYPES:
        raise ValueProblem(f"set_type '{kind}' is not normal, warmup, dropset or failure")
    end = cell(row, "end_time")
    load, load_unit = _load(row)
    exercise = cell(row, "exercise_title")
    if not exercise:
        raise ValueProblem("exercise_title is empty")
    started = local_datetime(cell(row, "start_time") or "", options.zone, "start_time", options.day_first)
    ended = local_datetime(end, options.zone, "end_time", options.day_first) if end else None
    if ended is not None and ended < started:
        ended = None  # an edited workout can end "before" it began; the sets themselves are fine
    parsed = ParsedSet(
        line=line,
        workout_name=cell(row, "title") or "Workout",
        started_at=started,
        ended_at=ended,
        workout_notes=_text(cell(row, "description")),
        set=LoggedSet(
            performed_at=started,
            exercise_id=None,
            exercise_name=exercise,
            set_type=SET_TYPES[kind],
            reps=whole_number(cell(row, "reps"), "reps") or None,
            load=load,
            load_unit=load_unit if load else None,
            duration_s=positive(number(cell(row, "duration_seconds"), "duration_seconds")),
            distance_m=positive(_distance(row)),
            rpe=number(cell(row, "rpe"), "rpe"),
            notes=_text(cell(row, "exercise_notes")),
        ),
    )
    return parsed


def _text(value: str | None) -> str:
    """Free text with its line breaks: Hevy writes them as a backslash and ``n``."""
    return (value or "").replace("\\n", "\n")


def _load(row: dict[str, str]) -> tuple[float | None, WeightUnit]:
    if "weight_lbs" in row:
        return positive(number(row["weight_lbs"], "weight_lbs")), WeightUnit.LB
    return positive(number(cell(row, "weight_kg"), "weight_kg")), WeightUnit.KG


def _distance(row: dict[str, str]) -> float | None:
    if "distance_miles" in row:
        return metres(number(row["distance_miles"], "distance_miles"), "mi")
    return metres(number(cell(row, "distance_km"), "distance_km"), "km")
