"""The training-log commands end to end: import, log, progress, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from test_logbook_import import _form_report
from upperback.store import open_store

SAMPLES = Path(__file__).parent / "data" / "logbook"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("UPPERBACK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("UPPERBACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("TZ", "Europe/Berlin")
    return tmp_path / "data"


def stored_sets():
    with open_store() as store:
        return store.sets()


def test_import_reports_mapped_and_unmapped_names_then_maps_on_request(capsys):
    code, out, _ = run_cli(capsys, "import", str(SAMPLES / "strong_classic.csv"))
    assert code == 0
    assert "Added 13 sets in 2 new session(s)" in out
    assert "Bent Over Row (Barbell)" in out and "barbell-bent-over-row" in out
    assert "Names kept as exercises of their own" in out and "Bench Press (Barbell)" in out and "--map" in out
    code, out, _ = run_cli(capsys, "import", str(SAMPLES / "strong_classic.csv"), "--map", "Plank=cat-cow")
    assert code == 0 and "imported before" in out and "Gave 1 stored sets their movement" in out
    assert len(stored_sets()) == 13
    assert {s.exercise_id for s in stored_sets() if s.exercise_name == "Plank"} == {"cat-cow"}


def test_a_malformed_import_fails_with_line_numbers_and_saves_nothing(capsys, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text((SAMPLES / "fitnotes.csv").read_text().replace("22.5,10,,,,Straps", "22.5,ten,,,,Straps"))
    code, _, err = run_cli(capsys, "import", str(broken), "--map", "Plank=cat-cow")
    assert code == 1 and "line 3: Reps 'ten' is not a number" in err and "Traceback" not in err
    assert stored_sets() == []


def test_log_validates_ids_and_numbers_sets_of_the_day(capsys):
    code, _, err = run_cli(capsys, "log", "bent-over-rwo", "--reps", "10")
    assert code == 2 and "Did you mean 'bent-over-row'" in err
    code, _, err = run_cli(capsys, "log", "bent-over-row", "--reps", "10", "--variant", "band-pull-apart")
    assert code == 1 and "is a variant of reverse-fly" in err
    code, _, err = run_cli(capsys, "log", "bent-over-row")
    assert code == 1 and "--reps" in err
    for _ in range(2):
        code, out, _ = run_cli(
            capsys,
            "log",
            "bent-over-row",
            "--reps",
            "10",
            "--load",
            "12",
            "--unit",
            "kg",
            "--rpe",
            "8",
            "--variant",
            "dumbbell-bent-over-row",
            "--date",
            "2025-03-04 18:30",
        )
        assert code == 0
    assert "Logged set 2 of Bent-over row on 2025-03-04 18:30" in out
    first, second = stored_sets()
    assert (second.exercise_id, second.variant_id, second.reps, second.load, second.load_unit, second.rpe) == (
        "bent-over-row",
        "dumbbell-bent-over-row",
        10,
        12.0,
        "kg",
        8.0,
    )
    assert (first.set_index, second.set_index) == (1, 2)
    assert second.performed_at.isoformat() == "2025-03-04T17:30:00+00:00"  # 18:30 in Berlin, stored as UTC


def test_log_links_a_form_report(capsys, tmp_path):
    report = tmp_path / "carry.json"
    report.write_text(json.dumps(_form_report("farmers-carry", reps=[])))
    code, _, err = run_cli(capsys, "log", "cat-cow", "--reps", "8", "--report", str(report))
    assert code == 1 and "analyses farmers-carry, not cat-cow" in err
    assert stored_sets() == []  # refused before anything was saved
    code, _, _ = run_cli(
        capsys, "log", "farmers-carry", "--load", "24", "--duration", "45", "--distance", "40", "--report", str(report)
    )
    assert code == 0
    with open_store() as store:
        (analysis,) = store.form_analyses()
        (logged,) = store.sets()
    assert analysis.set_id == logged.id and analysis.exercise_id == "farmers-carry"


def test_progress_prints_a_summary_and_writes_plots(capsys, tmp_path):
    code, _, err = run_cli(capsys, "progress", "-o", str(tmp_path / "plots"))
    assert code == 1 and "no sets" in err
    run_cli(capsys, "import", str(SAMPLES / "strong_classic.csv"))
    run_cli(capsys, "import", str(SAMPLES / "hevy_kg.csv"))
    code, out, _ = run_cli(capsys, "progress", "-o", str(tmp_path / "plots"))
    assert code == 0
    assert "Estimated 1RM" in out and "Barbell bent-over row" in out and "Personal records" in out
    assert "rhomboids" in out
    assert (tmp_path / "plots" / "progress.png").stat().st_size > 10_000
    assert (tmp_path / "plots" / "progress.html").stat().st_size > 1_000_000


def test_export_json_and_csv_then_reimport_elsewhere(capsys, tmp_path, monkeypatch):
    run_cli(capsys, "import", str(SAMPLES / "hevy_kg.csv"))
    run_cli(capsys, "log", "cat-cow", "--reps", "8", "--date", "2026-01-06")
    code, out, _ = run_cli(capsys, "export", "--format", "json", "-o", str(tmp_path / "log.json"))
    assert code == 0 and "Exported 8 sets, 1 sessions" in out
    code, out, _ = run_cli(capsys, "export", "--format", "csv", "-o", str(tmp_path / "log.csv"))
    assert code == 0 and "Exported 8 sets" in out
    assert (tmp_path / "log.csv").read_text().startswith("Date,Workout Name,Duration,Exercise Name,Set Order")
    original = stored_sets()
    monkeypatch.setenv("UPPERBACK_DATA_DIR", str(tmp_path / "other"))
    code, out, _ = run_cli(capsys, "import", str(tmp_path / "log.json"))
    assert code == 0 and "Added 8 sets" in out
    assert [(s.exercise_name, s.reps, s.load, s.performed_at) for s in stored_sets()] == [
        (s.exercise_name, s.reps, s.load, s.performed_at) for s in original
    ]


def test_imports_are_listed_and_undone_and_sets_edited_and_deleted(capsys):
    code, out, _ = run_cli(capsys, "import", str(SAMPLES / "strong_classic.csv"))
    assert code == 0 and "does not say which unit" in out and "read as kg (--unit kg)" in out
    code, out, _ = run_cli(capsys, "imports")
    assert code == 0 and "strong_classic.csv" in out and "13" in out
    code, out, _ = run_cli(capsys, "sets", "--last", "3")
    assert code == 0 and "Plank" in out
    with open_store() as store:
        first = store.sets()[0]
        batch = store.imports()[0].id
    code, out, _ = run_cli(capsys, "edit-set", str(first.id), "--load", "21", "--unit", "lb")
    assert code == 0 and "21 lb" in out
    code, _, err = run_cli(capsys, "edit-set", str(first.id), "--rpe", "11")
    assert code != 0 and "Traceback" not in err
    code, out, _ = run_cli(capsys, "delete-set", str(first.id))
    assert code == 0 and "Deleted set 1" in out
    code, out, _ = run_cli(capsys, "undo-import", str(batch))
    assert code == 0 and "removed 12 sets and 2 session(s)" in out
    with open_store() as store:
        assert store.count_sets() == 0 and store.sessions() == []
    code, _, err = run_cli(capsys, "undo-import", str(batch))
    assert code != 0 and "upperback imports" in err


def test_a_file_without_a_unit_that_looks_like_pounds_gets_a_warning_with_the_fix(capsys, tmp_path):
    lines = ["Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"]
    for week, load in enumerate((135, 185, 225, 275, 315, 405, 455, 545)):
        lines.append(f"2024-01-{week + 1:02d} 18:00:00,Pull,1h,Deadlift (Barbell),1,{load},5,0,0,,,")
        lines.append(f"2024-01-{week + 1:02d} 18:00:00,Pull,1h,Bent Over Row (Barbell),1,{load - 40},8,0,0,,,")
    path = tmp_path / "strong.csv"
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run_cli(capsys, "import", str(path))
    assert code == 0 and "look like pounds" in out and "more than anyone has lifted" in out
    assert "--unit lb" in out and "undo-import" in out
