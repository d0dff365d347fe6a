"""Export the training log as a Strong-style CSV, which Strong-compatible tools can read.

The layout is Strong's common one (``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,
Reps,Distance,Seconds,Notes,Workout Notes,RPE``). Like Strong's own file it names no unit, so every
load is written in one unit (kg by default) and distances in km (miles for lb). Variant ids and
RIR have no column here; the JSON export keeps everything.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import tzinfo
from pathlib import Path

from upperback.files import atomic_write_text
from upperback.store import LoggedSet, SessionRecord, SetType, Store
from upperback.units import METRES_PER, WeightUnit, weight_in

HEADER = [
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
]
SET_ORDER_LETTERS = {SetType.WARMUP: "W", SetType.DROP: "D", SetType.FAILURE: "F"}
LOOSE_WORKOUT_NAME = "upperback log"


def strong_rows(
    sets: list[LoggedSet], sessions: list[SessionRecord], zone: tzinfo, unit: WeightUnit = WeightUnit.KG
) -> list[list[str]]:
    """One CSV row per set; sets without a session are grouped into one workout per day."""
    by_id = {s.id: s for s in sessions}
    first_loose: dict = {}
    normal_count: Counter = Counter()
    rows = []
    for s in sets:
        session = by_id.get(s.session_id)
        if session is None:
            day = s.performed_at.astimezone(zone).date()
            session = first_loose.setdefault(day, SessionRecord(name=LOOSE_WORKOUT_NAME, started_at=s.performed_at))
        workout = (session.started_at, session.name)
        if s.set_type is SetType.NORMAL:
            normal_count[(workout, s.exercise_name)] += 1
        order = SET_ORDER_LETTERS.get(s.set_type) or str(normal_count[(workout, s.exercise_name)])
        rows.append(
            [
                session.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                session.name,
                _duration(session),
                s.exercise_name,
                order,
                _number(_load_in(s, unit), "0"),
                _number(s.reps, "0"),
                _number(
                    s.distance_m / METRES_PER["km" if unit == WeightUnit.KG else "mi"] if s.distance_m else None, "0"
                ),
                _number(s.duration_s, "0"),
                s.notes,
                session.notes,
                _number(s.rpe),
            ]
        )
    return rows


def write_strong_csv(store: Store, path: Path, zone: tzinfo, unit: WeightUnit = WeightUnit.KG) -> int:
    """Write the whole log; returns the number of sets written."""
    rows = strong_rows(store.sets(), store.sessions(), zone, unit)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    atomic_write_text(path, buffer.getvalue())
    return len(rows)


def _load_in(s: LoggedSet, unit: WeightUnit) -> float | None:
    return None if s.load is None else weight_in(s.load, s.load_unit or unit, unit)


def _number(value: float | int | None, missing: str = "") -> str:
    """Strong writes 0 for an unused weight, reps, distance or time column, and nothing for RPE."""
    if value is None:
        return missing
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def _duration(session: SessionRecord) -> str:
    if session.ended_at is None:
        return ""
    minutes = round((session.ended_at - session.started_at).total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"
