"""Importing exports into the store: name mapping, idempotence, all-or-nothing, round trips."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from upperback.errors import UnknownNameError, UpperbackError
from upperback.logbook.form_links import link_report
from upperback.logbook.importer import import_file, parse_mappings
from upperback.logbook.json_io import write_json
from upperback.logbook.strong_export import HEADER, write_strong_csv
from upperback.store import open_store

SAMPLES = Path(__file__).parent / "data" / "logbook"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'log.sqlite3'}") as opened:
        yield opened


def comparable(sets):
    return [replace(s, id=None, session_id=None) for s in sets]


def test_library_names_are_mapped_and_other_exercises_kept_unmapped(store):
    report = import_file(store, SAMPLES / "strong_classic.csv", zone=BERLIN)
    assert report.outcome.sets_added == 13 and report.outcome.sessions_added == 2
    by_name = {s.exercise_name: (s.exercise_id, s.variant_id) for s in store.sets()}
    assert by_name["Bent Over Row (Barbell)"] == ("bent-over-row", "barbell-bent-over-row")
    assert by_name["Reverse Fly (Dumbbell)"] == ("reverse-fly", "dumbbell-reverse-fly")
    assert by_name["Farmers Walk"][0] == "farmers-carry"
    assert by_name["Cat Cow"][0] == "cat-cow"
    assert by_name["Bench Press (Barbell)"] == (None, None)
    assert sorted(u.name for u in report.unmapped) == ["Bench Press (Barbell)", "Plank"]
    assert {s.source for s in store.sets()} == {"import:strong"}
    row_indexes = [s.set_index for s in store.sets() if s.exercise_name == "Bent Over Row (Barbell)"]
    assert row_indexes == [1, 2, 3, 4]


def test_unmapped_names_come_with_close_candidates(store):
    report = import_file(store, SAMPLES / "strong_v6.csv", zone=BERLIN, dry_run=True)
    (seated,) = [u for u in report.unmapped if u.name == "Seated Row (Cable)"]
    assert "bent-over-row" in [c.exercise_id for c in seated.candidates]
    assert report.outcome is None and store.count_sets() == 0  # a dry run saves nothing


def test_importing_the_same_file_twice_adds_nothing(store):
    first = import_file(store, SAMPLES / "hevy_kg.csv", zone=BERLIN)
    second = import_file(store, SAMPLES / "hevy_kg.csv", zone=BERLIN)
    assert (first.outcome.sets_added, second.outcome.already_imported, second.outcome.sets_added) == (7, True, 0)
    assert store.count_sets() == 7 and len(store.sessions()) == 1


def test_a_newer_export_adds_only_the_new_sets(store, tmp_path):
    original = (SAMPLES / "strong_classic.csv").read_text()
    older = tmp_path / "older.csv"
    older.write_text("\n".join(original.splitlines()[:10]) + "\n")  # the first workout only
    assert import_file(store, older, zone=BERLIN).outcome.sets_added == 9
    newer = import_file(store, SAMPLES / "strong_classic.csv", zone=BERLIN).outcome
    assert (newer.already_imported, newer.sets_added, newer.sets_skipped, newer.sessions_added) == (False, 4, 9, 1)
    assert store.count_sets() == 13 and len(store.sessions()) == 2


def test_a_malformed_file_commits_nothing(store, tmp_path):
    broken = tmp_path / "broken.csv"
    text = (SAMPLES / "hevy_kg.csv").read_text().replace('"failure",60,6', '"failure",60,six')
    broken.write_text(text)
    with pytest.raises(UpperbackError, match="line 4: reps 'six'"):
        import_file(store, broken, zone=BERLIN, mappings=parse_mappings(["Face Pull=reverse-fly"]))
    assert store.count_sets() == 0 and store.sessions() == [] and store.aliases() == {}
    assert store.import_batch(hashlib.sha256(broken.read_bytes()).hexdigest()) is None


def test_map_option_maps_now_and_fixes_what_an_earlier_import_left_unmapped(store):
    import_file(store, SAMPLES / "hevy_kg.csv", zone=BERLIN)
    assert {s.exercise_id for s in store.sets() if s.exercise_name == "Face Pull"} == {None}
    again = import_file(
        store, SAMPLES / "hevy_kg.csv", zone=BERLIN, mappings=parse_mappings(["Face Pull=band-pull-apart"])
    )
    assert again.outcome.already_imported and again.outcome.sets_remapped == 1
    assert {(s.exercise_id, s.variant_id) for s in store.sets() if s.exercise_name == "Face Pull"} == {
        ("reverse-fly", "band-pull-apart")
    }
    later = import_file(
        store, SAMPLES / "strong_v6.csv", zone=BERLIN, mappings=parse_mappings(["Seated Row (Cable)=bent-over-row"])
    )
    assert "Seated Row (Cable)" in later.matches and later.matches["Seated Row (Cable)"].how == "alias"


def test_map_entries_are_checked_against_the_library():
    assert parse_mappings(["Seal Row=chest-supported-row"]) == {"Seal Row": ("bent-over-row", "chest-supported-row")}
    with pytest.raises(UnknownNameError, match="Did you mean 'bent-over-row'"):
        parse_mappings(["Seal Row=bent-over-rwo"])
    with pytest.raises(UpperbackError, match="should look like"):
        parse_mappings(["Seal Row"])


def test_json_export_round_trips_everything_into_a_fresh_database(store, tmp_path):
    for sample in ("strong_classic.csv", "hevy_lbs.csv", "fitnotes.csv"):
        import_file(store, SAMPLES / sample, zone=BERLIN)
    store.map_exercise_name("Plank", "cat-cow")
    store.save_profile({"equipment": ["dumbbells"], "sessions_per_week": 3})
    store.save_plan({"weeks": 4, "days": ["Mon", "Thu"]}, "Starter")
    (row_set,) = [s for s in store.sets() if s.exercise_name == "Bent Over Row (Barbell)" and s.set_index == 2]
    report = tmp_path / "row.json"
    report.write_text(json.dumps(_form_report("bent-over-row", reps=[["torso_too_upright"], []])))
    link_report(store, report, set_id=row_set.id, session_id=row_set.session_id, analyzed_at=row_set.performed_at)
    exported = tmp_path / "log.json"
    write_json(store, exported)

    with open_store(f"sqlite:///{tmp_path / 'fresh.sqlite3'}") as fresh:
        outcome = import_file(fresh, exported, zone=ZoneInfo("UTC")).outcome
        assert outcome.sets_added == store.count_sets()
        assert comparable(fresh.sets()) == comparable(store.sets())
        assert [replace(s, id=None) for s in fresh.sessions()] == [replace(s, id=None) for s in store.sessions()]
        assert fresh.load_profile() == store.load_profile()
        assert [(p.name, p.data, p.created_at) for p in fresh.plans()] == [
            (p.name, p.data, p.created_at) for p in store.plans()
        ]
        assert fresh.aliases() == store.aliases()
        (analysis,) = fresh.form_analyses()
        (linked_set,) = [s for s in fresh.sets() if s.id == analysis.set_id]
        assert replace(linked_set, id=None, session_id=None) == replace(row_set, id=None, session_id=None)
        assert analysis.session_id == linked_set.session_id
        assert analysis.summary == store.form_analyses()[0].summary
        write_json(fresh, tmp_path / "again.json")
    first, second = (json.loads((tmp_path / name).read_text()) for name in ("log.json", "again.json"))
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second


def test_an_export_written_by_an_earlier_version_imports_and_exports_the_same_text(store, tmp_path):
    """export_v1.json was written before the set record was unified (see tests/data/logbook/README.md):
    the file format stays stable, to the byte, apart from the time of the export."""
    earlier = SAMPLES / "export_v1.json"
    report = import_file(store, earlier, zone=BERLIN)
    assert (report.format, report.outcome.sets_added) == ("json", 20)
    assert {s.set_type for s in store.sets()} == {"normal", "warmup", "drop", "failure"}
    assert {s.load_unit for s in store.sets()} == {"kg", "lb", None}
    assert len(store.form_analyses()) == 2 and all(a.session_id for a in store.form_analyses())
    assert store.form_analyses()[0].set_id is not None  # found again by the set's natural key
    again = tmp_path / "again.json"
    write_json(store, again)
    before, after = earlier.read_text(), again.read_text()
    stamp = re.compile(r'"exported_at": "[^"]+"')
    assert stamp.sub("", after) == stamp.sub("", before)
    assert import_file(store, again, zone=BERLIN).outcome.sets_added == 0  # the natural keys did not move


def test_strong_csv_export_reads_back_as_the_same_sets(store, tmp_path):
    import_file(store, SAMPLES / "strong_classic.csv", zone=BERLIN)
    exported = tmp_path / "strong.csv"
    write_strong_csv(store, exported, BERLIN)
    assert exported.read_text().splitlines()[0] == ",".join(HEADER)
    with open_store(f"sqlite:///{tmp_path / 'fresh.sqlite3'}") as fresh:
        import_file(fresh, exported, zone=BERLIN)
        assert comparable(fresh.sets()) == comparable(store.sets())
        assert [(s.started_at, s.ended_at, s.name) for s in fresh.sessions()] == [
            (s.started_at, s.ended_at, s.name) for s in store.sessions()
        ]


def test_strong_csv_export_converts_pounds_to_the_chosen_unit(store, tmp_path):
    import_file(store, SAMPLES / "hevy_lbs.csv", zone=BERLIN)
    write_strong_csv(store, tmp_path / "kg.csv", BERLIN, unit="kg")
    first_row = (tmp_path / "kg.csv").read_text().splitlines()[1].split(",")
    assert float(first_row[HEADER.index("Weight")]) == pytest.approx(15 * 0.45359237)
    assert first_row[HEADER.index("Set Order")] == "1"


def test_a_json_file_with_errors_says_where(store, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "upperback-log",
                "version": 1,
                "exported_at": "2025-01-01T00:00:00Z",
                "sets": [
                    {"performed_at": "2025-01-01T10:00:00", "exercise_id": None, "exercise_name": "Row", "session": 3}
                ],
            }
        )
    )
    with pytest.raises(UpperbackError, match=r"sets\.0\.performed_at"):
        import_file(store, bad, zone=BERLIN)
    assert store.count_sets() == 0


def test_sample_files_are_never_modified(tmp_path, store):
    copy = tmp_path / "copy.csv"
    shutil.copy(SAMPLES / "fitnotes.csv", copy)
    import_file(store, copy, zone=BERLIN)
    assert copy.read_bytes() == (SAMPLES / "fitnotes.csv").read_bytes()


def _form_report(exercise: str, reps: list[list[str]]) -> dict:
    """A minimal report in the shape 'upperback analyze --json' writes."""
    return {
        "schema_version": "1.0",
        "exercise": exercise,
        "source": {"fps": 30, "frames": 300, "duration_s": 10, "width": 1280, "height": 720},
        "view": "side",
        "rep_count": len(reps),
        "reps": [
            {
                "index": i,
                "start_s": i * 3.0,
                "top_s": i * 3.0 + 1,
                "end_s": i * 3.0 + 2.5,
                "concentric_s": 1,
                "eccentric_s": 1.5,
                "metrics": {},
                "faults": codes,
            }
            for i, codes in enumerate(reps)
        ],
        "faults": [
            {
                "code": code,
                "severity": "warning",
                "rep": i,
                "start_s": i * 3.0,
                "end_s": i * 3.0 + 2,
                "value": 40.0,
                "threshold": 30.0,
                "message": "m",
                "cue": "c",
            }
            for i, codes in enumerate(reps)
            for code in codes
        ],
        "metrics": {},
        "quality": {"pose_detected_fraction": 1.0, "warnings": []},
    }


def test_two_workouts_begun_the_same_minute_keep_every_set(store, tmp_path):
    lines = (SAMPLES / "hevy_kg.csv").read_text().splitlines()
    twin = [line.replace(line.split(",")[0], '"Second log"', 1) for line in lines[1:]]
    path = tmp_path / "twins.csv"
    path.write_text("\n".join(lines + twin) + "\n")
    outcome = import_file(store, path, zone=BERLIN).outcome
    assert (outcome.sets_added, outcome.sessions_added) == (2 * (len(lines) - 1), 2)
