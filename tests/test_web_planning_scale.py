"""Today and Home read only the sets a plan uses, and plan exactly as if they read the whole log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import SHARED_DATA
from upperback.logbook.importer import import_file
from upperback.plans import Profile, build_programme
from upperback.plans.today import next_session, sessions_done_since
from upperback.store import LoggedSet, open_store
from upperback.web import planning

HEVY_LARGE = SHARED_DATA / "logs-wild" / "hevy_kg_large.csv"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("UPPERBACK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("UPPERBACK_DATABASE_URL", raising=False)
    with open_store() as opened:
        yield opened


@pytest.mark.skipif(not HEVY_LARGE.is_file(), reason=f"{HEVY_LARGE} not found (shared test data)")
def test_a_long_history_of_other_exercises_changes_nothing_in_the_plan(store):
    import_file(store, HEVY_LARGE, zone=UTC)
    profile = Profile(equipment=["dumbbells"], dumbbell_kg=[10, 12.5, 15], level="intermediate", goal="strength")
    programme = build_programme(profile, weeks=4, history=store.sets(), now=datetime.now(UTC) - timedelta(days=3))
    session_id = store.start_session(
        planning.session_name("Week 1, day 1"), source="session", started_at=datetime.now(UTC) - timedelta(days=2)
    )
    store.log_set(
        LoggedSet(
            performed_at=datetime.now(UTC) - timedelta(days=2),
            exercise_id="bent-over-row",
            exercise_name="Bent-over row",
            variant_id="dumbbell-bent-over-row",
            reps=10,
            load=12.5,
            load_unit="kg",
            source="session",
            session_id=session_id,
        )
    )

    everything = store.sets()
    used = store.movement_sets()
    assert used == [s for s in everything if s.exercise_id is not None or s.source == "session"]
    assert 0 < len(used) < len(everything) / 10  # most of a real history is other exercises
    assert sessions_done_since(used, programme.created_at) == sessions_done_since(everything, programme.created_at) == 1
    assert next_session(programme, used) == next_session(programme, everything)
    now = planning.where_now(store, programme)
    assert now.done == 1 and now.current.session == next_session(programme, everything)
