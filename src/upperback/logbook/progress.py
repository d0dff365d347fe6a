"""Progress from the training log: estimated 1RM, weekly hard sets per muscle, records, form trend.

Pure functions: logged sets (and linked form analyses) in, dataclasses out.

Notes
-----
Estimated 1RM uses Brzycki, ``load * 36 / (37 - reps)``, for 2-10 reps and Epley,
``load * (1 + reps / 30)``, for 11-12 reps; a single is its own 1RM. The two formulas give the
same value at exactly 10 reps (4/3 of the load), so the switch leaves no step. Brzycki is the
more conservative below 10 reps; above 10 its denominator shrinks fast and overshoots, where
Epley grows linearly. Sets of more than 12 reps predict a 1RM poorly and are left out, as are
warm-up sets and sets without load.

Weekly volume counts hard sets: every set except warm-ups, and except sets logged as easy
(RPE below 6 or more than 4 reps in reserve). A set counts 1 for each muscle the library lists as
a target of the movement and 0.5 for each synergist; stabilisers do not count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from upperback.library import Library, Role
from upperback.store import FormAnalysisRecord, LoggedSet, SetType

MAX_E1RM_REPS = 12
BIN_WEEKS = (1, 2, 4, 13, 26, 52)
MAX_BINS = 26
"""Bars a weekly chart keeps: about 13 px each on a 360 px phone, so a month shows weeks and five
years show half-years (the bin is the smallest of :data:`BIN_WEEKS` that fits)."""
TOP_RECORDS = 15
ROLE_WEIGHT = {Role.TARGET: 1.0, Role.SYNERGIST: 0.5}
EASY_RPE_BELOW = 6.0
EASY_RIR_ABOVE = 4.0


def estimated_1rm(load_kg: float, reps: int) -> float | None:
    """Estimated one-rep max from a set (see module notes); None outside 1-12 reps."""
    if load_kg <= 0 or not 1 <= reps <= MAX_E1RM_REPS:
        return None
    if reps == 1:
        return load_kg
    if reps <= 10:
        return load_kg * 36.0 / (37.0 - reps)
    return load_kg * (1.0 + reps / 30.0)


def exercise_key(s: LoggedSet) -> str:
    """Sets group by variant (a barbell row and a dumbbell row are different lifts), else by library
    movement; unmapped imported names group by their own name."""
    return s.variant_id or s.exercise_id or s.exercise_name


def is_hard_set(s: LoggedSet) -> bool:
    if s.set_type is SetType.WARMUP:
        return False
    if s.rpe is not None and s.rpe < EASY_RPE_BELOW:
        return False
    return not (s.rir is not None and s.rir > EASY_RIR_ABOVE)


@dataclass(frozen=True)
class E1rmPoint:
    day: date
    e1rm_kg: float
    load_kg: float
    reps: int


@dataclass(frozen=True)
class WeekVolume:
    week_start: date
    """The Monday of the ISO week."""
    hard_sets: dict[str, float]
    """muscle id -> hard sets (synergists at half)."""


@dataclass(frozen=True)
class PersonalRecord:
    exercise: str
    kind: str
    """e1rm, heaviest, most_reps, best_set_volume or longest."""
    value: float
    unit: str
    day: date
    detail: str


@dataclass(frozen=True)
class FaultPoint:
    analyzed_at: datetime
    rep_count: int
    rates: dict[str, float]
    """fault code -> share of reps that showed it (or events per analysis when no reps are counted)."""


@dataclass(frozen=True)
class VolumeBin:
    """Weeks of :class:`WeekVolume` taken together: hard sets per muscle per week, on average."""

    start: date
    weeks: int
    hard_sets: dict[str, float]

    @property
    def label(self) -> str:
        end = self.start + timedelta(weeks=self.weeks, days=-1)
        return f"week of {self.start:%-d %b %Y}" if self.weeks == 1 else f"{self.start:%-d %b %Y} to {end:%-d %b %Y}"


@dataclass(frozen=True)
class RecordRow:
    """One exercise's records side by side (None where it has none of that kind)."""

    exercise: str
    sets: int
    e1rm: PersonalRecord | None
    heaviest: PersonalRecord | None
    most_reps: PersonalRecord | None
    longest: PersonalRecord | None


