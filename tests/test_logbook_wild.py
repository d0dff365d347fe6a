"""Real exports from the apps' users (../shared/data/logs-wild, PROVENANCE.md) import exactly.

The expected numbers were worked out apart from the importer: each file read with Python's csv
module, one set per data row (Strong's "Rest Timer" and note rows are not sets), volume = the sum
of weight x reps converted to kg. ``hevy_resaved_semicolons.csv`` was read by hand where a
spreadsheet split two notes over extra rows: its 1,146 whole rows plus the 4 sets carried on
those rows (Inverted Row 20 reps; Hack Squat 31.8 kg, 40.8 kg, 40.8 kg x 12).
"""

from __future__ import annotations

import json
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from conftest import SHARED_DATA
from upperback.logbook.importer import import_file
from upperback.logbook.json_io import write_json
from upperback.store import open_store
from upperback.units import KG_PER_LB

WILD = SHARED_DATA / "logs-wild"
UTC = ZoneInfo("UTC")
needs_logs = pytest.mark.skipif(not WILD.is_dir(), reason=f"real exports not found at {WILD}")

EXPECTED = {  # file: (unit for a weight column that names none, sets, volume in kg)
    "fitnotes_lbs_with_cardio.csv": ("kg", 11493, 2717244.7),
    "fitnotes_weight_unit_column.csv": ("kg", 854, 209789.2),
    "hevy_kg_distance_miles.csv": ("kg", 8, 1078.0),
    "hevy_kg_german_text.csv": ("kg", 3928, 1121591.2),
    "hevy_kg_large.csv": ("kg", 7211, 2304917.0),
    "hevy_resaved_semicolons.csv": ("kg", 1150, 363208.3),
    "hevy_us_12h_dates.csv": ("kg", 2628, 1199382.3),
    "strong_lbs.csv": ("lb", 4690, 1525021.8),
    "strong_no_notes_columns.csv": ("kg", 250, 49237.4),
    "strong_semicolon_mixed_units.csv": ("kg", 6084, 1314558.7),
    "strong_set_types_wfd.csv": ("kg", 4497, 1702144.0),
}


def volume_kg(sets) -> float:
    return sum((s.load or 0) * (KG_PER_LB if s.load_unit == "lb" else 1) * (s.reps or 0) for s in sets)


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'log.sqlite3'}") as opened:
        yield opened


@needs_logs
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_export_imports_every_set_and_a_second_import_adds_nothing(store, name):
    unit, count, volume = EXPECTED[name]
    first = import_file(store, WILD / name, zone=UTC, weight_unit=unit).outcome
    assert (first.sets_added, store.count_sets()) == (count, count)
    assert volume_kg(store.sets()) == pytest.approx(volume, rel=0.005)
    again = import_file(store, WILD / name, zone=UTC, weight_unit=unit).outcome
    assert (again.already_imported, again.sets_added, store.count_sets()) == (True, 0, count)


@needs_logs
def test_us_dates_on_a_12_hour_clock_are_read_as_the_afternoon(store):
    import_file(store, WILD / "hevy_us_12h_dates.csv", zone=UTC)
    (first,) = [s for s in store.sessions() if s.started_at.date().isoformat() == "2026-06-11"]
    assert (first.started_at.hour, first.started_at.minute, first.ended_at.hour, first.ended_at.minute) == (
        13,
        1,
        14,
        4,
    )  # "Jun 11, 2026, 1:01 PM" to "2:04 PM"


@needs_logs
def test_per_row_units_and_dotted_distance_units_are_read(store):
    import_file(store, WILD / "strong_semicolon_mixed_units.csv", zone=UTC)
    sets = store.sets()
    assert {s.load_unit for s in sets if s.load} == {"kg", "lb"}
    planks = [s for s in sets if s.exercise_name == "Plank"]
    assert planks and all(s.duration_s == 60 and s.load is None for s in planks[:3])  # "mi." beside no distance


@needs_logs
def test_notes_a_spreadsheet_split_over_rows_are_joined_back_to_their_set(store):
    import_file(store, WILD / "hevy_resaved_semicolons.csv", zone=UTC)
    hack = [
        s
        for s in store.sets()
        if s.exercise_name == "Hack Squat (Machine)" and s.performed_at.date().isoformat() == "2023-09-22"
    ]
    assert [(s.load, s.reps) for s in hack] == [(31.8, 12), (40.8, 12), (40.8, 12)]
    assert hack[0].notes == "31.8 = 2 de 15.9\n40.8 = 31.8 + 2 de 4.5 kg"


@needs_logs
def test_cardio_rows_keep_distance_and_time(store):
    import_file(store, WILD / "fitnotes_lbs_with_cardio.csv", zone=UTC)
    (run,) = [
        s
        for s in store.sets()
        if s.exercise_name == "Running (Treadmill)" and s.performed_at.date().isoformat() == "2017-06-23"
    ]
    assert (run.load, run.duration_s) == (None, 9 * 60 + 21)
    assert run.distance_m == pytest.approx(1.23 * 1609.344)


@needs_logs
@pytest.mark.parametrize("name", ["hevy_resaved_semicolons.csv", "strong_semicolon_mixed_units.csv"])
def test_a_json_round_trip_of_a_real_history_is_identical(store, tmp_path, name):
    import_file(store, WILD / name, zone=UTC)
    write_json(store, tmp_path / "log.json")
    with open_store(f"sqlite:///{tmp_path / 'fresh.sqlite3'}") as fresh:
        import_file(fresh, tmp_path / "log.json", zone=UTC)
        assert [replace(s, id=None, session_id=None) for s in fresh.sets()] == [
            replace(s, id=None, session_id=None) for s in store.sets()
        ]
        write_json(fresh, tmp_path / "again.json")
    first, second = (json.loads((tmp_path / n).read_text()) for n in ("log.json", "again.json"))
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second


@needs_logs
def test_line_breaks_hevy_writes_as_backslash_n_come_back_as_line_breaks(store):
    import_file(store, WILD / "hevy_kg_large.csv", zone=UTC)
    notes = {s.notes for s in store.sets() if s.exercise_name == "Calf Press (Machine)"}
    assert "Lower: all sets 175 next time\nLegs: 170" in notes
    assert not any("\\n" in s.notes for s in store.sets())
