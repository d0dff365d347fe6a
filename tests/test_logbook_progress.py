"""Progress numbers: e1RM, weekly hard sets per muscle, records, form-fault trend, and a year of data."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from test_logbook_import import _form_report
from upperback.library import Role, get_library
from upperback.logbook.form_links import link_report
from upperback.logbook.importer import import_file
from upperback.logbook.progress import (
    compute_progress,
    e1rm_history,
    estimated_1rm,
    fault_trends,
    personal_records,
    weekly_volume,
)
from upperback.logbook.progress_plots import write_html, write_png
from upperback.store import LoggedSet, open_store

BENCH = Path(__file__).resolve().parents[1] / "bench"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)


def logged(exercise_id="bent-over-row", days=0, **fields) -> LoggedSet:
    defaults = {"reps": 8, "load": 40.0, "load_unit": "kg"}
    return LoggedSet(
        performed_at=MONDAY + timedelta(days=days),
        exercise_id=exercise_id,
        exercise_name=exercise_id or "Bench Press (Barbell)",
        **{**defaults, **fields},
    )


def test_e1rm_formulas_by_rep_range():
    assert estimated_1rm(100, 1) == 100
    assert estimated_1rm(100, 5) == pytest.approx(100 * 36 / 32)  # Brzycki
    assert estimated_1rm(100, 12) == pytest.approx(100 * (1 + 12 / 30))  # Epley
    assert estimated_1rm(90, 10) == pytest.approx(90 * 36 / 27) == pytest.approx(90 * (1 + 10 / 30))
    assert estimated_1rm(100, 13) is None and estimated_1rm(0, 5) is None


def test_e1rm_history_takes_each_days_best_working_set_in_kg():
    sets = [
        logged(reps=10, load=40),
        logged(reps=5, load=50, set_index=2),
        logged(reps=3, load=70, set_type="warmup", set_index=3),  # warm-ups never count
        logged(days=2, reps=8, load=100, load_unit="lb"),
        logged(days=4, reps=15, load=30),
    ]  # too many reps to estimate
    (points,) = e1rm_history(sets, BERLIN).values()
    assert [p.day.isoformat() for p in points] == ["2025-03-03", "2025-03-05"]
    assert points[0].e1rm_kg == pytest.approx(max(40 * 36 / 27, 50 * 36 / 32))
    assert points[1].e1rm_kg == pytest.approx(100 * 0.45359237 * 36 / 29)


def test_weekly_volume_counts_targets_once_and_synergists_half():
    library = get_library()
    row = library.movement("bent-over-row")
    target = next(u.muscle for u in row.muscles if u.role is Role.TARGET)
    synergist = next(u.muscle for u in row.muscles if u.role is Role.SYNERGIST)
    stabiliser = next(u.muscle for u in row.muscles if u.role is Role.STABILISER)
    sets = [logged(set_index=i) for i in (1, 2, 3)] + [
        logged(set_index=4, set_type="warmup"),
        logged(set_index=5, rpe=5),  # neither is a hard set
        logged(exercise_id=None, set_index=6),  # unmapped: no muscles known
        logged(days=14, set_index=1),
    ]
    weeks = weekly_volume(sets, library, BERLIN)
    assert [w.week_start.isoformat() for w in weeks] == ["2025-03-03", "2025-03-10", "2025-03-17"]
    assert weeks[0].hard_sets[target] == 3 and weeks[0].hard_sets[synergist] == 1.5
    assert stabiliser not in weeks[0].hard_sets
    assert weeks[1].hard_sets == {} and weeks[2].hard_sets[target] == 1


def test_personal_records_per_exercise():
    sets = [
        logged(reps=10, load=40),
        logged(days=1, reps=5, load=50),
        logged(days=2, reps=15, load=30),
        logged(days=3, reps=1, load=80, set_type="warmup"),
        logged("farmers-carry", days=1, reps=None, load=24, duration_s=45),
        logged("farmers-carry", days=5, reps=None, load=20, duration_s=70),
    ]
    labels = {"bent-over-row": "Row", "farmers-carry": "Carry"}
    records = {(r.exercise, r.kind): r for r in personal_records(sets, labels, BERLIN)}
    assert records[("Row", "heaviest")].value == 50 and records[("Row", "heaviest")].day.day == 4
    assert records[("Row", "e1rm")].value == pytest.approx(50 * 36 / 32)
    assert records[("Row", "most_reps")].value == 15
    assert records[("Row", "best_set_volume")].value == 450
    assert records[("Carry", "longest")].value == 70 and records[("Carry", "heaviest")].value == 24


def test_form_fault_trend_from_linked_reports(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'log.sqlite3'}") as store:
        for week, faulty in enumerate((3, 2, 0)):
            set_id = store.log_set(logged(days=7 * week))
            report = tmp_path / f"row{week}.json"
            reps = [["torso_too_upright", "elbows_flared"]] * faulty + [[]] * (4 - faulty)
            report.write_text(json.dumps(_form_report("bent-over-row", reps)))
            link_report(store, report, set_id=set_id, analyzed_at=MONDAY + timedelta(days=7 * week))
        trend = fault_trends(store.form_analyses())["bent-over-row"]
    assert [p.rates["torso_too_upright"] for p in trend] == [0.75, 0.5, 0.0]
    assert [p.rep_count for p in trend] == [4, 4, 4]


def load_year_generator():
    spec = importlib.util.spec_from_file_location("make_strong_year", BENCH / "make_strong_year.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


def test_a_year_of_strong_history_imports_whole_and_shows_its_progress(tmp_path):
    year = tmp_path / "strong_year.csv"
    year.write_text(load_year_generator().generate(seed=11))
    with open_store(f"sqlite:///{tmp_path / 'log.sqlite3'}") as store:
        report = import_file(store, year, zone=BERLIN)
        sets = store.sets()
    assert report.outcome.sets_added == report.sets_read > 2500
    progress = compute_progress(sets, [], get_library(), BERLIN)

    rows = progress.e1rm["barbell-bent-over-row"]
    days = np.array([(p.day - rows[0].day).days for p in rows])
    slope_kg_per_week = np.polyfit(days, [p.e1rm_kg for p in rows], 1)[0] * 7
    assert 0.2 < slope_kg_per_week < 1.0  # the generator adds about 0.4 kg a week to the barbell row
    assert len(progress.weekly_volume) == 52
    busy_weeks = [w for w in progress.weekly_volume if w.hard_sets]
    assert len(busy_weeks) >= 50 and all(w.hard_sets.get("rhomboids", 0) >= 3 for w in busy_weeks[1:-1])
    assert "Bench Press (Barbell)" in progress.e1rm  # unmapped exercises still get their own progress

    png, html = write_png(progress, tmp_path / "p.png"), write_html(progress, tmp_path / "p.html")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = html.read_text()
    assert "Plotly.newPlot" in page and "Barbell bent-over row" in page
    assert "<script src=" not in page and len(page) > 1_000_000  # plotly.js is inside: works offline


def test_weekly_volume_is_binned_to_stay_readable_from_a_month_to_five_years():
    from upperback.logbook.progress import MAX_BINS, WeekVolume, binned_volume

    monday = date(2021, 1, 4)
    for weeks, bin_weeks in ((4, 1), (26, 1), (52, 2), (100, 4), (260, 13)):
        volume = [
            WeekVolume(week_start=monday + timedelta(weeks=n), hard_sets={"rhomboids": float(n % 3)})
            for n in range(weeks)
        ]
        bins = binned_volume(volume)
        assert len(bins) <= MAX_BINS and bins[0].weeks == bin_weeks
        assert sum(b.hard_sets.get("rhomboids", 0) * b.weeks for b in bins) == pytest.approx(
            sum(w.hard_sets["rhomboids"] for w in volume), abs=0.05 * len(bins)
        )


def test_a_single_day_of_training_is_drawn_on_an_axis_of_days_not_years():
    from matplotlib.dates import num2date

    from upperback.logbook.progress_plots import png_figure

    now = datetime(2026, 12, 1, 18, tzinfo=BERLIN)
    sets = [
        LoggedSet(
            performed_at=now,
            exercise_id="bent-over-row",
            exercise_name="Bent-over row",
            reps=10,
            load=20,
            load_unit="kg",
            set_index=n + 1,
        )
        for n in range(3)
    ]
    figure = png_figure(compute_progress(sets, [], get_library(), BERLIN))
    e1rm_axes, volume_axes, _ = figure.axes
    for axes in (e1rm_axes, volume_axes):
        low, high = (num2date(x) for x in axes.get_xlim())
        assert (high - low).days <= 15  # one week and a few days either side, not years
    assert volume_axes.patches and max(p.get_height() for p in volume_axes.patches) == 3.0  # 3 sets, drawn


def test_records_are_a_searchable_top_list_of_the_most_trained_exercises():
    when = datetime(2025, 1, 6, 18, tzinfo=BERLIN)
    sets = [
        LoggedSet(
            performed_at=when + timedelta(days=n),
            exercise_id=None,
            exercise_name=f"Lift {n % 40}",
            reps=5,
            load=20 + n % 7,
            load_unit="kg",
        )
        for n in range(400)
    ]
    sets += [
        LoggedSet(
            performed_at=when + timedelta(days=n),
            exercise_id="bent-over-row",
            exercise_name="Bent-over row",
            reps=8,
            load=30 + n,
            load_unit="kg",
        )
        for n in range(30)
    ]
    progress = compute_progress(sets, [], get_library(), BERLIN)
    rows, matching = progress.record_rows()
    assert matching == 41 and len(rows) == 15 and rows[0].exercise == "Bent-over row"
    assert rows[0].heaviest.value == 59 and rows[0].sets == 30
    found, count = progress.record_rows("lift 3")
    assert count == 11 and {r.exercise for r in found} == {"Lift 3", *(f"Lift {n}" for n in range(30, 40))}