@dataclass
class Progress:
    labels: dict[str, str]
    e1rm: dict[str, list[E1rmPoint]] = field(default_factory=dict)
    weekly_volume: list[WeekVolume] = field(default_factory=list)
    records: list[PersonalRecord] = field(default_factory=list)
    fault_trends: dict[str, list[FaultPoint]] = field(default_factory=dict)
    set_count: int = 0
    sets_per_exercise: dict[str, int] = field(default_factory=dict)
    """exercise label -> sets logged (warm-ups included)."""

    def record_rows(self, search: str = "", limit: int = TOP_RECORDS) -> tuple[list[RecordRow], int]:
        """The most trained exercises' records (those whose name holds ``search``), and how many match."""
        by_exercise: dict[str, dict[str, PersonalRecord]] = defaultdict(dict)
        for record in self.records:
            by_exercise[record.exercise][record.kind] = record
        wanted = " ".join(search.lower().split())
        names = sorted(
            (name for name in by_exercise if wanted in name.lower()),
            key=lambda name: (-self.sets_per_exercise.get(name, 0), name),
        )
        rows = [
            RecordRow(
                exercise=name,
                sets=self.sets_per_exercise.get(name, 0),
                e1rm=by_exercise[name].get("e1rm"),
                heaviest=by_exercise[name].get("heaviest"),
                most_reps=by_exercise[name].get("most_reps"),
                longest=by_exercise[name].get("longest"),
            )
            for name in names[:limit]
        ]
        return rows, len(names)


