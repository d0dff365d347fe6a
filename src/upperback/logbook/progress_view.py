"""Progress as Rich tables for the terminal."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table

from upperback.logbook.progress import Progress

RECENT_WEEKS = 4


def progress_summary(progress: Progress) -> Group:
    """e1RM now vs first, recent weekly volume per muscle, records, and the form-fault trend."""
    parts = [_e1rm_table(progress), _volume_table(progress), _records_table(progress)]
    if progress.fault_trends:
        parts.append(_faults_table(progress))
    return Group(*parts)


def _e1rm_table(progress: Progress) -> Table:
    table = Table(title=f"Estimated 1RM (from {progress.set_count} logged sets)", title_justify="left")
    for column in ("Exercise", "First", "Latest", "Best", "Change", "Days"):
        table.add_column(column, justify="left" if column == "Exercise" else "right")
    for key in sorted(progress.e1rm, key=lambda k: progress.labels.get(k, k)):
        points = progress.e1rm[key]
        first, latest = points[0], points[-1]
        best = max(p.e1rm_kg for p in points)
        change = (latest.e1rm_kg - first.e1rm_kg) / first.e1rm_kg
        table.add_row(
            progress.labels.get(key, key),
            f"{first.e1rm_kg:.1f} kg",
            f"{latest.e1rm_kg:.1f} kg",
            f"{best:.1f} kg",
            f"{change:+.0%}",
            str(len(points)),
        )
    return table


def _volume_table(progress: Progress) -> Table:
    recent = progress.weekly_volume[-RECENT_WEEKS:]
    table = Table(title="Hard sets per muscle, recent weeks (synergists count half)", title_justify="left")
    table.add_column("Muscle")
    for week in recent:
        table.add_column(f"wk {week.week_start:%d %b}", justify="right")
    muscles = sorted({m for w in recent for m in w.hard_sets})
    for muscle in muscles:
        table.add_row(muscle, *[f"{w.hard_sets.get(muscle, 0.0):g}" for w in recent])
    return table


def _records_table(progress: Progress) -> Table:
    """The records of the most trained exercises (``--exercise`` narrows the log to one)."""
    rows, matching = progress.record_rows()
    more = f" ({len(rows)} most trained of {matching}; --exercise shows one)" if matching > len(rows) else ""
    table = Table(title=f"Personal records{more}", title_justify="left")
    for column in ("Exercise", "Sets", "Estimated 1RM", "Heaviest", "Most reps", "Longest"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.exercise, str(row.sets), *(_record(r) for r in (row.e1rm, row.heaviest, row.most_reps, row.longest))
        )
    return table


def _record(record) -> str:
    if record is None:
        return "-"
    value = f"{record.value:g} reps" if record.unit == "reps" else f"{record.value:.1f} {record.unit}"
    return f"{value} ({record.day})"


def _faults_table(progress: Progress) -> Table:
    table = Table(title="Form faults per analysed set (share of reps), first -> latest", title_justify="left")
    for column in ("Movement", "Fault", "First", "Latest", "Analyses"):
        table.add_column(column)
    for exercise, points in sorted(progress.fault_trends.items()):
        for code in sorted({c for p in points for c in p.rates}):
            first, latest = points[0], points[-1]
            table.add_row(
                progress.labels.get(exercise, exercise), code, _rate(first, code), _rate(latest, code), str(len(points))
            )
    return table


def _rate(point, code: str) -> str:
    """A share of reps, or a count of events for movements without reps (the farmer's carry)."""
    value = point.rates.get(code, 0.0)
    return f"{value:.0%}" if point.rep_count else f"{value:g} times"
