"""The store's public API against a real SQLite file in a temporary data directory."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from upperback.errors import UpperbackError
from upperback.store import FormAnalysisRecord, LoggedSet, SetType, WeightUnit, open_store
from upperback.store.db import SQLITE_FILE_NAME

BERLIN_WINTER = timezone(timedelta(hours=1))


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("UPPERBACK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("UPPERBACK_DATABASE_URL", raising=False)
    with open_store() as opened:
        yield opened


def a_set(**changes) -> LoggedSet:
    base = LoggedSet(
        performed_at=datetime(2025, 3, 4, 18, 30, tzinfo=BERLIN_WINTER),
        exercise_id="bent-over-row",
        exercise_name="Bent-over row",
        variant_id="dumbbell-bent-over-row",
        reps=10,
        load=12.5,
        load_unit="kg",
        rpe=8,
        notes="slow lowering",
    )
    return replace(base, **changes)


def test_default_database_is_a_wal_sqlite_file_in_the_data_dir(store, tmp_path):
    assert store.url.endswith(f"{tmp_path}/{SQLITE_FILE_NAME}")
    with sqlite3.connect(tmp_path / SQLITE_FILE_NAME) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_database_url_env_wins_over_data_dir(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere" / "log.db"
    monkeypatch.setenv("UPPERBACK_DATA_DIR", str(tmp_path / "unused"))
    monkeypatch.setenv("UPPERBACK_DATABASE_URL", f"sqlite:///{target}")
    with open_store() as opened:
        opened.log_set(a_set())
    assert target.is_file()
    assert not (tmp_path / "unused" / SQLITE_FILE_NAME).exists()


def test_a_logged_set_comes_back_in_utc_with_every_field(store):
    logged = a_set(duration_s=41.5, rir=2, set_index=3, set_type="failure", source="session")
    set_id = store.log_set(logged)
    (back,) = store.sets()
    assert back.id == set_id
    assert back.performed_at == datetime(2025, 3, 4, 17, 30, tzinfo=UTC)
    assert replace(back, id=None) == replace(logged, performed_at=back.performed_at)


def test_logging_the_same_set_twice_keeps_one(store):
    first = store.log_set(a_set())
    assert store.log_set(a_set()) == first
    assert store.log_set(a_set(set_index=2)) != first
    assert store.count_sets() == 2


def test_log_sets_is_all_or_nothing(store):
    with pytest.raises(UpperbackError, match="reps must be a whole number from 0 to"):
        store.log_sets([a_set(), a_set(set_index=2, reps=-1)])
    with pytest.raises(UpperbackError, match="session id"):
        store.log_sets([a_set(), a_set(set_index=2, session_id=4242)])
    assert store.sets() == []


def test_times_without_a_time_zone_are_refused(store):
    with pytest.raises(UpperbackError, match="time zone"):
        store.log_set(a_set(performed_at=datetime(2025, 3, 4, 18, 30)))


def test_sets_filter_by_exercise_and_time(store):
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    store.log_sets(
        [a_set(performed_at=start + timedelta(days=d)) for d in range(5)]
        + [a_set(exercise_id="reverse-fly", exercise_name="Reverse fly", performed_at=start)]
    )
    assert len(store.sets()) == 6
    assert [s.exercise_id for s in store.sets(exercise_id="reverse-fly")] == ["reverse-fly"]
    recent = store.sets(exercise_id="bent-over-row", since=start + timedelta(days=3))
    assert [s.performed_at.day for s in recent] == [4, 5]


def test_sessions_start_and_end(store):
    began = datetime(2025, 5, 1, 7, 0, tzinfo=UTC)
    session_id = store.start_session("Upper back A", started_at=began)
    store.log_set(a_set(session_id=session_id))
    store.end_session(session_id, ended_at=began + timedelta(minutes=40))
    (session,) = store.sessions()
    assert (session.name, session.source, session.ended_at - session.started_at) == (
        "Upper back A",
        "session",
        timedelta(minutes=40),
    )
    assert store.sets()[0].session_id == session_id
    with pytest.raises(UpperbackError, match="no training session 99"):
        store.end_session(99)


def test_profile_is_replaced_and_plans_keep_history(store):
    assert store.load_profile() is None and store.latest_plan() is None
    store.save_profile({"equipment": ["dumbbells"], "sessions_per_week": 3})
    store.save_profile({"equipment": ["resistance-band"], "sessions_per_week": 2})
    assert store.load_profile() == {"equipment": ["resistance-band"], "sessions_per_week": 2}
    first = store.save_plan({"weeks": 4}, "Starter")
    second = store.save_plan({"weeks": 6}, "Next block")
    assert second != first
    assert store.latest_plan() == (second, {"weeks": 6})
    assert [p.name for p in store.plans()] == ["Starter", "Next block"]


def test_mapping_a_name_updates_unmapped_sets_and_is_remembered(store):
    store.log_sets(
        [
            a_set(exercise_id=None, variant_id=None, exercise_name="Row (Band)"),
            a_set(exercise_id=None, variant_id=None, exercise_name="Squat (Barbell)", set_index=2),
        ]
    )
    assert store.map_exercise_name("row (band)", "bent-over-row", "band-bent-over-row") == 1
    by_name = {s.exercise_name: (s.exercise_id, s.variant_id) for s in store.sets()}
    assert by_name == {"Row (Band)": ("bent-over-row", "band-bent-over-row"), "Squat (Barbell)": (None, None)}
    assert store.aliases() == {"row (band)": ("bent-over-row", "band-bent-over-row")}


def test_a_bad_database_url_is_a_clear_error():
    with pytest.raises(UpperbackError, match="not valid"):
        open_store("not a url at all")


def test_units_and_set_types_are_their_enums_from_text_to_the_database_and_back(store):
    typed = a_set(load_unit="lb", set_type="warmup")
    assert (type(typed.load_unit), type(typed.set_type)) == (WeightUnit, SetType)  # text becomes the enum
    set_id = store.log_set(typed)
    back = store.get_set(set_id)
    assert (back.load_unit, back.set_type) == (WeightUnit.LB, SetType.WARMUP)
    assert type(store.sets()[0].set_type) is SetType and type(store.sets()[0].load_unit) is WeightUnit
    assert back.load_kg == pytest.approx(12.5 * 0.45359237)
    with pytest.raises(UpperbackError, match="set type 'warm-up' is not one of normal, warmup, drop, failure"):
        a_set(set_type="warm-up")
    with pytest.raises(UpperbackError, match="load unit 'lbs' is not kg or lb"):
        store.update_set(set_id, load_unit="lbs")
    assert store.get_set(set_id) == back


def test_one_sessions_sets_are_counted_and_read_by_the_database(store):
    first = store.start_session("Morning", started_at=datetime(2025, 3, 4, 7, tzinfo=UTC))
    second = store.start_session("Evening", started_at=datetime(2025, 3, 4, 18, tzinfo=UTC))
    store.log_sets(
        [a_set(session_id=first, set_index=i) for i in (1, 2, 3)]
        + [a_set(session_id=second, set_index=9), a_set(set_index=10)]
    )
    assert (store.count_sets(session_id=first), store.count_sets(session_id=second), store.count_sets()) == (3, 1, 5)
    assert [s.set_index for s in store.sets(session_id=first)] == [1, 2, 3]
    assert store.get_session(second).name == "Evening" and store.get_session(999) is None


def test_the_log_as_it_stood_when_a_session_began_and_the_newest_analyses_come_from_the_database(store):
    start = datetime(2025, 3, 4, 18, tzinfo=UTC)
    resumed = store.start_session("upperback: Week 1, day 1", started_at=start)
    store.log_sets(
        [
            a_set(performed_at=start - timedelta(days=2), set_index=1),  # before, loose
            a_set(performed_at=start - timedelta(hours=1), session_id=resumed),  # its own, earlier
            a_set(performed_at=start + timedelta(minutes=5), set_index=2),  # after it began
            a_set(performed_at=start - timedelta(days=1), exercise_id=None, set_index=3),
        ]
    )  # no movement
    history = store.movement_sets(before=start, outside_session=resumed)
    assert [s.set_index for s in history] == [1]
    assert len(store.movement_sets()) == 3
    for hour in range(3):
        store.link_form_analysis(
            FormAnalysisRecord(
                exercise_id="bent-over-row",
                analyzed_at=start + timedelta(hours=hour),
                report_path=f"/r/{hour}.json",
                report_sha256=f"{hour}" * 64,
                summary={"reps": hour},
            )
        )
    assert [a.summary["reps"] for a in store.form_analyses(newest=2)] == [2, 1]
    assert [a.summary["reps"] for a in store.form_analyses()] == [0, 1, 2]
