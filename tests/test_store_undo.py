"""Mistakes can be undone: an import as a whole, a set, a session, an analysis; nothing else moves."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import SHARED_DATA
from upperback.errors import UpperbackError
from upperback.logbook.importer import import_file
from upperback.store import FormAnalysisRecord, LoggedSet, open_store

SAMPLES = Path(__file__).parent / "data" / "logbook"
WILD = SHARED_DATA / "logs-wild"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'log.sqlite3'}") as opened:
        yield opened


def snapshot(store):
    """Everything a user sees of the log: sets (with ids), sessions, analyses."""
    return store.sets(), store.sessions(), store.form_analyses()


@pytest.mark.skipif(not WILD.is_dir(), reason=f"real exports not found at {WILD}")
def test_undoing_an_import_on_a_large_log_restores_it_exactly(store):
    import_file(store, WILD / "hevy_kg_large.csv", zone=BERLIN)
    store.log_set(
        LoggedSet(
            performed_at=datetime(2025, 9, 15, 8, tzinfo=UTC),
            exercise_id="bent-over-row",
            exercise_name="Bent-over row",
            reps=10,
            load=40,
            load_unit="kg",
        )
    )
    before = snapshot(store)
    second = import_file(store, WILD / "fitnotes_lbs_with_cardio.csv", zone=BERLIN).outcome
    assert store.count_sets() == len(before[0]) + 11493
    (listed,) = [i for i in store.imports() if i.id == second.batch_id]
    assert (listed.sets_added, listed.sets_now, listed.format) == (11493, 11493, "fitnotes")
    assert "lb" in listed.summary["units"]
    removed = store.undo_import(second.batch_id)
    assert (removed.sets, removed.sessions) == (11493, second.sessions_added)
    assert snapshot(store) == before
    assert [i.format for i in store.imports()] == ["hevy"]
    again = import_file(store, WILD / "fitnotes_lbs_with_cardio.csv", zone=BERLIN).outcome
    assert (again.already_imported, again.sets_added) == (False, 11493)  # the file can come back


def test_undo_keeps_sessions_other_sets_still_use(store, tmp_path):
    original = (SAMPLES / "strong_classic.csv").read_text()
    older = tmp_path / "older.csv"
    older.write_text("\n".join(original.splitlines()[:6]) + "\n")  # part of the first workout
    first = import_file(store, older, zone=BERLIN).outcome
    before = snapshot(store)
    second = import_file(store, SAMPLES / "strong_classic.csv", zone=BERLIN).outcome
    store.undo_import(second.batch_id)
    assert snapshot(store) == before
    store.undo_import(first.batch_id)
    assert snapshot(store) == ([], [], []) and store.imports() == []
    with pytest.raises(UpperbackError, match="no import"):
        store.undo_import(first.batch_id)


def test_a_set_can_be_corrected_and_deleted_and_a_session_deleted(store):
    import_file(store, SAMPLES / "strong_classic.csv", zone=BERLIN)
    target = store.sets()[1]
    edited = store.update_set(target.id, load=55.0, reps=6, notes="fixed")
    assert store.get_set(target.id) == edited and (edited.load, edited.reps, edited.notes) == (55.0, 6, "fixed")
    with pytest.raises(UpperbackError, match=r"RPE must be a number from 1 to 10 \(got 12\)"):
        store.update_set(target.id, rpe=12)
    assert store.get_set(target.id) == edited  # a refused edit changes nothing
    others = [s for s in store.sets() if s.id != target.id]
    store.delete_set(target.id)
    assert store.sets() == others
    session_id = others[0].session_id
    removed = store.delete_session(session_id)
    assert removed.sets == sum(1 for s in others if s.session_id == session_id)
    assert all(s.session_id != session_id for s in store.sets())
    assert session_id not in [s.id for s in store.sessions()]


def test_an_analysis_can_be_deleted_and_its_set_stays(store):
    set_id = store.log_set(
        LoggedSet(
            performed_at=datetime(2025, 1, 1, tzinfo=UTC),
            exercise_id="bent-over-row",
            exercise_name="Bent-over row",
            reps=10,
        )
    )
    analysis = store.link_form_analysis(
        FormAnalysisRecord(
            exercise_id="bent-over-row",
            analyzed_at=datetime(2025, 1, 1, tzinfo=UTC),
            report_path="r.json",
            report_sha256="a" * 64,
            summary={"reps": 10},
            set_id=set_id,
        )
    )
    store.delete_form_analysis(analysis)
    assert store.form_analyses() == [] and store.count_sets() == 1


def test_sets_logged_at_the_same_moment_are_numbered_one_to_n(store):
    now = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)
    day = (now.replace(hour=0, minute=0), now.replace(hour=0, minute=0) + timedelta(days=1))
    same = LoggedSet(performed_at=now, exercise_id="bent-over-row", exercise_name="Bent-over row", reps=10)
    start = threading.Barrier(6)

    def log(n: int) -> int:
        start.wait()
        return store.log_next_set(replace(same, performed_at=now + timedelta(microseconds=n)), *day).set_index

    with ThreadPoolExecutor(6) as pool:
        numbers = list(pool.map(log, range(6)))
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    assert sorted(s.set_index for s in store.sets()) == [1, 2, 3, 4, 5, 6]