def binned_volume(weeks: list[WeekVolume], max_bins: int = MAX_BINS) -> list[VolumeBin]:
    """Weekly volume in as few equal bins as :data:`BIN_WEEKS` allows under ``max_bins``."""
    if not weeks:
        return []
    size = next((n for n in BIN_WEEKS if -(-len(weeks) // n) <= max_bins), BIN_WEEKS[-1])
    bins = []
    for start in range(0, len(weeks), size):
        chunk = weeks[start : start + size]
        totals: dict[str, float] = defaultdict(float)
        for week in chunk:
            for muscle, sets in week.hard_sets.items():
                totals[muscle] += sets
        bins.append(
            VolumeBin(
                start=chunk[0].week_start,
                weeks=len(chunk),
                hard_sets={m: round(total / len(chunk), 1) for m, total in totals.items()},
            )
        )
    return bins


def e1rm_history(sets: list[LoggedSet], zone: tzinfo) -> dict[str, list[E1rmPoint]]:
    """Per exercise, the best estimated 1RM of each training day, in date order."""
    best: dict[str, dict[date, E1rmPoint]] = defaultdict(dict)
    for s in sets:
        kg = s.load_kg
        if s.set_type is SetType.WARMUP or kg is None or s.reps is None:
            continue
        value = estimated_1rm(kg, s.reps)
        if value is None:
            continue
        day = s.performed_at.astimezone(zone).date()
        current = best[exercise_key(s)].get(day)
        if current is None or value > current.e1rm_kg:
            best[exercise_key(s)][day] = E1rmPoint(day=day, e1rm_kg=value, load_kg=kg, reps=s.reps)
    return {key: [days[d] for d in sorted(days)] for key, days in best.items()}


def weekly_volume(sets: list[LoggedSet], library: Library, zone: tzinfo) -> list[WeekVolume]:
    """Hard sets per muscle per ISO week (weeks without training are included as empty)."""
    roles = {
        m.id: [(use.muscle, ROLE_WEIGHT[use.role]) for use in m.muscles if use.role in ROLE_WEIGHT]
        for m in library.movements
    }
    weeks: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in sets:
        if s.exercise_id not in roles or not is_hard_set(s):
            continue
        day = s.performed_at.astimezone(zone).date()
        monday = day - timedelta(days=day.weekday())
        for muscle, weight in roles[s.exercise_id]:
            weeks[monday][muscle] += weight
    if not weeks:
        return []
    first, last = min(weeks), max(weeks)
    span = (last - first).days // 7 + 1
    mondays = [first + timedelta(weeks=i) for i in range(span)]
    return [WeekVolume(week_start=m, hard_sets=dict(weeks.get(m, {}))) for m in mondays]


def personal_records(sets: list[LoggedSet], labels: dict[str, str], zone: tzinfo) -> list[PersonalRecord]:
    """Per exercise: best e1RM, heaviest load, most reps in a set, best set volume, longest set."""
    best: dict[tuple[str, str], PersonalRecord] = {}

    def consider(key: str, kind: str, value: float | None, unit: str, s: LoggedSet, detail: str) -> None:
        if value is None or value <= 0:
            return
        current = best.get((key, kind))
        if current is None or value > current.value:
            best[(key, kind)] = PersonalRecord(
                exercise=labels.get(key, key),
                kind=kind,
                value=value,
                unit=unit,
                day=s.performed_at.astimezone(zone).date(),
                detail=detail,
            )

    for s in sets:
        if s.set_type is SetType.WARMUP:
            continue
        key, kg = exercise_key(s), s.load_kg
        reps_text = f"{s.reps} reps" if s.reps else "no reps"
        if kg is not None:
            consider(key, "heaviest", kg, "kg", s, f"{kg:.1f} kg x {reps_text}")
            if s.reps:
                consider(key, "e1rm", estimated_1rm(kg, s.reps), "kg", s, f"{kg:.1f} kg x {s.reps}")
                consider(key, "best_set_volume", kg * s.reps, "kg", s, f"{kg:.1f} kg x {s.reps}")
        consider(key, "most_reps", s.reps, "reps", s, f"at {kg:.1f} kg" if kg else "bodyweight or band")
        consider(key, "longest", s.duration_s, "s", s, f"{s.duration_s:.0f} s" if s.duration_s else "")
    return sorted(best.values(), key=lambda r: (r.exercise, r.kind))


def fault_trends(analyses: list[FormAnalysisRecord]) -> dict[str, list[FaultPoint]]:
    """Per movement, each linked analysis's fault rates in time order."""
    by_exercise: dict[str, list[FormAnalysisRecord]] = defaultdict(list)
    for analysis in sorted(analyses, key=lambda a: a.analyzed_at):
        by_exercise[analysis.exercise_id].append(analysis)
    trends: dict[str, list[FaultPoint]] = {}
    for exercise, items in by_exercise.items():
        codes = {c for a in items for c in (*a.summary.get("faulty_reps", {}), *a.summary.get("fault_events", {}))}
        trends[exercise] = [_fault_point(a, codes) for a in items]
    return trends


def _fault_point(analysis: FormAnalysisRecord, codes: set[str]) -> FaultPoint:
    """Rates for every code seen in any analysis of the movement; 0 where this one had none."""
    reps = int(analysis.summary.get("rep_count", 0))
    per_rep = analysis.summary.get("faulty_reps", {})
    events = analysis.summary.get("fault_events", {})
    rates = {code: per_rep.get(code, 0) / reps if reps else float(events.get(code, 0)) for code in codes}
    return FaultPoint(analyzed_at=analysis.analyzed_at, rep_count=reps, rates=rates)


def exercise_labels(sets: list[LoggedSet], library: Library) -> dict[str, str]:
    """A display name for every exercise key: the library's name, or the imported name."""
    names = {m.id: m.name for m in library.movements} | {v.id: v.name for m in library.movements for v in m.variants}
    return {exercise_key(s): names.get(exercise_key(s), s.exercise_name) for s in sets}


def compute_progress(
    sets: list[LoggedSet], analyses: list[FormAnalysisRecord], library: Library, zone: tzinfo
) -> Progress:
    labels = exercise_labels(sets, library)
    labels.update({m.id: m.name for m in library.movements if m.id not in labels})
    counts: dict[str, int] = defaultdict(int)
    for s in sets:
        counts[labels[exercise_key(s)]] += 1
    return Progress(
        labels=labels,
        e1rm=e1rm_history(sets, zone),
        weekly_volume=weekly_volume(sets, library, zone),
        records=personal_records(sets, labels, zone),
        fault_trends=fault_trends(analyses),
        set_count=len(sets),
        sets_per_exercise=dict(counts),
    )
