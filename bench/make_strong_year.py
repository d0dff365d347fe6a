"""Write a year of a real-looking Strong export (seeded): the input for bench/log_speed.py and tests.

About three workouts a week (some missed, a few extra), rotating three workouts with Strong's
exercise names, library movements among them (rows, reverse flies, band pull-aparts, farmer's
walks, cat-cow, open books) and many that are not (bench press, squats, curls, ...). Loads climb
slowly with noise and a lighter week every sixth week; big lifts get warm-up sets (``W``), some
last sets are taken to failure (``F``) or followed by a drop set (``D``); RPE is logged now and
then. The layout is Strong's common one (comma-separated, weights in kg without a unit column).

Usage: python bench/make_strong_year.py OUT.csv [--seed 7] [--weeks 52] [--start 2024-01-01]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

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


@dataclass(frozen=True)
class Lift:
    """One exercise in a workout: Strong's name, how it is loaded and how fast it progresses."""

    name: str
    start_kg: float
    kg_per_week: float
    step_kg: float
    sets: int
    reps: tuple[int, int]
    warmups: int = 0
    seconds: int = 0
    distance_km: float = 0.0


WORKOUTS: dict[str, list[Lift]] = {
    "Upper A": [
        Lift("Bench Press (Barbell)", 60, 0.45, 2.5, 3, (5, 8), warmups=2),
        Lift("Bent Over Row (Barbell)", 50, 0.4, 2.5, 4, (6, 10), warmups=1),
        Lift("Overhead Press (Barbell)", 35, 0.2, 2.5, 3, (5, 8), warmups=1),
        Lift("Reverse Fly (Dumbbell)", 5, 0.04, 1, 3, (12, 15)),
        Lift("Face Pull (Cable)", 20, 0.1, 2.5, 3, (12, 15)),
        Lift("Bicep Curl (Dumbbell)", 10, 0.06, 1, 3, (8, 12)),
    ],
    "Lower": [
        Lift("Thoracic Rotation", 0, 0, 1, 2, (8, 10)),
        Lift("Squat (Barbell)", 80, 0.6, 2.5, 3, (5, 6), warmups=2),
        Lift("Romanian Deadlift (Barbell)", 70, 0.5, 2.5, 3, (8, 10), warmups=1),
        Lift("Farmers Walk", 24, 0.15, 2, 3, (0, 0), seconds=45, distance_km=0.04),
        Lift("Plank", 0, 0, 1, 3, (0, 0), seconds=60),
        Lift("Cat Cow", 0, 0, 1, 2, (8, 10)),
    ],
    "Upper B": [
        Lift("Incline Bench Press (Dumbbell)", 22, 0.12, 1, 3, (8, 10)),
        Lift("Bent Over Row (Dumbbell)", 22, 0.15, 1, 3, (8, 12)),
        Lift("Lat Pulldown (Cable)", 50, 0.3, 2.5, 3, (8, 12)),
        Lift("Seated Row (Cable)", 45, 0.3, 2.5, 3, (10, 12)),
        Lift("Band Pull Apart", 0, 0, 1, 3, (15, 20)),
        Lift("Triceps Pushdown (Cable)", 20, 0.1, 2.5, 3, (10, 12)),
    ],
}
TRAINING_DAYS = (0, 2, 4)  # Monday, Wednesday, Friday
NOTES = ["felt strong", "slept badly", "grip gave out", "new belt", "left shoulder a bit stiff"]


def generate(seed: int = 7, weeks: int = 52, start: date = date(2024, 1, 1)) -> str:
    """The CSV text of ``weeks`` weeks of training starting on ``start`` (a Monday is best)."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    rotation = list(WORKOUTS)
    workout_number = 0
    for week in range(weeks):
        days = [d for d in TRAINING_DAYS if rng.random() > 0.08]
        if rng.random() < 0.12:
            days.append(5)  # an extra Saturday session
        deload = week % 6 == 5
        for weekday in days:
            name = rotation[workout_number % len(rotation)]
            workout_number += 1
            began = datetime.combine(start + timedelta(weeks=week, days=weekday), datetime.min.time()) + timedelta(
                hours=rng.choice((7, 12, 17, 18, 19)), minutes=rng.randrange(60), seconds=rng.randrange(60)
            )
            rows += _workout(rng, name, began, week, deload)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def _workout(rng: random.Random, name: str, began: datetime, week: int, deload: bool) -> list[list[str]]:
    minutes = rng.randrange(45, 80)
    duration = f"{minutes // 60}h {minutes % 60}m" if minutes >= 60 else f"{minutes}m"
    when = began.strftime("%Y-%m-%d %H:%M:%S")
    workout_note = rng.choice(["", "", "", "Good session"])
    rows = []
    for lift in WORKOUTS[name]:
        work_kg = _work_load(rng, lift, week, deload)
        sets: list[tuple[str, float, int, str]] = []
        for w in range(lift.warmups):
            sets.append(("W", _round(work_kg * (0.4 + 0.2 * w), lift.step_kg), rng.randrange(5, 9), ""))
        low, high = lift.reps
        for n in range(1, lift.sets + 1):
            reps = rng.randint(low, high) if high else 0
            sets.append((str(n), work_kg, reps, _rpe(rng, n, lift)))
        if lift.warmups and rng.random() < 0.1:
            sets[-1] = ("F", work_kg, max(1, sets[-1][2] - 1), "10")
        if high and rng.random() < 0.06 and work_kg:
            sets.append(("D", _round(work_kg * 0.7, lift.step_kg), high, ""))
        for order, kg, reps, rpe in sets:
            note = rng.choice(NOTES) if rng.random() < 0.02 else ""
            rows.append(
                [
                    when,
                    name,
                    duration,
                    lift.name,
                    order,
                    _number(kg),
                    str(reps),
                    _number(lift.distance_km),
                    str(lift.seconds),
                    note,
                    workout_note,
                    rpe,
                ]
            )
    return rows


def _work_load(rng: random.Random, lift: Lift, week: int, deload: bool) -> float:
    if not lift.start_kg:
        return 0.0
    load = lift.start_kg + lift.kg_per_week * week + rng.gauss(0, lift.step_kg * 0.4)
    return _round(load * (0.9 if deload else 1.0), lift.step_kg)


def _rpe(rng: random.Random, set_number: int, lift: Lift) -> str:
    if not lift.start_kg or rng.random() > 0.3:
        return ""
    return f"{min(10.0, 7 + 0.5 * set_number + rng.choice((0, 0.5))):g}"


def _round(kg: float, step: float) -> float:
    return round(kg / step) * step


def _number(value: float) -> str:
    return f"{value:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2024, 1, 1))
    args = parser.parse_args()
    text = generate(args.seed, args.weeks, args.start)
    args.output.write_text(text, encoding="utf-8")
    print(f"Wrote {text.count(chr(10)) - 1} rows to {args.output}")


if __name__ == "__main__":
    main()
